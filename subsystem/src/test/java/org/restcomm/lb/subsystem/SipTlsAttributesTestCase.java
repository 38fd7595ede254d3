package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.subsystem.test.AbstractSubsystemTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.jboss.as.subsystem.test.KernelServices;
import org.jboss.dmr.ModelNode;
import org.junit.Before;
import org.junit.Test;

/**
 * A tls or wss SIP listener needs an ssl-context and a udp, tcp or ws one takes none; each refusal names the
 * attribute and leaves the model as it was.
 */
public class SipTlsAttributesTestCase extends AbstractSubsystemTest {

    private static final String XML = "<subsystem xmlns=\"urn:restcomm:load-balancer:1.2\" statistics-socket-binding=\"stats\">"
            + "<sip><listener name=\"external-udp\" side=\"external\" socket-binding=\"sip\"/></sip></subsystem>";
    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");
    private static final ModelNode TLS_LISTENER = Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", "external-tls");
    private static final ModelNode UDP_LISTENER = Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", "external-udp");

    private KernelServices services;

    public SipTlsAttributesTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Before
    public void boot() throws Exception {
        this.services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip-tls"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "server-tls"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "node-tls")))
                .setSubsystemXml(XML)
                .build();
        assertTrue(this.services.isSuccessfulBoot());
    }

    @Test
    public void aTlsListenerWithoutSslContextIsRefusedNamingIt() {
        ModelNode outcome = this.services.executeOperation(this.addTls("tls", null));
        assertRefusedNaming(outcome, "ssl-context");
        assertFalse("nothing half-applied", this.exists(TLS_LISTENER));
    }

    @Test
    public void anSslContextOnAUdpListenerIsRefusedNamingIt() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(UDP_LISTENER, "ssl-context", "server-tls"));
        assertRefusedNaming(outcome, "ssl-context");
        ModelNode read = this.services.executeOperation(Operations.createReadAttributeOperation(UDP_LISTENER, "ssl-context"));
        assertFalse(read.toString(), Operations.readResult(read).isDefined());
    }

    @Test
    public void undefiningTheSslContextOfATlsListenerIsRefused() {
        assertTrue(Operations.isSuccessfulOutcome(this.services.executeOperation(this.addTls("tls", "server-tls"))));
        ModelNode outcome = this.services.executeOperation(Operations.createUndefineAttributeOperation(TLS_LISTENER, "ssl-context"));
        assertRefusedNaming(outcome, "ssl-context");
    }

    @Test
    public void tlsAndWssListenersWithSslContextsAndTheSipTlsAttributesAreWrittenToXml() throws Exception {
        ModelNode batch = Operations.CompositeOperationBuilder.create()
                .addStep(this.addTls("tls", "server-tls"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "terminate-tls", true))
                .addStep(Operations.createWriteAttributeOperation(SIP, "backend-ssl-context", "node-tls"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "handshake-timeout", 5000))
                .build().getOperation();
        ModelNode outcome = this.services.executeOperation(batch);
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("transport=\"tls\"") && xml.contains("ssl-context=\"server-tls\"") && xml.contains("terminate-tls=\"true\"")
                && xml.contains("backend-ssl-context=\"node-tls\"") && xml.contains("handshake-timeout=\"5000\""));
    }

    @Test
    public void aTransportOutsideTheListIsRefusedNamingIt() {
        assertRefusedNaming(this.services.executeOperation(this.addTls("dtls", "server-tls")), "transport");
    }

    private ModelNode addTls(String transport, String sslContext) {
        ModelNode add = Operations.createAddOperation(TLS_LISTENER);
        add.get("side").set("external");
        add.get("transport").set(transport);
        add.get("socket-binding").set("sip-tls");
        if (sslContext != null) {
            add.get("ssl-context").set(sslContext);
        }
        return add;
    }

    private boolean exists(ModelNode address) {
        return Operations.isSuccessfulOutcome(this.services.executeOperation(Operations.createReadResourceOperation(address)));
    }

    private static void assertRefusedNaming(ModelNode outcome, String attribute) {
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains(attribute));
    }
}

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
import org.wildfly.io.IOServiceDescriptor;

/** The SMPP TLS listener's ssl-socket-binding and ssl-context come together; handshake-timeout is a positive duration. */
public class SmppTlsAttributesTestCase extends AbstractSubsystemTest {

    private static final String XML = "<subsystem xmlns=\"urn:restcomm:load-balancer:1.2\" statistics-socket-binding=\"stats\">"
            + "<smpp socket-binding=\"smpp\"/></subsystem>";
    private static final ModelNode SMPP = Operations.createAddress("subsystem", "load-balancer", "smpp", "default");

    private KernelServices services;

    public SmppTlsAttributesTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Before
    public void boot() throws Exception {
        this.services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "smpp"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "smpp-tls"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "esme-tls"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "smsc-tls"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(XML)
                .build();
        assertTrue(this.services.isSuccessfulBoot());
    }

    private void assertRefusedNaming(ModelNode operation, String named) {
        ModelNode outcome = this.services.executeOperation(operation);
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains(named));
    }

    @Test
    public void sslContextWithoutSslSocketBindingIsRefused() {
        this.assertRefusedNaming(Operations.createWriteAttributeOperation(SMPP, "ssl-context", "esme-tls"), "ssl-socket-binding");
    }

    @Test
    public void sslSocketBindingWithoutSslContextIsRefused() {
        this.assertRefusedNaming(Operations.createWriteAttributeOperation(SMPP, "ssl-socket-binding", "smpp-tls"), "ssl-context");
    }

    @Test
    public void eachDirectionTakesOnlyItsOwnAlgorithms() {
        this.assertRefusedNaming(Operations.createWriteAttributeOperation(SMPP, "to-node-algorithm", "active-standby"), "to-node-algorithm");
        this.assertRefusedNaming(Operations.createWriteAttributeOperation(SMPP, "to-provider-algorithm", "submit-to-all"), "to-provider-algorithm");
        assertTrue(Operations.isSuccessfulOutcome(this.services.executeOperation(Operations.createWriteAttributeOperation(SMPP, "to-node-algorithm", "submit-to-all"))));
        assertTrue(Operations.isSuccessfulOutcome(this.services.executeOperation(Operations.createWriteAttributeOperation(SMPP, "to-provider-algorithm", "active-standby"))));
    }

    @Test
    public void danglingReferencesAndAZeroHandshakeTimeoutAreRefused() {
        this.assertRefusedNaming(Operations.createWriteAttributeOperation(SMPP, "backend-ssl-context", "nowhere"), "nowhere");
        this.assertRefusedNaming(Operations.createWriteAttributeOperation(SMPP, "handshake-timeout", 0L), "handshake-timeout");
    }

    @Test
    public void theTlsAttributesTogetherAreAcceptedAndWrittenToXml() throws Exception {
        ModelNode batch = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createWriteAttributeOperation(SMPP, "ssl-socket-binding", "smpp-tls"))
                .addStep(Operations.createWriteAttributeOperation(SMPP, "ssl-context", "esme-tls"))
                .addStep(Operations.createWriteAttributeOperation(SMPP, "backend-ssl-context", "smsc-tls"))
                .addStep(Operations.createWriteAttributeOperation(SMPP, "handshake-timeout", new ModelNode().set(new org.jboss.dmr.ValueExpression("${smpp.handshake:3000}"))))
                .build().getOperation();
        ModelNode outcome = this.services.executeOperation(batch);
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("ssl-socket-binding=\"smpp-tls\"") && xml.contains("ssl-context=\"esme-tls\"")
                && xml.contains("backend-ssl-context=\"smsc-tls\"") && xml.contains("handshake-timeout=\"${smpp.handshake:3000}\""));
    }
}

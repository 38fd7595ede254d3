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

/** heartbeat=http's ssl-context: a reference to an existing ssl-context, written to XML, not confused with http=default's. */
public class HeartbeatTlsAttributeTestCase extends AbstractSubsystemTest {

    private static final String XML = "<subsystem xmlns=\"urn:restcomm:load-balancer:1.2\" statistics-socket-binding=\"stats\">"
            + "<http-heartbeat socket-binding=\"heartbeat\"/></subsystem>";
    private static final ModelNode HTTP_HEARTBEAT = Operations.createAddress("subsystem", "load-balancer", "heartbeat", "http");

    private KernelServices services;

    public HeartbeatTlsAttributeTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Before
    public void boot() throws Exception {
        this.services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "heartbeat"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "heartbeat-tls"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(XML)
                .build();
        assertTrue(this.services.isSuccessfulBoot());
    }

    @Test
    public void sslContextIsAcceptedAndWrittenToTheHeartbeatElement() throws Exception {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP_HEARTBEAT, "ssl-context", "heartbeat-tls"));
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.replaceAll("\\s+", " ").matches(".*<http-heartbeat [^>]*ssl-context=\"heartbeat-tls\".*"));
    }

    @Test
    public void anSslContextThatDoesNotExistIsRefused() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP_HEARTBEAT, "ssl-context", "nowhere"));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("nowhere"));
    }
}

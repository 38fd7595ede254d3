package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertEquals;
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

/** Heartbeat admission attributes: live (no reload), validated at write time with an error naming the attribute. */
public class HeartbeatAdmissionAttributesTestCase extends AbstractSubsystemTest {

    private static final String XML = "<subsystem xmlns=\"urn:restcomm:load-balancer:1.2\" statistics-socket-binding=\"stats\">"
            + "<http-heartbeat socket-binding=\"heartbeat\"/></subsystem>";
    private static final ModelNode SUBSYSTEM = Operations.createAddress("subsystem", "load-balancer");
    private static final ModelNode HTTP_HEARTBEAT = Operations.createAddress("subsystem", "load-balancer", "heartbeat", "http");

    private KernelServices services;

    public HeartbeatAdmissionAttributesTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Before
    public void boot() throws Exception {
        this.services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "heartbeat"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(XML)
                .build();
        assertTrue(this.services.isSuccessfulBoot());
    }

    @Test
    public void malformedCidrIsRefusedNamingTheAttribute() {
        ModelNode value = new ModelNode().add("10.0.0.0/8").add("10.0.0.0/33");
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP_HEARTBEAT, "allowed-sources", value));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String failure = Operations.getFailureDescription(outcome).asString();
        assertTrue(failure, failure.contains("allowed-sources") && failure.contains("10.0.0.0/33"));

        outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP_HEARTBEAT, "allowed-sources", new ModelNode().add("nodes.example.com")));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
    }

    @Test
    public void admissionAttributesApplyWithoutReload() {
        for (ModelNode write : new ModelNode[] {
                Operations.createWriteAttributeOperation(HTTP_HEARTBEAT, "allowed-sources", new ModelNode().add("10.0.0.0/8").add("fd00::/8")),
                Operations.createWriteAttributeOperation(SUBSYSTEM, "max-nodes", 10),
                Operations.createWriteAttributeOperation(SUBSYSTEM, "heartbeat-rate-limit", 5) }) {
            ModelNode outcome = this.services.executeOperation(write);
            assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
            assertFalse(outcome.toString(), outcome.get("response-headers").hasDefined("operation-requires-reload"));
        }
        assertFalse(Operations.isSuccessfulOutcome(this.services.executeOperation(Operations.createWriteAttributeOperation(SUBSYSTEM, "max-nodes", 0))));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("allowed-sources=\"10.0.0.0/8 fd00::/8\"") && xml.contains("max-nodes=\"10\"") && xml.contains("heartbeat-rate-limit=\"5\""));
    }

    @Test
    public void defaultsAreTheIssuesOnes() {
        ModelNode read = Operations.createReadAttributeOperation(SUBSYSTEM, "max-nodes");
        assertEquals(500, Operations.readResult(this.services.executeOperation(read)).asInt());
        read = Operations.createReadAttributeOperation(SUBSYSTEM, "heartbeat-rate-limit");
        assertEquals(20, Operations.readResult(this.services.executeOperation(read)).asInt());
        read = Operations.createReadAttributeOperation(HTTP_HEARTBEAT, "allowed-sources");
        assertFalse(Operations.readResult(this.services.executeOperation(read)).isDefined());
    }
}

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

/** The 1.3 SIP routing and health attributes, static nodes and ramp-up: bad values are refused naming the attribute, good ones written to XML. */
public class SipRoutingAttributesTestCase extends AbstractSubsystemTest {

    private static final String XML = "<subsystem xmlns=\"urn:restcomm:load-balancer:1.3\" statistics-socket-binding=\"stats\">"
            + "<sip><listener name=\"external-udp\" side=\"external\" socket-binding=\"sip\"/></sip></subsystem>";
    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");

    private KernelServices services;

    public SipRoutingAttributesTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Before
    public void boot() throws Exception {
        this.services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip")))
                .setSubsystemXml(XML)
                .build();
        assertTrue(this.services.isSuccessfulBoot());
    }

    @Test
    public void badValuesAreRefusedNamingTheAttribute() {
        ModelNode badRules = new ModelNode().add("10\\..*").add("(unclosed");
        this.assertRefused("public-address-rules", badRules);
        this.assertRefused("public-address", new ModelNode("not an address!"));
        this.assertRefused("internal-transport", new ModelNode("sctp"));
        this.assertRefused("bad-node-unanswered-requests", new ModelNode(0));
        this.assertRefused("bad-node-response-time", new ModelNode(-1L));
        this.assertRefused("static-nodes", new ModelNode().add("10.0.0.1:99999"));
        this.assertRefused("ramp-up-increase", new ModelNode(101));
        this.assertRefused("ramp-up-period", new ModelNode(-5L));
    }

    @Test
    public void routingAndHealthAttributesAreWrittenToXml() throws Exception {
        ModelNode batch = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createWriteAttributeOperation(SIP, "internal-transport", "tcp"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "route-hostname", "lb.example.com"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "route-hostname-subdomains", true))
                .addStep(Operations.createWriteAttributeOperation(SIP, "public-address", "203.0.113.9"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "public-address-v6", "2001:db8::9"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "public-address-rules", new ModelNode().add("10\\..*")))
                .addStep(Operations.createWriteAttributeOperation(SIP, "bad-node-unanswered-requests", 3))
                .addStep(Operations.createWriteAttributeOperation(SIP, "bad-node-response-time", 2000L))
                .build().getOperation();
        ModelNode outcome = this.services.executeOperation(batch);
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        for (String expected : new String[] { "internal-transport=\"tcp\"", "route-hostname=\"lb.example.com\"", "route-hostname-subdomains=\"true\"",
                "public-address=\"203.0.113.9\"", "public-address-v6=\"2001:db8::9\"", "public-address-rules=\"10\\..*\"",
                "bad-node-unanswered-requests=\"3\"", "bad-node-response-time=\"2000\"" }) {
            assertTrue(expected + " in " + xml, xml.contains(expected));
        }
    }

    private void assertRefused(String attribute, ModelNode value) {
        ModelNode address = attribute.equals("static-nodes") || attribute.startsWith("ramp-up") ? Operations.createAddress("subsystem", "load-balancer") : SIP;
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(address, attribute, value));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains(attribute));
        ModelNode read = this.services.executeOperation(Operations.createReadAttributeOperation(address, attribute));
        long defaultValue = switch (attribute) {
            case "bad-node-response-time", "ramp-up-period" -> 0L;
            case "ramp-up-increase" -> 10L;
            default -> -1L;
        };
        assertEquals("nothing half-applied: " + read, defaultValue,
                Operations.readResult(read).isDefined() ? Operations.readResult(read).asLong(0) : -1L);
    }
}

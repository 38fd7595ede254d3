package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** The configuration as jboss-cli shows it: the guide's defaults, expressions, refusals that name the attribute. */
public class ManagementModelTestCase extends LoadBalancerTestCase {

    @Test
    public void defaultConfigurationHasTheGuideSettingsAndPorts() {
        // /subsystem=load-balancer:read-resource(include-defaults=true)
        assertEquals(8400L, this.management.read(Management.SUBSYSTEM, "node-timeout").asLong());
        assertEquals(150L, this.management.read(Management.SUBSYSTEM, "heartbeat-interval").asLong());
        assertTrue(this.management.read(Management.SUBSYSTEM, "statistics-enabled").asBoolean());
        assertEquals("load-balancer-statistics", this.management.read(Management.SUBSYSTEM, "statistics-socket-binding").asString());
        assertEquals("load-balancer-heartbeat", this.management.read(heartbeat("http"), "socket-binding").asString());
        assertFalse(this.management.success(childrenNames("heartbeat")).asList().contains(new ModelNode("rmi")), "heartbeat=rmi is off by default");

        assertPort("load-balancer-heartbeat", 2610);
        assertPort("load-balancer-statistics", 2006);
        assertPort("load-balancer-sip-external", 5060);
        assertPort("load-balancer-sip-internal", 5065);
        assertPort("load-balancer-http", 2080);
        assertPort("load-balancer-https", 2081);
        // HTTPS needs an ssl-context, which no default configuration has: 2081 is defined but not opened
        assertFalse(this.management.read(HttpBalancingTestCase.HTTP, "https-socket-binding").isDefined(), "no HTTPS listener by default");
        assertPort("load-balancer-smpp", 2776);
        assertPort("load-balancer-rmi-registry", 2000);
        assertPort("load-balancer-rmi-object", 2001);
    }

    @Test
    public void runningEndpointsShowTheirSocketBindingsAsBound() {
        // /socket-binding-group=standard-sockets/socket-binding=load-balancer-heartbeat:read-attribute(name=bound)
        for (String binding : new String[] { "load-balancer-heartbeat", "load-balancer-statistics" }) {
            ModelNode address = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", binding);
            assertTrue(this.management.success(Operations.createReadAttributeOperation(address, "bound")).asBoolean(), binding);
        }
    }

    @Test
    public void durationsDeclareTheirUnitAndAcceptExpressions() {
        // /subsystem=load-balancer:read-resource-description
        ModelNode attributes = this.management.success(Operations.createOperation("read-resource-description", Management.SUBSYSTEM)).get("attributes");
        for (String duration : new String[] { "node-timeout", "heartbeat-interval" }) {
            assertEquals("MILLISECONDS", attributes.get(duration, "unit").asString(), duration);
            assertTrue(attributes.get(duration, "expressions-allowed").asBoolean(), duration);
        }
    }

    @Test
    public void expressionIsResolvedAndAppliedWithoutReload() throws Exception {
        try {
            // /subsystem=load-balancer:write-attribute(name=node-timeout, value="${lb.test.timeout:9100}")
            ModelNode outcome = this.management.write(Management.SUBSYSTEM, "node-timeout", new ModelNode().set(new org.jboss.dmr.ValueExpression("${lb.test.timeout:9100}")));
            assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
            assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), "node-timeout applies live");
            ModelNode resolve = Operations.createReadAttributeOperation(Management.SUBSYSTEM, "node-timeout");
            resolve.get("resolve-expressions").set(true);
            assertEquals(9100L, this.management.success(resolve).asLong());
            assertEquals(9100L, JmxClient.read(this.managementClient, "NodeExpiration"), "the running balancer uses the new value");
        } finally {
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "node-timeout"));
        }
    }

    @Test
    public void invalidValuesAreRefusedNamingTheAttribute() {
        assertRefused(this.management.write(Management.SUBSYSTEM, "node-timeout", new ModelNode(0L)), "node-timeout");
        assertRefused(this.management.write(Management.SUBSYSTEM, "heartbeat-interval", new ModelNode("often")), "heartbeat-interval");
        ModelNode badNodes = new ModelNode();
        badNodes.add("10.0.0.1:notaport");
        assertRefused(this.management.write(Management.SUBSYSTEM, "extra-server-nodes", badNodes), "extra-server-nodes");
        assertRefused(this.management.write(heartbeat("http"), "socket-binding", new ModelNode("no-such-binding")), "no-such-binding");

        assertEquals(8400L, this.management.read(Management.SUBSYSTEM, "node-timeout").asLong());
        assertFalse(this.management.read(Management.SUBSYSTEM, "extra-server-nodes").isDefined());
        assertEquals("load-balancer-heartbeat", this.management.read(heartbeat("http"), "socket-binding").asString());
    }

    @Test
    public void failedCompositeLeavesNothingHalfApplied() {
        // batch: a valid heartbeat-interval write, then an invalid node-timeout write
        ModelNode composite = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "heartbeat-interval", 500L))
                .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "node-timeout", -5L))
                .build().getOperation();

        assertFalse(Operations.isSuccessfulOutcome(this.management.execute(composite)));
        assertEquals(150L, this.management.read(Management.SUBSYSTEM, "heartbeat-interval").asLong());
        assertEquals(150L, JmxClient.read(this.managementClient, "NodeExpirationTaskInterval"), "the running balancer was rolled back too");
    }

    private static void assertRefused(ModelNode outcome, String named) {
        assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        String failure = Operations.getFailureDescription(outcome).asString();
        assertTrue(failure.contains(named), "failure names " + named + ": " + failure);
    }

    private void assertPort(String socketBinding, int port) {
        ModelNode address = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", socketBinding);
        ModelNode read = Operations.createReadAttributeOperation(address, "port");
        read.get("resolve-expressions").set(true);
        assertEquals(port, this.management.success(read).asInt(), socketBinding);
        ModelNode unresolved = this.management.read(address, "port");
        assertTrue(unresolved.asString().startsWith("${jboss.load-balancer."), socketBinding + " is overridable: " + unresolved);
    }

    private static ModelNode heartbeat(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "heartbeat", name);
    }

    private static ModelNode childrenNames(String type) {
        ModelNode operation = Operations.createOperation("read-children-names", Management.SUBSYSTEM);
        operation.get("child-type").set(type);
        return operation;
    }
}

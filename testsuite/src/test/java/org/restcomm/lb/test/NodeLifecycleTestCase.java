package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Expiry, static nodes and the operator's drain/disable/enable, as jboss-cli and /lbinfo show them. */
public class NodeLifecycleTestCase extends LoadBalancerTestCase {
    @AfterEach
    public void restoreDefaults() {
        for (String attribute : new String[] { "node-timeout", "heartbeat-interval", "extra-server-nodes", "static-nodes" }) {
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, attribute));
        }
    }

    @Test
    public void silentNodeExpiresAfterNodeTimeoutWhileBeatingNodeStays() throws Exception {
        // short timers through the model: /subsystem=load-balancer:write-attribute(name=node-timeout, value=800)
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "node-timeout", 800L));
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "heartbeat-interval", 50L));
        this.heartbeats.start(HeartbeatClient.node(5201, 92001L, "1", "silent"));
        this.heartbeats.start(HeartbeatClient.node(5202, 92002L, "1", "beating"));
        assertTrue(this.management.nodeNames().contains("127.0.0.1:5201"));

        long start = System.currentTimeMillis();
        while (this.management.nodeNames().contains("127.0.0.1:5201")) {
            assertEquals(200, this.heartbeats.command("heartbeat", 92002L).status());
            assertTrue(System.currentTimeMillis() - start < 10_000, "silent node still registered after 10 s");
            Thread.sleep(100);
        }
        assertTrue(System.currentTimeMillis() - start >= 700, "expired no earlier than node-timeout");
        assertTrue(this.management.nodeNames().contains("127.0.0.1:5202"), "the beating node is kept");
        assertEquals(404, this.heartbeats.command("heartbeat", 92001L).status(), "the expired node must start again");
        this.heartbeats.command("stop", 92002L);
    }

    @Test
    public void staticNodesNeverExpire() throws Exception {
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "node-timeout", 300L));
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "heartbeat-interval", 50L));
        ModelNode nodes = new ModelNode();
        nodes.add("127.0.0.2:5070");
        nodes.add("127.0.0.3");
        // /subsystem=load-balancer:write-attribute(name=static-nodes, value=[127.0.0.2:5070, 127.0.0.3])
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "static-nodes", nodes));

        Thread.sleep(1000);

        assertTrue(this.management.nodeNames().contains("127.0.0.2:5070"));
        assertTrue(this.management.nodeNames().contains("127.0.0.3:5060"), "port 5060 when none is given");
        assertEquals("static", this.management.read(Management.node("127.0.0.2:5070"), "source").asString());

        this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "static-nodes"));
        assertFalse(this.management.nodeNames().contains("127.0.0.2:5070"), "removed from the list, removed from the registry");
    }

    @Test
    public void extraServerNodesAreNotNodes() {
        ModelNode addresses = new ModelNode();
        addresses.add("127.0.0.2:5070");
        addresses.add("127.0.0.3");
        // /subsystem=load-balancer:write-attribute(name=extra-server-nodes, value=[127.0.0.2:5070, 127.0.0.3]): direction only
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "extra-server-nodes", addresses));
        assertFalse(this.management.nodeNames().contains("127.0.0.2:5070"), "an extra server never receives calls, so it is no node");
        assertFalse(this.management.nodeNames().stream().anyMatch(name -> name.startsWith("127.0.0.3:")));
    }

    @Test
    public void operatorDrainsDisablesAndEnablesNode() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5203, 92003L, "1", "operated"));
        ModelNode node = Management.node("127.0.0.1:5203");

        // /subsystem=load-balancer/node=127.0.0.1\:5203:drain
        this.management.success(Operations.createOperation("drain", node));
        assertEquals("draining", this.management.read(node, "state").asString());
        assertTrue(StatisticsPages.node(StatisticsPages.lbinfo(), "127.0.0.1", "5203").getBoolean("gracefulShutdown"));

        this.management.success(Operations.createOperation("disable", node));
        assertEquals("disabled", this.management.read(node, "state").asString());

        this.management.success(Operations.createOperation("enable", node));
        assertEquals("active", this.management.read(node, "state").asString());
        assertFalse(StatisticsPages.node(StatisticsPages.lbinfo(), "127.0.0.1", "5203").getBoolean("gracefulShutdown"));

        assertEquals(200, this.heartbeats.command("heartbeat", 92003L).status());
        assertEquals("active", this.management.read(node, "state").asString(), "a heartbeat does not undo an operator's choice");
        this.heartbeats.command("stop", 92003L);
    }

    @Test
    public void operationOnUnknownNodeFailsClearly() {
        ModelNode outcome = this.management.execute(Operations.createOperation("drain", Management.node("10.9.9.9:1")));
        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("10.9.9.9:1"), outcome::toString);
    }
}

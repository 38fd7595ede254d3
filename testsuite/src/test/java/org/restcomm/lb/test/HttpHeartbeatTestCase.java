package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** A node written for the original balancer registers over HTTP/JSON on 2610 unchanged. */
public class HttpHeartbeatTestCase extends LoadBalancerTestCase {
    @Test
    public void startRegistersNodeWithItsAdvertisedProperties() throws Exception {
        Map<String, String> start = new HashMap<>(HeartbeatClient.node(5101, 91001L, "7", "route-a"));
        start.put("restcommInstanceId", "ID-A");
        start.put("smppPort", "2777");
        HeartbeatClient.Reply reply = this.heartbeats.start(start);

        assertEquals(200, reply.status());
        assertEquals("OK", reply.json().getString("start"));
        assertEquals("close", reply.connectionHeader(), "the balancer closes the connection after each reply");
        // /subsystem=load-balancer/node=127.0.0.1\:5101:read-resource(include-runtime=true)
        ModelNode node = Management.node("127.0.0.1:5101");
        assertEquals("node-5101", this.management.read(node, "host-name").asString());
        assertEquals("7", this.management.read(node, "version").asString());
        assertEquals("route-a", this.management.read(node, "jvm-route").asString());
        assertEquals("active", this.management.read(node, "state").asString());
        assertEquals("http", this.management.read(node, "source").asString());
        ModelNode properties = this.management.read(node, "properties");
        assertEquals("ID-A", properties.get("Restcomm-Instance-Id").asString(), "restcommInstanceId becomes Restcomm-Instance-Id");
        assertEquals("2777", properties.get("smppPort").asString(), "unknown keys are kept as properties");

        this.heartbeats.command("stop", 91001L);
    }

    @Test
    public void heartbeatWithNumericSessionIdRefreshesNodeStartedWithStringSessionId() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5102, 91002L, "1", "route-b"));
        Thread.sleep(300);
        long ageBefore = this.management.read(Management.node("127.0.0.1:5102"), "last-heartbeat-age").asLong();

        HeartbeatClient.Reply reply = this.heartbeats.command("heartbeat", 91002L);

        assertEquals(200, reply.status());
        assertEquals("OK", reply.json().getString("heartbeat"));
        long ageAfter = this.management.read(Management.node("127.0.0.1:5102"), "last-heartbeat-age").asLong();
        assertTrue(ageAfter < ageBefore, "heartbeat refreshed the node: age " + ageBefore + " -> " + ageAfter);
        this.heartbeats.command("stop", 91002L);
    }

    @Test
    public void heartbeatForUnknownSessionIsAnswered404SoTheNodeStartsAgain() throws Exception {
        HeartbeatClient.Reply reply = this.heartbeats.command("heartbeat", 99999999L);

        assertEquals(404, reply.status());
        assertEquals("UNKNOWN", reply.json().getString("heartbeat"));
    }

    @Test
    public void shutdownDrainsAndStopRemoves() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5103, 91003L, "1", "route-c"));

        assertEquals("OK", this.heartbeats.command("shutdown", 91003L).json().getString("shutdown"));
        assertEquals("draining", this.management.read(Management.node("127.0.0.1:5103"), "state").asString());

        assertEquals("OK", this.heartbeats.command("stop", 91003L).json().getString("stop"));
        assertFalse(this.management.nodeNames().contains("127.0.0.1:5103"));
    }

    @Test
    public void startWithNewSessionUnderSameNameIsARestart() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5104, 91004L, "1", "route-d"));
        this.heartbeats.command("shutdown", 91004L);

        this.heartbeats.start(HeartbeatClient.node(5104, 91005L, "2", "route-d"));

        ModelNode node = Management.node("127.0.0.1:5104");
        assertEquals("91005", this.management.read(node, "session-id").asString());
        assertEquals("2", this.management.read(node, "version").asString());
        assertEquals("active", this.management.read(node, "state").asString(), "the restarted node takes new work again");
        assertEquals(404, this.heartbeats.command("heartbeat", 91004L).status(), "the old session is gone");
        this.heartbeats.command("stop", 91005L);
    }

    @Test
    public void switchoverMovesJvmRouteOwnership() throws Exception {
        assertEquals("OK", this.heartbeats.switchover("route-x", "route-y").json().getString("switchover"));

        // /subsystem=load-balancer:read-attribute(name=jvm-route-switchovers)
        assertEquals("route-y", this.management.read(Management.SUBSYSTEM, "jvm-route-switchovers").get("route-x").asString());
    }

    @Test
    public void malformedHeartbeatsGet4xxAndRegisterNothing() throws Exception {
        int before = this.management.nodeNames().size();
        long rejectedBefore = this.management.read(Management.SUBSYSTEM, "heartbeats-rejected").asLong();

        assertEquals(400, this.heartbeats.send("{\"start\":").status(), "bad JSON");
        assertEquals(400, this.heartbeats.send("[1,2,3]").status(), "not an object");
        assertEquals(400, this.heartbeats.send("{\"dance\":{\"sessionId\":1}}").status(), "unknown command");
        assertEquals(400, this.heartbeats.send("{\"start\":{\"hostName\":\"no-ip\",\"udpPort\":\"5105\"}}").status(), "start without ip");
        assertEquals(400, this.heartbeats.send("{\"heartbeat\":{}}").status(), "heartbeat without sessionId");
        assertEquals(400, this.heartbeats.send("{\"start\":{\"ip\":\"127.0.0.1\"},\"stop\":{\"sessionId\":1}}").status(), "two commands");
        assertEquals(413, this.heartbeats.send("{\"start\":{\"ip\":\"127.0.0.1\",\"pad\":\"" + "x".repeat(70_000) + "\"}}").status(), "body over 64 KiB");

        assertEquals(before, this.management.nodeNames().size());
        assertEquals(rejectedBefore + 7, this.management.read(Management.SUBSYSTEM, "heartbeats-rejected").asLong());
        // the balancer keeps serving
        assertEquals(200, this.heartbeats.start(HeartbeatClient.node(5106, 91006L, "1", "route-e")).status());
        this.heartbeats.command("stop", 91006L);
    }
}

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** sipp as caller and as nodes, through the balancer's default listeners (5060 external, 5065 internal). */
public class SipCallsThroughSippTestCase extends LoadBalancerTestCase {

    @Test
    public void callsSpreadOverTwoNodesAndAllComplete() throws Exception {
        Path directory = Sipp.workDirectory();
        long invitesBefore = JmxClient.invoke(this.managementClient, "getRequestsProcessedByMethod", "INVITE");
        long requestsBefore = this.management.read(Management.SUBSYSTEM, "sip-requests-processed").asLong();
        // each node exits after exactly its share: Call-ID affinity deals new calls round robin
        try (Sipp first = Sipp.uas(5091, 10, directory); Sipp second = Sipp.uas(5092, 10, directory)) {
            Thread.sleep(500);
            this.heartbeats.start(HeartbeatClient.node(5091, 97001L, "1", "sipp-a"));
            this.heartbeats.start(HeartbeatClient.node(5092, 97002L, "1", "sipp-b"));
            try (Sipp caller = Sipp.uac("127.0.0.1:5060", 5071, 20, 10, directory)) {
                assertEquals(0, caller.await(60), () -> "every call completes: " + caller.output());
            }
            // /subsystem=load-balancer/node=127.0.0.1\:5091:read-attribute(name=calls-assigned)
            assertEquals(10L, this.management.read(Management.node("127.0.0.1:5091"), "calls-assigned").asLong());
            assertEquals(10L, this.management.read(Management.node("127.0.0.1:5092"), "calls-assigned").asLong());
            assertEquals(0, first.await(10), () -> "node 5091 took its 10 calls: " + first.output());
            assertEquals(0, second.await(10), () -> "node 5092 took its 10 calls: " + second.output());
        } finally {
            this.heartbeats.command("stop", 97001L);
            this.heartbeats.command("stop", 97002L);
        }
        JsonObject lbstat = StatisticsPages.lbstat();
        assertTrue(lbstat.getJsonNumber("NumberOfRequestsProcessed").longValue() >= 60, lbstat::toString);
        assertTrue(lbstat.getJsonNumber("NumberOfResponsesProcessed").longValue() >= 60, lbstat::toString);
        assertEquals(invitesBefore + 20, JmxClient.invoke(this.managementClient, "getRequestsProcessedByMethod", "INVITE"));
        // INVITE, ACK and BYE of 20 calls, as jboss-cli and Prometheus count them
        assertEquals(requestsBefore + 60, this.management.read(Management.SUBSYSTEM, "sip-requests-processed").asLong());
    }

    @Test
    public void callsOverTcpComplete() throws Exception {
        Path directory = Sipp.workDirectory();
        try (Sipp node = Sipp.uas("t1", 5094, 5, directory)) {
            Thread.sleep(500);
            // a TCP-only node: the balancer reaches it on its tcpPort
            this.heartbeats.start(java.util.Map.of("hostName", "tcp-node", "ip", "127.0.0.1", "tcpPort", "5094", "version", "1", "sessionId", "97003"));
            try (Sipp caller = Sipp.uac("t1", "127.0.0.1:5060", 5074, 5, 5, directory)) {
                assertEquals(0, caller.await(60), () -> "every TCP call completes: " + caller.output());
            }
            assertEquals(0, node.await(10), () -> "the node took the 5 calls: " + node.output());
        } finally {
            this.heartbeats.command("stop", 97003L);
        }
    }

    @Test
    public void callsFailWithNoNodeRegistered() throws Exception {
        try (Sipp caller = Sipp.uac("127.0.0.1:5060", 5072, 1, 1, Sipp.workDirectory())) {
            assertEquals(1, caller.await(60), "sipp counts the 503 as a failed call");
            assertTrue(caller.output().contains("503") || caller.output().contains("Failed call"), caller::output);
        }
    }
}

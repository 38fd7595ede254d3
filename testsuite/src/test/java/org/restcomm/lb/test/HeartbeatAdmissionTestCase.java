package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/**
 * Forged and hijacking heartbeats from other hosts (127.0.0.2, 127.0.0.3, ... pose as them) against the provisioned
 * balancer: each is refused with the status a node sees, counted in heartbeats-rejected, and calls still reach the real node.
 */
public class HeartbeatAdmissionTestCase extends LoadBalancerTestCase {

    private static final ModelNode HTTP_HEARTBEAT = Operations.createAddress("subsystem", "load-balancer", "heartbeat", "http");
    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");
    private static final String ATTACKER = "127.0.0.2";

    @Test
    public void forgedHeartbeatsFromAnotherHostCannotTakeOverARealNode() throws Exception {
        int port = 5161;
        long session = 96161L;
        try (SipAgent node = SipAgent.node(port); SipAgent caller = SipAgent.caller(5162)) {
            assertEquals(200, this.heartbeats.start(HeartbeatClient.node(port, session, "1", "real")).status());
            long rejected = this.rejected();

            // reusing the node's ip:port with a new session and a higher version
            HeartbeatClient.Reply hijack = this.heartbeats.sendFrom(ATTACKER, HeartbeatClient.startJson("127.0.0.1", port, 666L, "9"));
            assertEquals(403, hijack.status(), hijack.body());
            assertTrue(hijack.body().contains("another address"), hijack.body());
            // stopping or draining the node's session
            assertEquals(403, this.heartbeats.sendFrom(ATTACKER, "{\"stop\":{\"sessionId\":" + session + "}}").status());
            assertEquals(403, this.heartbeats.sendFrom(ATTACKER, "{\"shutdown\":{\"sessionId\":" + session + "}}").status());
            // a node at the balancer's own external SIP port would loop every call
            HeartbeatClient.Reply loop = this.heartbeats.sendFrom(ATTACKER, HeartbeatClient.startJson("127.0.0.1", 5060, 667L, "1"));
            assertEquals(403, loop.status(), loop.body());
            assertTrue(loop.body().contains("own address"), loop.body());
            // JSON bombs: 400, never 500
            assertEquals(400, this.heartbeats.send("[".repeat(30_000) + "]".repeat(30_000)).status());
            assertEquals(400, this.heartbeats.send("{\"heartbeat\":{\"sessionId\":" + "9".repeat(60_000) + "}}").status());
            assertEquals(400, this.heartbeats.send("{\"heartbeat\":{\"sessionId\":1e999999999}}").status());

            // the real node was not touched: its heartbeat is known, it is active, version 1
            assertEquals(200, this.heartbeats.command("heartbeat", session).status());
            ModelNode address = Management.node("127.0.0.1:" + port);
            assertEquals("active", this.management.read(address, "state").asString());
            assertEquals("1", this.management.read(address, "version").asString());
            // /subsystem=load-balancer:read-attribute(name=heartbeats-rejected)
            assertEquals(rejected + 7, this.rejected());

            // /subsystem=load-balancer/heartbeat=http:write-attribute(name=allowed-sources, value=[127.0.0.1/32, ::1/128])
            this.management.success(Operations.createWriteAttributeOperation(HTTP_HEARTBEAT, "allowed-sources", new ModelNode().add("127.0.0.1/32").add("::1/128")));
            try {
                // the attacker's own node with a higher version took every new call before
                assertEquals(403, this.heartbeats.sendFrom(ATTACKER, HeartbeatClient.startJson(ATTACKER, 5163, 668L, "9")).status());
                assertFalse(this.management.nodeNames().contains(ATTACKER + ":5163"));
                assertEquals(rejected + 8, this.rejected());

                SipAgent.Call call = caller.call("udp", 5060, "admission");
                call.awaitAnswer();
                Request invite = node.awaitRequest(Request.INVITE, 5000);
                assertNotNull(invite, "the real node got the call");
                assertEquals(call.callId(), ((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId());
                call.hangUp();
            } finally {
                // /subsystem=load-balancer/heartbeat=http:undefine-attribute(name=allowed-sources)
                this.management.success(Operations.createUndefineAttributeOperation(HTTP_HEARTBEAT, "allowed-sources"));
                this.heartbeats.command("stop", session);
            }
        }
    }

    @Test
    public void maxNodesAndHeartbeatRateLimitApplyLive() throws Exception {
        String host = "127.0.0.3";
        assertEquals(200, this.heartbeats.sendFrom(host, HeartbeatClient.startJson(host, 5171, 96171L, "1")).status());
        int registered = this.management.nodeNames().size();
        long rejected = this.rejected();
        List<Long> started = new ArrayList<>(List.of(96171L));
        // /subsystem=load-balancer:write-attribute(name=max-nodes, value=<nodes registered now>)
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "max-nodes", registered));
        try {
            HeartbeatClient.Reply full = this.heartbeats.sendFrom(host, HeartbeatClient.startJson(host, 5172, 96172L, "1"));
            assertEquals(503, full.status(), full.body());
            assertTrue(full.body().contains("max-nodes"), full.body());
            // a registered node keeps refreshing
            assertEquals(200, this.heartbeats.sendFrom(host, HeartbeatClient.startJson(host, 5171, 96171L, "1")).status());
            assertEquals(rejected + 1, this.rejected());
        } finally {
            // /subsystem=load-balancer:undefine-attribute(name=max-nodes)
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "max-nodes"));
        }

        // /subsystem=load-balancer:write-attribute(name=heartbeat-rate-limit, value=2)
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "heartbeat-rate-limit", 2));
        int tooMany = 0;
        try {
            // five starts within well under a second: at most two per second pass, so at most four in two windows
            for (int i = 0; i < 5; i++) {
                int status = this.heartbeats.sendFrom(host, HeartbeatClient.startJson(host, 5173 + i, 96173L + i, "1")).status();
                if (status == 429) {
                    tooMany++;
                } else {
                    assertEquals(200, status);
                    started.add(96173L + i);
                }
            }
            assertTrue(tooMany >= 1, "starts over heartbeat-rate-limit are refused with 429");
            assertEquals(rejected + 1 + tooMany, this.rejected());
        } finally {
            // /subsystem=load-balancer:undefine-attribute(name=heartbeat-rate-limit)
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "heartbeat-rate-limit"));
            for (long session : started) {
                this.heartbeats.sendFrom(host, "{\"stop\":{\"sessionId\":" + session + "}}");
            }
        }
    }

    @Test
    public void sipHeartbeatFromOutsideHeartbeatAllowedSourcesIsAnswered403() throws Exception {
        int port = 5191;
        // /subsystem=load-balancer/sip=default:write-attribute(name=heartbeat-allowed-sources, value=[10.0.0.0/8])
        this.management.success(Operations.createWriteAttributeOperation(SIP, "heartbeat-allowed-sources", new ModelNode().add("10.0.0.0/8")));
        try (SipAgent node = SipAgent.node(port)) {
            long rejected = this.rejected();
            node.send(optionsHeartbeat(node, port));
            assertNotNull(node.awaitResponse(Request.OPTIONS, Response.FORBIDDEN, 5000), "403 to the refused heartbeat");
            assertFalse(this.management.nodeNames().contains("127.0.0.1:" + port));
            assertEquals(rejected + 1, this.rejected());

            // /subsystem=load-balancer/sip=default:write-attribute(name=heartbeat-allowed-sources, value=[127.0.0.0/8, 10.0.0.0/8])
            this.management.success(Operations.createWriteAttributeOperation(SIP, "heartbeat-allowed-sources", new ModelNode().add("127.0.0.0/8").add("10.0.0.0/8")));
            node.send(optionsHeartbeat(node, port));
            assertNotNull(node.awaitResponse(Request.OPTIONS, Response.OK, 5000));
            assertTrue(this.management.nodeNames().contains("127.0.0.1:" + port));
            // a SIP-heartbeating node leaves by silence; disable it so no later test's call reaches it meanwhile
            this.management.success(Operations.createOperation("disable", Management.node("127.0.0.1:" + port)));
        } finally {
            // /subsystem=load-balancer/sip=default:undefine-attribute(name=heartbeat-allowed-sources)
            this.management.success(Operations.createUndefineAttributeOperation(SIP, "heartbeat-allowed-sources"));
        }
    }

    @Test
    public void malformedAllowedSourcesAreRefusedNamingTheAttribute() {
        // /subsystem=load-balancer/heartbeat=http:write-attribute(name=allowed-sources, value=[10.0.0.0/33])
        ModelNode outcome = this.management.write(HTTP_HEARTBEAT, "allowed-sources", new ModelNode().add("10.0.0.0/33"));
        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("allowed-sources"), outcome.toString());
    }

    private long rejected() {
        return this.management.read(Management.SUBSYSTEM, "heartbeats-rejected").asLong();
    }

    private static Request optionsHeartbeat(SipAgent node, int port) throws Exception {
        SipURI balancer = node.addresses().createSipURI(null, "127.0.0.1:5065");
        Request options = node.messages().createRequest(balancer, Request.OPTIONS,
                node.headers().createCallIdHeader("heartbeat-" + port + "-" + System.nanoTime()),
                node.headers().createCSeqHeader(1L, Request.OPTIONS),
                node.headers().createFromHeader(node.addresses().createAddress(node.addresses().createSipURI("heartbeat", "127.0.0.1")), "hb"),
                node.headers().createToHeader(node.addresses().createAddress(balancer), null),
                new ArrayList<>(List.of(node.headers().createViaHeader("127.0.0.1", port, "udp", null))),
                node.headers().createMaxForwardsHeader(70));
        options.addHeader(node.headers().createHeader("Mobicents-Heartbeat", "1"));
        String body = "hostname=admission\r\nip=127.0.0.1\r\nudpPort=" + port + "\r\nversion=1\r\n";
        options.setContent(body, node.headers().createContentTypeHeader("text", "plain"));
        return options;
    }
}

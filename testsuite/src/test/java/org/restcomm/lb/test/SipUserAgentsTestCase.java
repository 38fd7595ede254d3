package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls between jain-sip user agents through the provisioned balancer: a caller on the external side (5060), two
 * application-server nodes on the internal side (5065), one heartbeating over HTTP/JSON and one over SIP OPTIONS.
 */
public class SipUserAgentsTestCase extends LoadBalancerTestCase {

    private static final int NODE_A = 5131;
    private static final int NODE_B = 5132;
    private static final long SESSION_A = 95131L;
    private static final ModelNode CALL_ID_AFFINITY = Operations.createAddress("subsystem", "load-balancer", "algorithm", "call-id-affinity");
    private static final ModelNode HEADER_HASH = Operations.createAddress("subsystem", "load-balancer", "algorithm", "header-consistent-hash");

    private SipAgent caller;
    private SipAgent nodeA;
    private SipAgent nodeB;
    private ScheduledExecutorService heartbeating;

    @BeforeEach
    public void startNodes() throws Exception {
        this.nodeA = SipAgent.node(NODE_A);
        this.nodeB = SipAgent.node(NODE_B);
        this.caller = SipAgent.caller(5141);
        this.heartbeating = Executors.newSingleThreadScheduledExecutor();
        // node A speaks the HTTP/JSON protocol, node B is a third-party server beating SIP OPTIONS on the internal port
        this.heartbeating.scheduleWithFixedDelay(this::beat, 0, 300, TimeUnit.MILLISECONDS);
        Management.await("both nodes registered", 10_000,
                () -> this.management.nodeNames().containsAll(List.of(name(NODE_A), name(NODE_B))));
        // an earlier test left node B disabled until it expires; a heartbeat does not undo an operator's disable
        ModelNode nodeB = Management.node(name(NODE_B));
        if ("disabled".equals(this.management.read(nodeB, "state").asString())) {
            this.management.success(Operations.createOperation("enable", nodeB));
        }
    }

    private void beat() {
        try {
            if (this.nodeA != null) {
                this.heartbeats.start(HeartbeatClient.node(NODE_A, SESSION_A, "1", "node-a"));
            }
            this.nodeB.send(this.optionsHeartbeat());
        } catch (Exception e) {
            // the next beat tries again; a test waiting for registration reports the failure
        }
    }

    private Request optionsHeartbeat() throws Exception {
        SipURI balancer = this.nodeB.addresses().createSipURI(null, "127.0.0.1:5065");
        Request options = this.nodeB.messages().createRequest(balancer, Request.OPTIONS,
                this.nodeB.headers().createCallIdHeader("heartbeat-" + NODE_B + "-" + System.nanoTime()),
                this.nodeB.headers().createCSeqHeader(1L, Request.OPTIONS),
                this.nodeB.headers().createFromHeader(this.nodeB.addresses().createAddress(
                        this.nodeB.addresses().createSipURI("third-party-app-server-heartbeating-service", "sip-servlets.com")), "hb"),
                this.nodeB.headers().createToHeader(this.nodeB.addresses().createAddress(balancer), null),
                new ArrayList<>(List.of(this.nodeB.headers().createViaHeader("127.0.0.1", NODE_B, "udp", null))),
                this.nodeB.headers().createMaxForwardsHeader(70));
        options.addHeader(this.nodeB.headers().createHeader("Restcomm-Heartbeat", "1"));
        String body = "hostname=node-b\r\nip=127.0.0.1\r\nudpPort=" + NODE_B + "\r\ntcpPort=" + NODE_B + "\r\nversion=1\r\n";
        options.setContent(body, this.nodeB.headers().createContentTypeHeader("text", "plain"));
        return options;
    }

    @AfterEach
    public void stopNodes() throws Exception {
        this.heartbeating.shutdownNow();
        this.heartbeating.awaitTermination(5, TimeUnit.SECONDS);
        this.heartbeats.command("stop", SESSION_A);
        // a SIP-heartbeating node leaves by silence; disable it so no later test's call reaches it meanwhile
        if (this.management.nodeNames().contains(name(NODE_B))) {
            this.management.success(Operations.createOperation("disable", Management.node(name(NODE_B))));
        }
        this.caller.close();
        if (this.nodeA != null) {
            this.nodeA.close();
        }
        this.nodeB.close();
    }

    @Test
    public void callsOverUdpAndTcpStayOnOneNodeFromInviteToBye() throws Exception {
        for (String transport : List.of("udp", "tcp")) {
            SipAgent.Call call = this.caller.call(transport, 5060, "alice");
            call.awaitAnswer();
            call.hangUp();
            SipAgent served = this.nodeThatGot(Request.INVITE, call.callId());
            assertNotNull(served, "a node got the " + transport + " INVITE");
            Request bye = served.awaitRequest(Request.BYE, 5000);
            assertNotNull(bye, "the BYE reached the node that took the call");
            assertEquals(call.callId(), callId(bye));
            assertEquals(3, count(bye, ViaHeader.NAME), "the caller's Via and the balancer's two");
            assertEquals(transport, ((ViaHeader) bye.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(java.util.Locale.ROOT),
                    "the balancer reaches the node over the caller's transport");
        }
    }

    @Test
    public void callOverWebSocketCompletes() throws Exception {
        try (AutoCloseable listener = this.management.webSocketListener("external-ws-ua", 5083)) {
            Management.await("both nodes registered again after the engine restart", 10_000,
                    () -> this.management.nodeNames().containsAll(List.of(name(NODE_A), name(NODE_B))));
            try (SipWebSocket browser = SipWebSocket.connect(5083)) {
                String via = "SIP/2.0/WS df7jal23ls0d.invalid;rport";
                browser.send(browserRequest("INVITE", 1, via, "z9hG4bK-ws1", List.of()));
                String ok = awaitStatus(browser, "200", "INVITE");
                List<String> routes = new ArrayList<>(headerValues(ok, "Record-Route"));
                assertEquals(2, routes.size(), ok);
                java.util.Collections.reverse(routes);
                browser.send(browserRequest("ACK", 1, via, "z9hG4bK-ws2", routes));
                browser.send(browserRequest("BYE", 2, via, "z9hG4bK-ws3", routes));
                awaitStatus(browser, "200", "BYE");
            }
            SipAgent served = this.nodeThatGot(Request.INVITE, "ws-call-1");
            assertNotNull(served, "a node got the INVITE sent over the WebSocket");
            assertNotNull(served.awaitRequest(Request.ACK, 5000), "the ACK followed the Record-Route set to the same node");
        }
    }

    @Test
    public void byeReachesASurvivorWhenTheCallsNodeDiesMidCall() throws Exception {
        // /subsystem=load-balancer:write-attribute(name=node-timeout, value=1500) — a dead node is noticed in a second or so
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "node-timeout", 1500));
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "heartbeat-interval", 200));
        try {
            SipAgent.Call call = this.caller.call("udp", 5060, "alice");
            call.awaitAnswer();
            SipAgent served = this.nodeThatGot(Request.INVITE, call.callId());
            assertNotNull(served);
            boolean aDies = served == this.nodeA;
            SipAgent survivor = aDies ? this.nodeB : this.nodeA;
            String dead = name(served.port());
            // the node's server dies: it stops answering and stops heartbeating
            served.silence();
            if (aDies) {
                this.nodeA = null;
                served.close();
            } else {
                this.heartbeating.shutdownNow();
                this.heartbeating = Executors.newSingleThreadScheduledExecutor();
                this.heartbeating.scheduleWithFixedDelay(() -> {
                    try {
                        this.heartbeats.start(HeartbeatClient.node(NODE_A, SESSION_A, "1", "node-a"));
                    } catch (Exception e) {
                        // next beat
                    }
                }, 0, 300, TimeUnit.MILLISECONDS);
            }
            Management.await("the dead node expires", 10_000, () -> !this.management.nodeNames().contains(dead));

            call.hangUp();
            Request bye = survivor.awaitRequest(Request.BYE, 5000);
            assertNotNull(bye, "the BYE went to the surviving node");
            assertEquals(call.callId(), callId(bye));
        } finally {
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "node-timeout"));
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "heartbeat-interval"));
        }
    }

    @Test
    public void serverInitiatedInviteWithRouteHintReachesTheCaller() throws Exception {
        SipURI callerUri = this.nodeA.addresses().createSipURI("alice", "127.0.0.1:" + this.caller.port());
        Request invite = this.nodeA.messages().createRequest(callerUri, Request.INVITE,
                this.nodeA.headers().createCallIdHeader("server-initiated-ua"),
                this.nodeA.headers().createCSeqHeader(1L, Request.INVITE),
                this.nodeA.headers().createFromHeader(this.nodeA.addresses().createAddress(
                        this.nodeA.addresses().createSipURI("app", "127.0.0.1")), "srv"),
                this.nodeA.headers().createToHeader(this.nodeA.addresses().createAddress(callerUri), null),
                new ArrayList<>(List.of(this.nodeA.headers().createViaHeader("127.0.0.1", NODE_A, "udp", null))),
                this.nodeA.headers().createMaxForwardsHeader(70));
        // the hint the original's nodes put in: the balancer's internal address and the node itself
        SipURI hint = this.nodeA.addresses().createSipURI(null, "127.0.0.1:5065");
        hint.setLrParam();
        hint.setParameter("node_host", "127.0.0.1");
        hint.setParameter("node_port", Integer.toString(NODE_A));
        invite.addHeader(this.nodeA.headers().createRouteHeader(this.nodeA.addresses().createAddress(hint)));
        invite.addHeader(this.nodeA.headers().createContactHeader(this.nodeA.addresses().createAddress(
                this.nodeA.addresses().createSipURI("app", "127.0.0.1:" + NODE_A))));

        this.nodeA.send(invite);

        Request received = this.caller.awaitRequest(Request.INVITE, 5000);
        assertNotNull(received, "the caller got the server's INVITE");
        assertEquals(5060, ((ViaHeader) received.getHeader(ViaHeader.NAME)).getPort(), "it left by the external side");
        assertTrue(!received.getHeaders("Route").hasNext(), "the balancer consumed its Route");
        assertNotNull(this.nodeA.awaitResponse(Request.INVITE, Response.OK, 5000), "the caller's 200 came back to the node");
    }

    @Test
    public void publicAddressAndInternalTransportApplyLive() throws Exception {
        ModelNode sip = Operations.createAddress("subsystem", "load-balancer", "sip", "default");
        // /subsystem=load-balancer/sip=default:write-attribute(name=public-address, value=203.0.113.9)
        this.management.success(Operations.createWriteAttributeOperation(sip, "public-address", "203.0.113.9"));
        // /subsystem=load-balancer/sip=default:write-attribute(name=internal-transport, value=tcp)
        this.management.success(Operations.createWriteAttributeOperation(sip, "internal-transport", "tcp"));
        try {
            SipAgent.Call call = this.caller.call("udp", 5060, "behind-nat");
            Response ok = this.caller.awaitResponse(Request.INVITE, Response.OK, 10_000);
            assertNotNull(ok, "the call is answered");
            List<String> recordRoutes = new ArrayList<>();
            ok.getHeaders("Record-Route").forEachRemaining(header -> recordRoutes.add(header.toString()));
            assertTrue(recordRoutes.stream().anyMatch(rr -> rr.contains("sip:203.0.113.9:5060;")), "the caller sees the public address: " + recordRoutes);
            assertTrue(ok.getHeader("Contact").toString().contains("203.0.113.9:5060>"), "and the node's Contact names it: " + ok.getHeader("Contact"));

            Request invite = null;
            for (long deadline = System.currentTimeMillis() + 5000; invite == null && System.currentTimeMillis() < deadline;) {
                for (SipAgent node : List.of(this.nodeA, this.nodeB)) {
                    for (Request request : node.drainRequests()) {
                        if (Request.INVITE.equals(request.getMethod()) && call.callId().equals(callId(request))) {
                            invite = request;
                        }
                    }
                }
                Thread.sleep(50);
            }
            assertNotNull(invite, "a node got the INVITE");
            assertEquals("tcp", ((ViaHeader) invite.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(java.util.Locale.ROOT),
                    "a UDP caller's call reaches the node over internal-transport");
        } finally {
            this.management.success(Operations.createUndefineAttributeOperation(sip, "public-address"));
            this.management.success(Operations.createUndefineAttributeOperation(sip, "internal-transport"));
        }
    }

    @Test
    public void callIdAffinitySpreadsNewCallsAndKeepsEachOnItsNode() throws Exception {
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            SipAgent.Call call = this.caller.call("udp", 5060, "user" + i);
            call.awaitAnswer();
            call.hangUp();
        }
        Map<String, Map<String, String>> byMethod = this.callsByNode();
        Map<String, String> inviteNode = byMethod.get(Request.INVITE);
        Map<String, String> byeNode = byMethod.get(Request.BYE);
        assertEquals(calls, inviteNode.size());
        assertEquals(inviteNode, byeNode, "every BYE went where its INVITE went");
        long onA = inviteNode.values().stream().filter(name(NODE_A)::equals).count();
        assertEquals(calls / 2, onA, "new calls are dealt round robin: " + inviteNode);
    }

    @Test
    public void headerConsistentHashKeepsAUserOnOneNode() throws Exception {
        // batch: algorithm=call-id-affinity:remove, algorithm=header-consistent-hash:add(sip-affinity-key=from.user)
        ModelNode add = Operations.createAddOperation(HEADER_HASH);
        add.get("sip-affinity-key").set("from.user");
        this.management.success(restarting(Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createRemoveOperation(CALL_ID_AFFINITY)).addStep(add).build().getOperation()));
        try {
            Map<String, Set<String>> nodesOfUser = new HashMap<>();
            for (int round = 0; round < 3; round++) {
                for (int user = 0; user < 12; user++) {
                    SipAgent.Call call = this.caller.call("udp", 5060, "hashed" + user);
                    call.awaitAnswer();
                    call.hangUp();
                }
            }
            for (SipAgent node : List.of(this.nodeA, this.nodeB)) {
                for (Request invite : node.drainRequests().stream().filter(r -> r.getMethod().equals(Request.INVITE)).toList()) {
                    String user = ((SipURI) ((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress().getURI()).getUser();
                    nodesOfUser.computeIfAbsent(user, u -> new java.util.TreeSet<>()).add(name(node.port()));
                }
            }
            assertEquals(12, nodesOfUser.size());
            nodesOfUser.forEach((user, nodes) -> assertEquals(1, nodes.size(), user + " went to " + nodes));
            assertEquals(2, nodesOfUser.values().stream().flatMap(Set::stream).distinct().count(), "both nodes get users: " + nodesOfUser);
        } finally {
            this.management.success(restarting(Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createRemoveOperation(HEADER_HASH))
                    .addStep(Operations.createAddOperation(CALL_ID_AFFINITY)).build().getOperation()));
        }
    }

    /** Method → Call-ID → the node that received that request, emptying the nodes' queues. */
    private Map<String, Map<String, String>> callsByNode() {
        Map<String, Map<String, String>> byMethod = new HashMap<>();
        for (SipAgent node : List.of(this.nodeA, this.nodeB)) {
            for (Request request : node.drainRequests()) {
                byMethod.computeIfAbsent(request.getMethod(), m -> new HashMap<>()).put(callId(request), name(node.port()));
            }
        }
        return byMethod;
    }

    private SipAgent nodeThatGot(String method, String callId) throws InterruptedException {
        return SipAgent.nodeThatGot(method, callId, List.of(this.nodeA, this.nodeB));
    }

    private static String browserRequest(String method, int cseq, String via, String branch, List<String> routes) {
        return SipWebSocket.request(method, cseq, via, branch, routes, "ws-call-1", "ws");
    }

    private static String awaitStatus(SipWebSocket browser, String status, String method) throws InterruptedException {
        return browser.awaitStatus(status, method);
    }

    private static List<String> headerValues(String message, String name) {
        return SipWebSocket.headerValues(message, name);
    }

    private static String callId(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    }

    private static int count(Request request, String header) {
        int count = 0;
        for (var values = request.getHeaders(header); values.hasNext(); values.next()) {
            count++;
        }
        return count;
    }

    private static String name(int port) {
        return "127.0.0.1:" + port;
    }

    private static ModelNode restarting(ModelNode operation) {
        return Management.restarting(operation);
    }
}

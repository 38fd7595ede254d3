package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** The SIP engine as jboss-cli shapes it: listeners added live, answers configured, bad values refused. */
public class SipManagementTestCase extends LoadBalancerTestCase {

    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");

    @Test
    public void webSocketListenerAddedAtRuntimeAnswersBrowsers() throws Exception {
        try (AutoCloseable listener = this.management.webSocketListener("external-ws", 5082); SipWebSocket browser = SipWebSocket.connect(5082)) {
            browser.send(invite("SIP/2.0/WS df7jal23ls0d.invalid;rport", "ws-no-node"));

            String answer = browser.receive(10_000);
            assertNotNull(answer, "an answer over the WebSocket");
            assertTrue(answer.startsWith("SIP/2.0 503"), answer);
        }
    }

    @Test
    public void noNodeAnswerChangesLive() throws Exception {
        // /subsystem=load-balancer/sip=default:write-attribute(name=no-node-status, value=480)
        ModelNode outcome = this.management.execute(Operations.createWriteAttributeOperation(SIP, "no-node-status", 480));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), "applies to the next request, no restart");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] request = invite("SIP/2.0/UDP 127.0.0.1:" + client.getLocalPort(), "udp-no-node").getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), 5060));
            client.setSoTimeout(5000);
            String answer = "";
            while (!answer.startsWith("SIP/2.0 4")) {
                DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
                client.receive(packet);
                answer = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            }
            assertTrue(answer.startsWith("SIP/2.0 480"), answer);
        } finally {
            this.management.success(Operations.createUndefineAttributeOperation(SIP, "no-node-status"));
        }
    }

    @Test
    public void garbageIsCountedAndTheEngineKeepsAnswering() throws Exception {
        long before = this.management.read(Management.SUBSYSTEM, "sip-malformed-messages").asLong();
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (String garbage : new String[] { "\u0000\u0001 not sip", "INVITE sip:x SIP/2.0\r\nVia: ???\r\n\r\n" }) {
                byte[] bytes = garbage.getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), 5060));
            }
            Management.await("garbage counted", 5000, () -> this.management.read(Management.SUBSYSTEM, "sip-malformed-messages").asLong() >= before + 2);
            byte[] request = invite("SIP/2.0/UDP 127.0.0.1:" + client.getLocalPort(), "after-garbage").getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), 5060));
            client.setSoTimeout(5000);
            DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
            client.receive(packet);
            String answer = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("SIP/2.0 "), answer);
        }
    }

    @Test
    public void hostileTcpStreamIsCountedAndTheListenerKeepsServing() throws Exception {
        long before = this.management.read(Management.SUBSYSTEM, "sip-malformed-messages").asLong();
        try (java.net.Socket bystander = new java.net.Socket(InetAddress.getLoopbackAddress(), 5060)) {
            // /subsystem=load-balancer:read-attribute(name=sip-active-connections)
            Management.await("the open connection is counted", 5000,
                    () -> this.management.read(Management.SUBSYSTEM, "sip-active-connections").asLong() >= 1);
            assertTrue(StatisticsPages.lbstat().getJsonNumber("NumberOfActiveSipConnections").longValue() >= 1);
            try (java.net.Socket hostile = new java.net.Socket(InetAddress.getLoopbackAddress(), 5060)) {
                // jain-sip alone would allocate these 2 GB before reading the body, and its TCP listener thread would die
                hostile.getOutputStream().write(invite("SIP/2.0/TCP 127.0.0.1:6001", "tcp-2gb").replace("Content-Length: 0", "Content-Length: 2000000000")
                        .getBytes(StandardCharsets.UTF_8));
                hostile.setSoTimeout(5000);
                // readAllBytes returns once the balancer closes the connection
                String answer = new String(hostile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("SIP/2.0 400 Bad Content-Length"), "answered 400, then closed: " + answer);
            }
            Management.await("the stream counted", 5000, () -> this.management.read(Management.SUBSYSTEM, "sip-malformed-messages").asLong() == before + 1);
            bystander.setSoTimeout(5000);
            bystander.getOutputStream().write(invite("SIP/2.0/TCP 127.0.0.1:6002", "tcp-after-hostile").getBytes(StandardCharsets.UTF_8));
            byte[] answer = new byte[4096];
            int read = bystander.getInputStream().read(answer);
            assertTrue(read > 0 && new String(answer, 0, read, StandardCharsets.UTF_8).startsWith("SIP/2.0 "), "the TCP listener still answers");
        }
    }

    @Test
    public void stackPropertiesReachTheSipStack() throws Exception {
        String padded = invite("SIP/2.0/TCP 127.0.0.1:6004", "tcp-padded").replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nX-Padding: " + "p".repeat(6000) + "\r\n");
        assertTrue(answerOverTcp(padded).startsWith("SIP/2.0 "), "a 6 kB header section fits the balancer's default MAX_MESSAGE_SIZE (65536)");

        ModelNode properties = new ModelNode();
        // jain-sip raises anything below 4096 to 4096
        properties.get("gov.nist.javax.sip.MAX_MESSAGE_SIZE").set("4096");
        // /subsystem=load-balancer/sip=default:write-attribute(name=stack-properties, value={gov.nist.javax.sip.MAX_MESSAGE_SIZE=4096}){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(SIP, "stack-properties", properties)));
        try {
            assertEquals("", answerOverTcp(padded), "beyond the stack's MAX_MESSAGE_SIZE of 4096: closed without an answer");
            assertTrue(answerOverTcp(invite("SIP/2.0/TCP 127.0.0.1:6005", "tcp-small")).startsWith("SIP/2.0 "), "a message within it is answered");
        } finally {
            // /subsystem=load-balancer/sip=default:undefine-attribute(name=stack-properties){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(SIP, "stack-properties")));
        }
        assertTrue(answerOverTcp(padded).startsWith("SIP/2.0 "), "back to the default limit");
    }

    /** What the balancer answers on a fresh TCP connection to 5060 until it closes it or goes quiet; "" for nothing. */
    private static String answerOverTcp(String message) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), 5060)) {
            socket.setSoTimeout(5000);
            try {
                socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                // the balancer may close while the message is still being written
            }
            byte[] answer = new byte[8192];
            try {
                int read = socket.getInputStream().read(answer);
                return (read > 0) ? new String(answer, 0, read, StandardCharsets.UTF_8) : "";
            } catch (java.net.SocketException e) {
                // reset by the balancer
                return "";
            }
        }
    }

    @Test
    public void thirdPartyServerRegistersBySipOptionsOnTheInternalPortOnly() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = server.getLocalPort();
            String body = "hostname=sipHeartbeat\r\nip=127.0.0.1\r\nudpPort=" + port + "\r\nversion=4\r\n";
            // on the external port it is ordinary traffic, not a heartbeat
            send(server, heartbeat(port, 5060, body), 5060);
            for (int i = 0; i < 10; i++) {
                Thread.sleep(100);
                assertFalse(this.management.nodeNames().contains("127.0.0.1:" + port), "registered from the external port");
            }

            send(server, heartbeat(port, 5065, body), 5065);
            server.setSoTimeout(5000);
            String answer = "";
            while (!answer.startsWith("SIP/2.0 200")) {
                DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
                server.receive(packet);
                answer = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            }
            // /subsystem=load-balancer/node=127.0.0.1\:<port>:read-resource(include-runtime=true)
            ModelNode node = Management.node("127.0.0.1:" + port);
            assertEquals("sip", this.management.read(node, "source").asString());
            assertEquals("4", this.management.read(node, "version").asString());
            this.management.success(Operations.createOperation("disable", node));
        }
    }

    private static String heartbeat(int from, int to, String body) {
        return "OPTIONS sip:127.0.0.1:" + to + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + from + ";branch=z9hG4bK-hb" + to + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:third-party-app-server-heartbeating-service@sip-servlets.com>;tag=4481411\r\n"
                + "To: <sip:127.0.0.1:" + to + ">\r\n"
                + "Call-ID: heartbeat-" + from + "-" + to + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Mobicents-Heartbeat: 1\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static void send(DatagramSocket socket, String message, int port) throws java.io.IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    @Test
    public void unknownTransportIsRefusedNamingTheAttribute() {
        ModelNode add = Operations.createAddOperation(Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", "bad"));
        add.get("side").set("external");
        add.get("transport").set("sctp");
        add.get("socket-binding").set("load-balancer-sip-external");

        ModelNode outcome = this.management.execute(add);

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("transport"), outcome::toString);
    }

    @Test
    public void badNodeStatusOutsideErrorRangeIsRefused() {
        ModelNode codes = new ModelNode();
        codes.add("200");

        ModelNode outcome = this.management.write(SIP, "bad-node-status-codes", codes);

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("bad-node-status-codes"), outcome::toString);
        assertEquals(java.util.List.of("503"), this.management.read(SIP, "bad-node-status-codes").asList().stream().map(ModelNode::asString).toList());
    }

    @Test
    public void defaultListenersAreUdpAndTcpOnBothSides() {
        ModelNode names = Operations.createOperation("read-children-names", SIP);
        names.get("child-type").set("listener");
        assertEquals(java.util.List.of("external-tcp", "external-udp", "internal-tcp", "internal-udp"),
                this.management.success(names).asList().stream().map(ModelNode::asString).sorted().toList());
    }

    private static String invite(String via, String callId) {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: " + via + ";branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

}

package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * SIP framing by the grammar on UDP and TCP, each hostile message followed by a call that must still get through: compact
 * headers with bodies, duplicate and signed Content-Length, wrong versions, a CSeq that disagrees with the request line.
 * The node is a TCP server (for requests arriving over TCP) and a UDP socket, both reading what the balancer sends.
 */
class SipGrammarTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int external;
    private ServerSocket nodeTcp;
    private DatagramSocket nodeUdp;
    private Socket nodeConnection;

    @BeforeEach
    void start() throws Exception {
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.registry.addListener(this.algorithm);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.nodeUdp = new DatagramSocket(0, loopback);
        this.nodeUdp.setSoTimeout(3000);
        this.nodeTcp = new ServerSocket(0, 50, loopback);
        this.nodeTcp.setSoTimeout(5000);
        for (int attempt = 1;; attempt++) {
            this.external = freePort();
            this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                    SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external)),
                    SipListenerSettings.of(Side.EXTERNAL, "tcp", new InetSocketAddress(loopback, this.external)),
                    SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, freePort())),
                    SipListenerSettings.of(Side.INTERNAL, "tcp", new InetSocketAddress(loopback, freePort())))),
                    this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
            try {
                this.balancer.start();
                break;
            } catch (javax.sip.SipException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        this.registry.register(new NodeAdvertisement("node", "127.0.0.1", Map.of("udpPort", Integer.toString(this.nodeUdp.getLocalPort()),
                "tcpPort", Integer.toString(this.nodeTcp.getLocalPort()), "sessionId", "grammar")), NodeSource.HTTP);
    }

    @AfterEach
    void stop() throws IOException {
        this.balancer.stop();
        this.algorithm.stop();
        this.nodeUdp.close();
        this.nodeTcp.close();
        if (this.nodeConnection != null) {
            this.nodeConnection.close();
        }
    }

    @Test
    void compactContentLengthOverTcpKeepsTheSharedNodeConnectionInStep() throws Exception {
        String body = "v=0\r\n";
        try (Socket first = this.client(); Socket second = this.client()) {
            first.getOutputStream().write(invite("victim1", "TCP", "l: " + body.length() + "\r\n", body).getBytes(StandardCharsets.US_ASCII));
            List<String> atNode = this.nodeReadsTcp(1);
            second.getOutputStream().write(invite("victim2", "TCP", "Content-Length: 0\r\n", "").getBytes(StandardCharsets.US_ASCII));
            atNode.addAll(this.nodeReadsTcp(1));
            assertTrue(atNode.get(0).contains("victim1") && atNode.get(0).endsWith("\r\n\r\n" + body), atNode.get(0));
            assertTrue(atNode.get(1).startsWith("INVITE sip:bob@") && atNode.get(1).contains("victim2"), atNode.get(1));
        }
        assertEquals(0, this.statistics.sip().malformedMessages());
    }

    @Test
    void compactCallIdOverTcpIsForwardedAndTheConnectionStaysOpen() throws Exception {
        try (Socket client = this.client()) {
            client.getOutputStream().write(invite("compact-i", "TCP", "Content-Length: 0\r\n", "").replace("Call-ID:", "i:").getBytes(StandardCharsets.US_ASCII));
            assertTrue(this.nodeReadsTcp(1).get(0).contains("compact-i"));
            client.getOutputStream().write(invite("after-compact-i", "TCP", "Content-Length: 0\r\n", "").getBytes(StandardCharsets.US_ASCII));
            assertTrue(this.nodeReadsTcp(1).get(0).contains("after-compact-i"), "the client's connection still carries calls");
        }
    }

    @Test
    void aRequestWithoutContentLengthBehindOneWithABodyOverTcpReachesTheNode() throws Exception {
        try (Socket client = this.client()) {
            // jain-sip's stream parser would read the second with the first one's length and wait for a body
            client.getOutputStream().write((invite("with-body", "TCP", "Content-Length: 5\r\n", "v=0\r\n") + invite("no-length", "TCP", "", ""))
                    .getBytes(StandardCharsets.US_ASCII));
            List<String> read = this.nodeReadsTcp(2);
            assertTrue(read.get(0).contains("with-body") && read.get(0).endsWith("v=0\r\n"), read.get(0));
            assertTrue(read.get(1).contains("no-length") && read.get(1).contains("Content-Length: 0"), read.get(1));
        }
    }

    @Test
    void compactHeadersOfEveryKindWithABodyOverUdpReachTheNode() throws Exception {
        String body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n";
        String compact = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "v: SIP/2.0/UDP 127.0.0.1:6001;branch=z9hG4bK-compact\r\n"
                + "Max-Forwards: 70\r\n"
                + "f: <sip:alice@example.com>;tag=c1\r\n"
                + "t: <sip:bob@127.0.0.1>\r\n"
                + "i: compact-all\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "m: <sip:alice@127.0.0.1:6001>\r\n"
                + "c: application/sdp\r\n"
                + "l: " + body.length() + "\r\n\r\n" + body;
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.send(datagram(compact, this.external));
            String atNode = this.nodeReadsUdp();
            assertTrue(atNode.contains("compact-all") && atNode.endsWith(body), atNode);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "Content-Length: 5\r\nContent-Length: 7\r\n", "Content-Length: 5\r\nl: 0\r\n", "Content-Length: +5\r\n",
        "Content-Length: -5\r\n", "Content-Length: 5 5\r\n" })
    void badOrConflictingContentLengthOverTcpIsAnswered400AndTheConnectionClosed(String contentLength) throws Exception {
        try (Socket client = this.client()) {
            client.getOutputStream().write(invite("bad-cl", "TCP", contentLength, "v=0\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAnswer(client);
            assertTrue(answer.startsWith("SIP/2.0 400 "), answer);
            assertTrue(closed(client), "a stream whose framing is lost is closed");
        }
        assertEquals(1, this.statistics.sip().malformedMessages());
        this.aCallStillGetsThroughOverTcp();
    }

    @ParameterizedTest
    @ValueSource(strings = { "Content-Length: 5\r\nContent-Length: 7\r\n", "Content-Length: 5\r\nl: 0\r\n", "Content-Length: +5\r\n" })
    void badOrConflictingContentLengthOverUdpIsAnswered400(String contentLength) throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(3000);
            client.send(datagram(invite("bad-cl-udp", "UDP", contentLength, "v=0\r\n"), this.external));
            assertTrue(receive(client).startsWith("SIP/2.0 400 "));
        }
        assertEquals(1, this.statistics.sip().malformedMessages());
        this.aCallStillGetsThroughOverUdp();
    }

    @Test
    void anotherSipVersionIsAnswered505OverUdpAndTcp() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(3000);
            client.send(datagram(invite("v7-udp", "UDP", "Content-Length: 0\r\n", "").replace("bob@127.0.0.1 SIP/2.0", "bob@127.0.0.1 SIP/7.0"), this.external));
            assertTrue(receive(client).startsWith("SIP/2.0 505 "));
        }
        try (Socket client = this.client()) {
            client.getOutputStream().write(invite("v7-tcp", "TCP", "Content-Length: 0\r\n", "").replace("bob@127.0.0.1 SIP/2.0", "bob@127.0.0.1 SIP/7.0")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readAnswer(client).startsWith("SIP/2.0 505 "));
            client.getOutputStream().write(invite("after-v7", "TCP", "Content-Length: 0\r\n", "").getBytes(StandardCharsets.US_ASCII));
            assertTrue(this.nodeReadsTcp(1).get(0).contains("after-v7"), "the framing held, so the connection carries on");
        }
        assertEquals(2, this.statistics.sip().malformedMessages());
        this.aCallStillGetsThroughOverUdp();
    }

    @Test
    void aCseqMethodThatDisagreesWithTheRequestLineIsAnswered400() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(3000);
            client.send(datagram(invite("cseq-udp", "UDP", "Content-Length: 0\r\n", "").replace("CSeq: 1 INVITE", "CSeq: 1 BYE"), this.external));
            assertTrue(receive(client).startsWith("SIP/2.0 400 "));
        }
        try (Socket client = this.client()) {
            client.getOutputStream().write(invite("cseq-tcp", "TCP", "Content-Length: 0\r\n", "").replace("CSeq: 1 INVITE", "CSeq: 1 BYE")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readAnswer(client).startsWith("SIP/2.0 400 "));
        }
        assertEquals(2, this.statistics.sip().malformedMessages());
        this.aCallStillGetsThroughOverTcp();
    }

    @Test
    void aForgedResponseNamingTheBalancerAndAVictimIsNotReflectedOverUdpOrTcp() throws Exception {
        try (DatagramSocket victim = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            victim.setSoTimeout(1500);
            String forged = "SIP/2.0 200 OK\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + this.external + ";branch=z9hG4bK-forged_0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + victim.getLocalPort() + ";branch=z9hG4bK-victim\r\n"
                    + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\nCall-ID: forged\r\nCSeq: 1 INVITE\r\n"
                    + "Content-Length: 0\r\n\r\n";
            attacker.send(datagram(forged, this.external));
            try (Socket tcp = this.client()) {
                tcp.getOutputStream().write(forged.replace("SIP/2.0/UDP 127.0.0.1:" + this.external, "SIP/2.0/TCP 127.0.0.1:" + this.external)
                        .getBytes(StandardCharsets.US_ASCII));
                try {
                    victim.receive(new DatagramPacket(new byte[2048], 2048));
                    org.junit.jupiter.api.Assertions.fail("the balancer reflected a response it never asked for");
                } catch (SocketTimeoutException expected) {
                    // dropped
                }
            }
            long deadline = System.currentTimeMillis() + 3000;
            while (this.statistics.sip().malformedMessages() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, this.statistics.sip().malformedMessages(), "both forged responses are counted");
        }
        this.aCallStillGetsThroughOverUdp();
    }

    @Test
    void aResponseFromANonNodeOnTheInternalSideIsNotRelayedAndANodesIs() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(1500);
            client.send(datagram(invite("answered", "UDP", "Content-Length: 0\r\n", "").replace("127.0.0.1:6000;rport", "127.0.0.1:" + client.getLocalPort()),
                    this.external));
            String atNode = this.nodeReadsUdp();
            receive100(client);
            String answer = "SIP/2.0 180 Ringing\r\n" + atNode.substring(atNode.indexOf("\r\n") + 2, atNode.indexOf("\r\n\r\n"))
                    .replaceAll("(?m)^(Max-Forwards|Record-Route|Content-Length)[^\r]*\r\n?", "") + "\r\nContent-Length: 0\r\n\r\n";
            int internal = Integer.parseInt(atNode.replaceAll("(?s).*?Via: SIP/2.0/UDP 127.0.0.1:(\\d+);branch=[^\r]*zsd_.*", "$1"));
            stranger.send(datagram(answer, internal));
            try {
                client.receive(new DatagramPacket(new byte[2048], 2048));
                org.junit.jupiter.api.Assertions.fail("a stranger's response on the internal side was relayed");
            } catch (SocketTimeoutException expected) {
                // dropped
            }
            this.nodeUdp.send(datagram(answer, internal));
            byte[] buffer = new byte[4096];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            client.receive(packet);
            assertTrue(new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 180 Ringing"), "the node's own answer is relayed");
        }
        assertEquals(1, this.statistics.sip().malformedMessages());
    }

    private static void receive100(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[4096];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        assertTrue(new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 100 "));
    }

    @Test
    void pipelinedMessagesSplitAtEveryByteBoundaryFrameTheSame() throws Exception {
        String body = "v=0\r\n";
        String stream = invite("split-1", "TCP", "l: 5\r\n", body) + "\r\n\r\n" + invite("split-2", "TCP", "Content-Length: 0\r\n", "")
                + invite("split-3", "TCP", "Content-Length: 5\r\nContent-Length: 5\r\n", body);
        byte[] bytes = stream.getBytes(StandardCharsets.US_ASCII);
        List<String> whole = frame(bytes, bytes.length);
        assertEquals(3, whole.size());
        assertTrue(whole.get(0).contains("Content-Length: 5\r\n\r\nv=0\r\n"), whole.get(0));
        for (int split = 1; split < bytes.length; split++) {
            assertEquals(whole, frame(bytes, split), "split at byte " + split);
        }
    }

    private static List<String> frame(byte[] bytes, int split) throws Exception {
        List<String> messages = new ArrayList<>();
        SipStreamFramer framer = new SipStreamFramer(65536, new SipStreamFramer.Listener() {
            @Override
            public void message(SipHeaderSection section, byte[] message) {
                messages.add(new String(message, StandardCharsets.US_ASCII));
            }

            @Override
            public void keepAlive(byte[] keepAlive) {
            }

            @Override
            public void refused(SipHeaderSection section, SipHeaderSection.Refusal refusal) {
                messages.add("refused " + refusal);
            }
        });
        framer.feed(java.util.Arrays.copyOfRange(bytes, 0, split));
        framer.feed(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
        return messages;
    }

    /**
     * A section read as plain (its bytes passed on unread) is one the grammar passes with the same Content-Length;
     * every other section, the odd ones above all, is left to the grammar.
     */
    @Test
    void onlySectionsTheGrammarPassesUnchangedAreTakenAsPlain() {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put(invite("p", "TCP", "Content-Length: 5\r\n", ""), 5);
        cases.put(invite("p", "TCP", "content-length:0\r\n", ""), 0);
        cases.put(invite("p", "TCP", "", ""), -1);
        cases.put("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:6000;branch=z9hG4bK-r\r\nCSeq: 1 BYE\r\nContent-Length: 12\r\n\r\n", 12);
        cases.put(invite("p", "TCP", "l: 5\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length: 5\r\n", "").replace("Call-ID:", "i:"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 5\r\nContent-Length: 5\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length : 5\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length: +5\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length: 5x\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length: 1234567890\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length: 70000\r\n", ""), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\n"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("Max-Forwards: 70\r\n", "Max-Forwards:\r\n 70\r\n"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("Max-Forwards: 70\r\n", "Max-Forwards 70\r\n"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("SIP/2.0\r\n", "SIP/2.1\r\n"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("CSeq: 1 INVITE", "CSeq: 1 BYE"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("CSeq: 1 INVITE", "CSeq: 1"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("CSeq: 1 INVITE", "CSeq: x INVITE"), -1);
        cases.put(invite("p", "TCP", "Content-Length: 0\r\n", "").replace("INVITE sip:", "REGISTER sip:").replace("1 INVITE", "1 REGISTER"), -1);
        cases.put("INVITE SIP/2.0\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", -1);
        cases.put("SIP/2.1 sip:bob@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n", -1);
        cases.put("sip/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", -1);
        cases.forEach((text, expected) -> {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            int plain = SipHeaderSection.plainContentLength(bytes, bytes.length, 65536);
            assertEquals(expected, plain, text);
            if (plain >= 0) {
                SipHeaderSection section = SipHeaderSection.read(bytes, 0, bytes.length);
                assertNull(section.refusal(65536), text);
                assertEquals(plain, section.contentLength(), text);
            }
        });
    }

    @Test
    void theGrammarAcceptsWhatRfc3261Allows() {
        byte[] ok = invite("ok", "UDP", "l: 5\r\nContent-Length: 5\r\n", "v=0\r\n").getBytes(StandardCharsets.US_ASCII);
        assertNull(SipHeaderSection.read(ok, 0, ok.length).refusal(65536), "equal repeats of Content-Length are tolerated");
        byte[] folded = ("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:6000\r\n ;branch=z9hG4bK-f\r\nCSeq: 7\r\n\tOPTIONS\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        SipHeaderSection section = SipHeaderSection.read(folded, 0, folded.length);
        assertNull(section.refusal(65536), "a folded CSeq still names the method");
        assertEquals("SIP/2.0/UDP 127.0.0.1:6000 ;branch=z9hG4bK-f", section.value("via"));
        assertFalse(new String(section.normalized(), StandardCharsets.US_ASCII).contains("l:"));
    }

    private void aCallStillGetsThroughOverTcp() throws Exception {
        try (Socket client = this.client()) {
            client.getOutputStream().write(invite("still-tcp", "TCP", "Content-Length: 0\r\n", "").getBytes(StandardCharsets.US_ASCII));
            assertTrue(this.nodeReadsTcp(1).get(0).contains("still-tcp"));
        }
    }

    private void aCallStillGetsThroughOverUdp() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.send(datagram(invite("still-udp", "UDP", "Content-Length: 0\r\n", ""), this.external));
            assertTrue(this.nodeReadsUdp().contains("still-udp"));
        }
    }

    private Socket client() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.external);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** The next {@code count} messages on the balancer's connection to the node, framed by their Content-Length. */
    private List<String> nodeReadsTcp(int count) throws IOException {
        if (this.nodeConnection == null) {
            this.nodeConnection = this.nodeTcp.accept();
            this.nodeConnection.setSoTimeout(5000);
        }
        List<String> messages = new ArrayList<>();
        InputStream in = this.nodeConnection.getInputStream();
        while (messages.size() < count) {
            ByteArrayOutputStream headers = new ByteArrayOutputStream();
            while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    throw new IOException("node connection closed");
                }
                if (headers.size() > 0 || (next != '\r' && next != '\n')) {
                    headers.write(next);
                }
            }
            String head = headers.toString(StandardCharsets.US_ASCII);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            messages.add(head + new String(in.readNBytes(length), StandardCharsets.US_ASCII));
        }
        return messages;
    }

    private String nodeReadsUdp() throws IOException {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        this.nodeUdp.receive(packet);
        return new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    /** The first final or provisional answer other than 100 Trying. */
    private static String readAnswer(Socket socket) throws IOException {
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            String answers = text.toString().replaceAll("SIP/2.0 100 Trying[^\\n]*\\n(?:[^\\r]+\\r\\n)*\\r\\n", "");
            if (answers.contains("\r\n\r\n")) {
                return answers;
            }
            int read = in.read(buffer);
            if (read < 0) {
                return answers;
            }
            text.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
        }
    }

    private static boolean closed(Socket socket) throws IOException {
        try {
            while (socket.getInputStream().read() >= 0) {
                // the rest of the answer
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[65536];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            String text = new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
            if (!text.startsWith("SIP/2.0 100 ")) {
                return text;
            }
        }
    }

    private static DatagramPacket datagram(String text, int port) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port);
    }

    private static String invite(String callId, String transport, String contentLength, String body) {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:6000;rport;branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=m1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + contentLength + "\r\n" + body;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

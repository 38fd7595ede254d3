package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * Hostile streams on the connection-oriented listeners: each is counted and its connection closed, and the listener
 * keeps answering everybody else. Without the guard one Content-Length of 2 GB kills jain-sip's TCP selector thread.
 */
class MalformedSipStreamTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int tcp;
    private int ws;

    @BeforeEach
    void start() throws Exception {
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // a port found free may be taken again before the stack binds it (by another test's client, say): new ports then
        for (int attempt = 1;; attempt++) {
            this.tcp = freePort();
            this.ws = freePort();
            this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                    SipListenerSettings.of(Side.EXTERNAL, "tcp", new InetSocketAddress(loopback, this.tcp)),
                    SipListenerSettings.of(Side.EXTERNAL, "ws", new InetSocketAddress(loopback, this.ws)),
                    SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort())))),
                    this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
            try {
                this.balancer.start();
                return;
            } catch (javax.sip.SipException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void stop() {
        this.balancer.stop();
        this.algorithm.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = { "2000000000", "-5", "abc", "99999999999" })
    void badContentLengthOverTcpIsAnswered400ClosesTheConnectionAndIsCounted(String contentLength) throws Exception {
        long before = this.statistics.sip().malformedMessages();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.tcp)) {
            socket.getOutputStream().write(invite("bad-cl", "", contentLength).getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(5000);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("SIP/2.0 400 Bad Content-Length"), "answered, then closed: " + answer);
        }
        assertEquals(before + 1, this.statistics.sip().malformedMessages());
        assertTheTcpListenerStillAnswers();
    }

    @Test
    void headerSectionBeyondTheSizeLimitClosesTheConnection() throws Exception {
        long before = this.statistics.sip().malformedMessages();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.tcp)) {
            byte[] huge = invite("huge", "X-Padding: " + "a".repeat(100_000) + "\r\n", "0").getBytes(StandardCharsets.US_ASCII);
            try {
                socket.getOutputStream().write(huge);
            } catch (IOException e) {
                // the balancer may close while the client is still writing
            }
            assertTrue(closedWithoutAnswer(socket));
        }
        assertEquals(before + 1, this.statistics.sip().malformedMessages());
        assertTheTcpListenerStillAnswers();
    }

    @Test
    void openConnectionsAreCountedUntilTheyClose() throws Exception {
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), this.tcp); Socket second = new Socket(InetAddress.getLoopbackAddress(), this.tcp)) {
            awaitConnections(2);
            first.close();
            awaitConnections(1);
        }
        awaitConnections(0);
        Socket left = new Socket(InetAddress.getLoopbackAddress(), this.tcp);
        awaitConnections(1);
        // a stopping engine takes what it leaves open off the gauge
        this.balancer.stop();
        assertEquals(0, this.statistics.sip().activeConnections().value());
        left.close();
        this.balancer.start();
    }

    private void awaitConnections(long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (this.statistics.sip().activeConnections().value() != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, this.statistics.sip().activeConnections().value(), "open SIP connections");
    }

    @Test
    void pipelinedMessagesWithBodiesPassTheGuard() throws Exception {
        String body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n";
        String first = invite("pipelined-1", "Content-Type: application/sdp\r\n", Integer.toString(body.length())) + body;
        String second = invite("pipelined-2", "", "0");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.tcp)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((first + second).getBytes(StandardCharsets.US_ASCII));
            String answers = readAnswers(socket, 2);
            assertTrue(answers.contains("Call-ID: pipelined-1") && answers.contains("Call-ID: pipelined-2"), answers);
        }
        assertEquals(0, this.statistics.sip().malformedMessages());
    }

    @Test
    void badContentLengthOverWebSocketIsAnswered400CountedAndOthersAreServed() throws Exception {
        long before = this.statistics.sip().malformedMessages();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket hostile = webSocket(received);
        hostile.sendText(overWebSocket(invite("ws-bad", "", "2000000000")), true).get(5, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 5000;
        while (this.statistics.sip().malformedMessages() == before && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, this.statistics.sip().malformedMessages());
        String refusal = received.poll(5, TimeUnit.SECONDS);
        assertTrue(refusal != null && refusal.startsWith("SIP/2.0 400 Bad Content-Length"), "the hostile client is answered 400: " + refusal);
        hostile.abort();

        WebSocket browser = webSocket(received);
        browser.sendText(overWebSocket(invite("ws-good", "", "0")), true).get(5, TimeUnit.SECONDS);
        String answer = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(answer, "the WebSocket listener still answers");
        assertTrue(answer.contains("ws-good"), answer);
        browser.abort();
    }

    private WebSocket webSocket(BlockingQueue<String> received) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip")
                .buildAsync(URI.create("ws://127.0.0.1:" + this.ws + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    private void assertTheTcpListenerStillAnswers() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.tcp)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(invite("after", "", "0").getBytes(StandardCharsets.US_ASCII));
            String answer = readAnswers(socket, 1);
            assertTrue(answer.startsWith("SIP/2.0 503"), "no node registered, so 503: " + answer);
        }
    }

    /** Reads until {@code count} status lines have arrived (100 Trying does not count). */
    private static String readAnswers(Socket socket, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (text.toString().split("SIP/2.0 5", -1).length - 1 < count) {
            int read = in.read(buffer);
            if (read < 0) {
                break;
            }
            text.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
        }
        return text.toString();
    }

    private static boolean closedWithoutAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // reset by the balancer: closed too
            return true;
        }
    }

    private static String invite(String callId, String extraHeaders, String contentLength) {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:6000;branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=m1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + extraHeaders
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    private static String overWebSocket(String request) {
        return request.replace("SIP/2.0/TCP 127.0.0.1:6000", "SIP/2.0/WS df7jal23ls0d.invalid;rport");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

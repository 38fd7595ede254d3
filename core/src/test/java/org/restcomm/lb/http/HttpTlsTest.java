package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TLS on both sides of the engine: an HTTPS listener whose requests reach plain nodes marked as https, and backend TLS
 * that reaches nodes on the sslPort and wssPort they advertise.
 */
class HttpTlsTest {

    private BalancerTestBed bed;
    private final HttpClient httpsClient = BalancerTestBed.httpsClient();

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void httpsRequestReachesAPlainNodeMarkedAsHttps() throws Exception {
        TestNode node = this.bed.node("n", "n");
        this.bed.startWithHttps(HttpBalancerSettings.defaults());
        int port = this.bed.httpsPort();
        HttpResponse<String> response = this.httpsGet("/");
        assertEquals("n", BalancerTestBed.servedBy(response));
        assertEquals("https", node.lastHeader("X-Forwarded-Proto"));
        assertEquals(Integer.toString(port), node.lastHeader("X-Forwarded-Port"));
        assertEquals("for=127.0.0.1;proto=https;host=\"127.0.0.1:" + port + "\"", node.lastHeader("Forwarded"));

        assertEquals("n", BalancerTestBed.servedBy(this.bed.get("/")), "the plain listener serves next to the HTTPS one");
        assertEquals("http", node.lastHeader("X-Forwarded-Proto"));
    }

    @Test
    void secureWebSocketUpgradesPassThroughToTheNode() throws Exception {
        this.bed.node("n", "n");
        this.bed.startWithHttps(HttpBalancerSettings.defaults());
        EchoClient sip = EchoClient.open(this.httpsClient, "sip", URI.create("wss://127.0.0.1:" + this.bed.httpsPort() + "/"));
        assertEquals("ws-port n: REGISTER", sip.exchange("REGISTER"));
        EchoClient chat = EchoClient.open(this.httpsClient, "chat", URI.create("wss://127.0.0.1:" + this.bed.httpsPort() + "/ws"));
        assertEquals("http-port n: hello", chat.exchange("hello"));
    }

    @Test
    void backendTlsReachesANodeThatSpeaksOnlyTls() throws Exception {
        TestNode node = this.bed.tlsNode("t", "t");
        this.bed.start(HttpBalancerSettings.builder().backendSslContext(TestTls.client()).build());
        assertEquals("t", BalancerTestBed.servedBy(this.bed.get("/")));
        assertEquals("http", node.lastHeader("X-Forwarded-Proto"), "the client's scheme, not the node connection's");
        EchoClient sip = EchoClient.open(this.bed.client, "sip", URI.create("ws://127.0.0.1:" + this.bed.port() + "/"));
        assertEquals("ws-port t: REGISTER", sip.exchange("REGISTER"), "SIP over WebSocket goes to the wssPort");
        EchoClient chat = EchoClient.open(this.bed.client, "chat", URI.create("ws://127.0.0.1:" + this.bed.port() + "/ws"));
        assertEquals("http-port t: hello", chat.exchange("hello"), "other upgrades go to the sslPort");
    }

    @Test
    void backendTlsReachesNoNodeWhoseCertificateItDoesNotTrust() throws Exception {
        TestNode node = this.bed.tlsNode("u", "u");
        // the JDK's own trust store: public CAs, not the node's self-signed certificate
        this.bed.start(HttpBalancerSettings.builder().backendSslContext(javax.net.ssl.SSLContext.getDefault()).build());
        int status = this.bed.get("/").statusCode();
        assertTrue(status >= 500, "an untrusted node is not talked to: " + status);
        assertEquals(0, node.requests.get(), "the request never reached the node");
    }

    @Test
    void backendTlsLeavesOutNodesWithoutAnSslPort() throws Exception {
        TestNode plain = this.bed.node("p", "p");
        this.bed.start(HttpBalancerSettings.builder().backendSslContext(TestTls.client()).build());
        assertEquals(503, this.bed.get("/").statusCode());
        assertEquals(0, plain.requests.get());
    }

    @Test
    void plainHttpOnTheHttpsPortGetsNoAnswerAndTheListenerKeepsServing() throws Exception {
        TestNode node = this.bed.node("n", "n");
        this.bed.startWithHttps(HttpBalancerSettings.defaults());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.bed.httpsPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = readUntilClosed(socket.getInputStream());
            assertFalse(new String(answer, StandardCharsets.ISO_8859_1).contains("HTTP/1.1"), "no HTTP answer over the TLS port");
        }
        assertEquals(0, node.requests.get(), "the plain request never reached the node");
        assertEquals("n", BalancerTestBed.servedBy(this.httpsGet("/")));
        assertEquals(1, node.requests.get());
    }

    @Test
    void httpsPortInUseFailsTheStartAndFreesTheHttpPort() throws Exception {
        int httpPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            httpPort = probe.getLocalPort();
        }
        HttpBalancer balancer = new HttpBalancer(HttpBalancerSettings.defaults(), this.bed.registry, () -> null, this.bed.statistics.http());
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HttpsListener https = new HttpsListener(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()), TestTls.server());
            assertThrows(RuntimeException.class, () -> balancer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), https, this.bed.worker));
        }
        try (ServerSocket again = new ServerSocket(httpPort, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(httpPort, again.getLocalPort(), "the HTTP port opened before the failure is closed again");
        }
    }

    private HttpResponse<String> httpsGet(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + this.bed.httpsPort() + path)).timeout(Duration.ofSeconds(10)).build();
        return this.httpsClient.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** What the peer sends until it closes; a read timeout fails the test, since the balancer must close the connection. */
    private static byte[] readUntilClosed(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toByteArray();
    }
}

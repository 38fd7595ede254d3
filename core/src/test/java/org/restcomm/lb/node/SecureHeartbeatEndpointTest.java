package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestTls;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** The heartbeat endpoint with a TLS context that requires client certificates: nodes are authenticated by TLS. */
class SecureHeartbeatEndpointTest {

    private static final String START = "{\"start\":{\"ip\":\"127.0.0.1\",\"udpPort\":\"5080\",\"sessionId\":\"7\"}}";

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 5000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private HeartbeatEndpoint endpoint;

    @BeforeEach
    void start() {
        this.endpoint = new HeartbeatEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, TestTls.serverRequiringClientCertificates(),
                this.registry, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), JsonProvider.provider());
        this.endpoint.start();
    }

    @AfterEach
    void stop() {
        this.endpoint.stop();
    }

    @Test
    void nodeWithATrustedClientCertificateRegistersOverHttps() throws Exception {
        HttpResponse<String> start = post(TestTls.mutual(), START);
        assertEquals(200, start.statusCode(), start::body);
        assertEquals("{\"start\":\"OK\"}", start.body());
        assertTrue(this.registry.node("127.0.0.1:5080").isPresent(), "registered: " + this.registry.nodes());
        assertEquals("{\"heartbeat\":\"OK\"}", post(TestTls.mutual(), "{\"heartbeat\":{\"sessionId\":7}}").body());
    }

    @Test
    void nodeWithoutAClientCertificateIsRefusedAtTheTlsLayer() {
        // trusts the balancer but has no certificate of its own to show
        assertThrows(IOException.class, () -> post(TestTls.client(), START));
        assertTrue(this.registry.nodes().isEmpty(), "nothing registered: " + this.registry.nodes());
        assertEquals(0, this.statistics.heartbeats().receivedCount());
    }

    @Test
    void plainHttpOnTheTlsPortRegistersNothing() throws Exception {
        byte[] body = START.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.endpoint.address().getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException e) {
                // the TLS side closes on bytes it cannot read; with some of them still unread that is a reset: no answer either
                answer = "";
            }
            assertFalse(answer.contains("HTTP/1.1"), "no HTTP answer over the TLS port: " + answer);
        }
        assertTrue(this.registry.nodes().isEmpty(), "nothing registered: " + this.registry.nodes());
        assertEquals(200, post(TestTls.mutual(), START).statusCode(), "the listener keeps serving TLS");
    }

    private HttpResponse<String> post(SSLContext client, String body) throws IOException, InterruptedException {
        InetSocketAddress address = this.endpoint.address();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).sslContext(client).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + address.getPort() + "/"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** The heartbeat endpoint on an ephemeral port, without a server, driven by a real HTTP client. */
class HeartbeatEndpointTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 5000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final HttpClient http = HttpClient.newHttpClient();
    private HeartbeatEndpoint endpoint;

    @BeforeEach
    void start() {
        JsonProvider json = JsonProvider.provider();
        this.endpoint = new HeartbeatEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, this.registry,
                new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), json);
        this.endpoint.start();
    }

    @AfterEach
    void stop() {
        this.endpoint.stop();
    }

    @Test
    void answersEachCommandAsTheOriginalDid() throws Exception {
        HttpResponse<String> start = this.post("/any/path", "{\"start\":{\"ip\":\"127.0.0.1\",\"udpPort\":\"5080\",\"sessionId\":\"7\"}}");
        assertEquals(200, start.statusCode());
        assertEquals("{\"start\":\"OK\"}", start.body());
        assertEquals("close", start.headers().firstValue("Connection").orElse(""));

        assertEquals("{\"heartbeat\":\"OK\"}", this.post("/", "{\"heartbeat\":{\"sessionId\":7}}").body());
        HttpResponse<String> unknown = this.post("/", "{\"heartbeat\":{\"sessionId\":8}}");
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"heartbeat\":\"UNKNOWN\"}", unknown.body());
        assertEquals("{\"stop\":\"OK\"}", this.post("/", "{\"stop\":{\"sessionId\":7}}").body());
        assertTrue(this.registry.nodes().isEmpty());
        assertEquals(4, this.statistics.heartbeats().receivedCount());
    }

    @Test
    void refusesWhatIsNotAHeartbeat() throws Exception {
        assertEquals(400, this.post("/", "not json").statusCode());
        assertEquals(413, this.post("/", "{\"start\":{\"ip\":\"1\",\"x\":\"" + "y".repeat(HttpHeartbeatHandler.MAX_BODY_BYTES) + "\"}}").statusCode());
        HttpResponse<String> get = this.http.send(HttpRequest.newBuilder(this.uri("/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals(3, this.statistics.heartbeats().rejectedCount());
        assertTrue(this.registry.nodes().isEmpty());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return this.http.send(HttpRequest.newBuilder(this.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        InetSocketAddress address = this.endpoint.address();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
    }
}

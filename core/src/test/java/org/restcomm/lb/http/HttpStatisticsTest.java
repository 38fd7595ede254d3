package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.stats.HttpStatistics;

import static org.restcomm.lb.http.BalancerTestBed.eventually;

/** The HTTP counters behind /lbstat, the MBean and the management metrics. */
class HttpStatisticsTest {

    private BalancerTestBed bed;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("n", "n");
        this.bed.start(HttpBalancerSettings.builder().maxRequestSize(10_000).build());
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void requestsMethodsStatusClassesAndBytesAreCounted() throws Exception {
        HttpStatistics http = this.bed.statistics.http();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, this.bed.get("/").statusCode());
        }
        byte[] body = new byte[5000];
        HttpResponse<String> upload = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, upload.statusCode());
        HttpResponse<String> refused = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/upload"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[20_000])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, refused.statusCode());

        eventually(5, () -> http.requests(), "");
        eventually(3, () -> http.requestsByMethod().get("GET"), "");
        eventually(1, () -> http.requestsByMethod().get("POST"), "");
        eventually(1, () -> http.requestsByMethod().get("PUT"), "");
        eventually(4, () -> http.responsesByStatusCode().get("2XX"), "");
        eventually(1, () -> http.responsesByStatusCode().get("4XX"), "");
        eventually(5000, () -> http.bytesToServer(), "the forwarded body; the refused one never left");
        long expectedToClient = 3 * "node=n".length() + upload.body().length() + refused.body().length();
        eventually(expectedToClient, () -> http.bytesToClient(), "");

        this.bed.registry.removeNode(this.bed.registry.nodes().iterator().next().name(), "test");
        assertEquals(503, this.bed.get("/").statusCode());
        eventually(1, () -> http.responsesByStatusCode().get("5XX"), "");
    }

    @Test
    void activeConnectionsFollowClientConnections() throws Exception {
        HttpStatistics http = this.bed.statistics.http();
        long before = http.activeConnections().value();
        try (Socket first = new Socket("127.0.0.1", this.bed.port()); Socket second = new Socket("127.0.0.1", this.bed.port())) {
            request(first);
            request(second);
            request(first);
            eventually(before + 2, () -> http.activeConnections().value(), "two client connections");
        }
        eventually(before, () -> http.activeConnections().value(), "closed connections are no longer active");
    }

    /** One keep-alive GET on a raw socket, reading the whole response. */
    private static void request(Socket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        assertEquals(length, in.readNBytes(length).length);
    }
}

package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stopped engine leaves no client connection behind that the old settings would go on serving. */
class HttpStopTest {

    private BalancerTestBed bed;
    private TestNode node;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.node = this.bed.node("k", "k");
        this.bed.start(HttpBalancerSettings.defaults());
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void stoppingClosesKeptAliveClientConnections() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", this.bed.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String response = readResponse(in, "node=k");
            assertTrue(response.startsWith("HTTP/1.1 200"), response);

            this.bed.balancer.stop();
            assertEquals(-1, in.read(), "the kept-alive connection is closed");
        }
    }

    @Test
    void everyPooledConnectionToARemovedNodeIsClosed() throws Exception {
        // eight requests at once: the pools open several connections to the node and keep them for the next requests
        java.util.List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(this.bed.client.sendAsync(java.net.http.HttpRequest.newBuilder(this.bed.uri("/slow?ms=300")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        for (java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> answer : answers) {
            assertEquals(200, answer.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        }
        long pooled = this.node.openHttpConnections();
        assertTrue(pooled > 2, "several pooled connections to the node: " + pooled);

        this.bed.registry.removeNode(this.bed.registered(this.node).name(), "test");
        BalancerTestBed.eventually(0, this.node::openHttpConnections, "every pooled connection to the removed node closed");
    }

    @Test
    void aConnectionAcceptedButSilentUntilStopIsNotServed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", this.bed.port())) {
            socket.setSoTimeout(5000);
            Thread.sleep(100);
            this.bed.balancer.stop();
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(-1, socket.getInputStream().read(), "no answer from a stopped engine");
        }
    }

    /** Reads until the body's end marker arrives. */
    private static String readResponse(InputStream in, String end) throws java.io.IOException {
        StringBuilder response = new StringBuilder();
        while (!response.toString().endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            response.append((char) c);
        }
        return response.toString();
    }
}

package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No node: 503 with a body, or the unavailable-host. Malformed requests: 400, and the balancer serves on. */
class HttpNoNodeAndMalformedTest {

    private BalancerTestBed bed;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void idleAndSlowClientsAreCutOffAndTheBalancerServesOn() throws Exception {
        this.bed.node("i", "i");
        this.bed.start(HttpBalancerSettings.builder().noRequestTimeout(300).requestParseTimeout(300).build());
        try (java.net.Socket idle = new java.net.Socket("127.0.0.1", this.bed.port());
                java.net.Socket slow = new java.net.Socket("127.0.0.1", this.bed.port())) {
            idle.setSoTimeout(5000);
            slow.setSoTimeout(5000);
            // a request head begun and never finished
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: lb\r\nX-Slow: ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();
            assertEquals(-1, idle.getInputStream().read(), "a connection that never sends a request is closed");
            assertEquals(-1, readToEnd(slow.getInputStream()), "a request head that never ends is cut off");
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            org.junit.jupiter.api.Assertions.assertTrue(elapsed < 4000, "closed at the timeouts, not much later: " + elapsed + " ms");
        }
        assertEquals("i", BalancerTestBed.servedBy(this.bed.get("/")));
    }

    /** Reads until the peer closes; a 400 or 408 answer may come first. */
    private static int readToEnd(java.io.InputStream in) throws java.io.IOException {
        int c;
        do {
            c = in.read();
        } while (c >= 0);
        return c;
    }

    @Test
    void withoutNodesTheClientGets503WithABody() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        var response = this.bed.get("/app");
        assertEquals(503, response.statusCode());
        assertEquals(NoNodeHandler.BODY, response.body());
        assertEquals("text/plain; charset=UTF-8", response.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void nodesThatTakeNoNewWorkCountAsNone() throws Exception {
        TestNode node = this.bed.node("d", "d");
        this.bed.start(HttpBalancerSettings.defaults());
        this.bed.registry.drain(this.bed.registered(node).name());
        assertEquals(503, this.bed.get("/").statusCode(), "no new session on a draining node");
        assertEquals("d", BalancerTestBed.servedBy(this.bed.get("/", "Cookie", "JSESSIONID=x.d")));
    }

    @Test
    void withoutNodesRequestsGoToTheUnavailableHost() throws Exception {
        try (BalancerTestBed sorry = new BalancerTestBed()) {
            TestNode page = new TestNode("sorry-page", "none", sorry.worker);
            try {
                this.bed.start(HttpBalancerSettings.builder().unavailableHost("127.0.0.1:" + page.httpPort()).build());
                assertEquals("sorry-page", BalancerTestBed.servedBy(this.bed.get("/app?x=1")));
                assertEquals("/app?x=1", page.lastUri);

                this.bed.node("real", "real");
                assertEquals("real", BalancerTestBed.servedBy(this.bed.get("/app")), "a node, once there, is preferred");
            } finally {
                page.close();
            }
        }
    }

    @Test
    void malformedRequestGets400AndTheNextRequestIsServed() throws Exception {
        this.bed.node("n", "n");
        this.bed.start(HttpBalancerSettings.defaults());
        for (String garbage : new String[] { "GET /a b c d\r\n\r\n", "\u0001\u0002 nonsense\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nBad\u0001Name: y\r\n\r\n" }) {
            try (Socket socket = new Socket("127.0.0.1", this.bed.port())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(garbage.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String status = RawHttp.statusLine(socket.getInputStream());
                assertTrue(status.startsWith("HTTP/1.1 400"), "for " + garbage.strip() + ": " + status);
            }
            assertEquals("n", BalancerTestBed.servedBy(this.bed.get("/")));
        }
    }

}

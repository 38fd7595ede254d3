package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** forwarded-headers: on, the node learns the client's address, scheme and host; off, it sees what the client sent. */
class HttpForwardedHeadersTest {

    private BalancerTestBed bed;
    private TestNode node;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.node = this.bed.node("n", "n");
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void forwardedHeadersAreAddedByDefault() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        this.bed.get("/");
        String host = "127.0.0.1:" + this.bed.port();
        assertEquals("127.0.0.1", this.node.lastHeader("X-Forwarded-For"));
        assertEquals("http", this.node.lastHeader("X-Forwarded-Proto"));
        assertEquals("127.0.0.1", this.node.lastHeader("X-Forwarded-Host"));
        assertEquals(Integer.toString(this.bed.port()), this.node.lastHeader("X-Forwarded-Port"));
        assertEquals("for=127.0.0.1;proto=http;host=\"" + host + "\"", this.node.lastHeader("Forwarded"));
        assertEquals(host, this.node.lastHeader("Host"), "the client's Host reaches the node");
    }

    @Test
    void forwardedHeadersOfAnEarlierProxyAreExtended() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        this.bed.get("/", "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=203.0.113.9");
        assertEquals("203.0.113.9,127.0.0.1", this.node.lastHeader("X-Forwarded-For"));
        assertEquals("for=203.0.113.9, for=127.0.0.1;proto=http;host=\"127.0.0.1:" + this.bed.port() + "\"", this.node.lastHeader("Forwarded"));
    }

    @Test
    void aClientCannotClaimAnotherSchemeHostOrPort() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        this.bed.get("/", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "bank.example", "X-Forwarded-Port", "443", "X-Forwarded-Server", "trusted");
        assertEquals("http", this.node.lastHeader("X-Forwarded-Proto"), "plain HTTP stays http whatever the client says");
        assertEquals("127.0.0.1", this.node.lastHeader("X-Forwarded-Host"));
        assertEquals(Integer.toString(this.bed.port()), this.node.lastHeader("X-Forwarded-Port"));
        assertEquals(-1, this.node.lastHeader("X-Forwarded-Server").indexOf("trusted"), this.node.lastHeader("X-Forwarded-Server"));
    }

    @Test
    void eachRequestOfAKeptAliveConnectionNamesItsOwnHost() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        try (Socket socket = new Socket("127.0.0.1", this.bed.port())) {
            socket.setSoTimeout(5000);
            for (String host : new String[] { "a.example", "a.example", "b.example", "a.example" }) {
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(socket.getInputStream()));
                skipHeadersAndBody(socket.getInputStream());
                assertEquals("for=127.0.0.1;proto=http;host=\"" + host + "\"", this.node.lastHeader("Forwarded"));
            }
        }
    }

    /** Reads the rest of an answer whose body has a Content-Length. */
    private static void skipHeadersAndBody(InputStream in) throws IOException {
        int length = 0;
        for (String line; !(line = RawHttp.statusLine(in)).isEmpty();) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        in.readNBytes(length);
    }

    @Test
    void disabledTheNodeSeesOnlyWhatTheClientSent() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().forwardedHeaders(false).build());
        this.bed.get("/");
        for (String header : new String[] { "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Server", "Forwarded" }) {
            assertNull(this.node.lastHeader(header), header);
        }
        this.bed.get("/", "X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https");
        assertEquals("203.0.113.9", this.node.lastHeader("X-Forwarded-For"));
        assertEquals("https", this.node.lastHeader("X-Forwarded-Proto"));
        assertNull(this.node.lastHeader("X-Forwarded-Port"));
    }
}

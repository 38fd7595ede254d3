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

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("k", "k");
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

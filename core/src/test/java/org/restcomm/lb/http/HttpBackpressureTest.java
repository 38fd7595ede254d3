package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that asks for a large download and never reads it: Undertow's proxy stops reading the node while the
 * client's socket is full, so the heap stays flat; past write-stall-timeout both connections are closed and counted.
 * Heap after GC is printed before and during the stall.
 */
class HttpBackpressureTest {

    /** Generous for two shared cores; a balancer that buffered the answer would hold most of the 1 GiB. */
    private static final long HEAP_BOUND = 40L * 1024 * 1024;

    private BalancerTestBed bed;
    private Socket silent;

    @BeforeEach
    void node() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("only", "r1");
    }

    @AfterEach
    void close() throws IOException {
        if (this.silent != null) {
            this.silent.close();
        }
        this.bed.close();
    }

    @Test
    void nonReadingClientDoesNotGrowTheHeapWhileItsNodeStreams() throws Exception {
        // write-stall-timeout out of reach: this test watches the heap while the client stays stalled
        this.bed.start(HttpBalancerSettings.builder().writeStallTimeout(600_000).build());
        long before = heapAfterGc();
        this.silent = this.requestAndNeverRead("/stream?mb=1024");
        Thread.sleep(5000);
        long during = heapAfterGc();
        System.out.printf("HTTP non-reading client, 1 GiB answer: heap after GC %.1f MB before, %.1f MB after 5 s (%+.1f MB)%n",
                mb(before), mb(during), mb(during - before));
        assertTrue(during - before < HEAP_BOUND, "heap after GC grew by " + mb(during - before) + " MB");
        assertEquals(0, this.bed.statistics.http().stalledConnections());
        assertTrue(this.silent.isConnected() && !this.silent.isClosed());
        this.assertServesAnotherClient();
    }

    @Test
    void clientStalledLongerThanWriteStallTimeoutIsClosedAndCounted() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().writeStallTimeout(1000).build());
        this.silent = this.requestAndNeverRead("/stream?mb=1024");
        BalancerTestBed.eventually(1, () -> this.bed.statistics.http().stalledConnections(), "the stalled client is counted");
        assertTrue(closedByPeer(this.silent), "and its connection closed");
        BalancerTestBed.eventually(0, () -> this.bed.statistics.http().activeConnections().value(), "no longer counted as active");
        this.assertServesAnotherClient();
        assertEquals(1, this.bed.statistics.http().stalledConnections());
    }

    private void assertServesAnotherClient() throws Exception {
        HttpResponse<String> response = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("node=only", response.body());
    }

    /** Sends a request, reads nothing: a small receive buffer keeps the kernel from taking much of the answer. */
    private Socket requestAndNeverRead(String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(16 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", this.bed.port()), 5000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: lb\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Reads what the kernel holds; true when the balancer closed the connection behind it. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // reset by peer
            return true;
        }
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}

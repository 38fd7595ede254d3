package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * How the TCP listener keeps connections: a slowloris that never finishes a message is cut after the first-message
 * timeout, an idle connection after the idle timeout unless a registration made through it is alive, and a burst of a
 * thousand connections is accepted (jain-sip's own backlog is 50). Timeouts are set short through the settings.
 */
class SipStreamConnectionsTest {

    private static final long IDLE_MILLIS = 600;
    private static final long FIRST_MESSAGE_MILLIS = 400;
    private static final long MAX_QUEUED_BYTES = 256 * 1024;
    private static final long WRITE_STALL_MILLIS = 2_000;

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int tcp;

    @BeforeEach
    void start() throws Exception {
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.startBalancer(IDLE_MILLIS);
    }

    private void startBalancer(long idleMillis) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 1;; attempt++) {
            this.tcp = freePort();
            SipBalancerSettings defaults = SipBalancerSettings.defaults(List.of(
                    SipListenerSettings.of(Side.EXTERNAL, "tcp", new InetSocketAddress(loopback, this.tcp)),
                    SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, freePort()))));
            SipBalancerSettings settings = new SipBalancerSettings(defaults.listeners(), defaults.sendTrying(), defaults.noNodeStatus(), defaults.noNodeReason(),
                    defaults.blockedUserAgents(), defaults.stackProperties(), defaults.badNodeDetection(), defaults.failureAnswer(),
                    new SipBalancerSettings.StreamConnections(idleMillis, FIRST_MESSAGE_MILLIS, 1024, MAX_QUEUED_BYTES, WRITE_STALL_MILLIS),
                    SipBalancerSettings.Reachability.DEFAULT);
            this.balancer = new SipBalancer(settings, this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()),
                    this.statistics.sip());
            try {
                this.balancer.start();
                return;
            } catch (javax.sip.SipException e) {
                if (attempt == 3) {
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

    @Test
    void aConnectionThatNeverFinishesAMessageIsClosedAfterTheFirstMessageTimeoutAndCounted() throws Exception {
        try (Socket slowloris = this.client()) {
            slowloris.getOutputStream().write("INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:6000\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            assertTrue(closedWithin(slowloris, 5000), "the slowloris is cut");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= FIRST_MESSAGE_MILLIS - 50, "not before the first-message timeout: " + millis + " ms");
        }
        assertEquals(1, this.statistics.sip().malformedMessages());
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeoutButOneCarryingTrafficIsKept() throws Exception {
        try (Socket idle = this.client(); Socket busy = this.client()) {
            idle.getOutputStream().write(options("idle").getBytes(StandardCharsets.US_ASCII));
            busy.getOutputStream().write(options("busy-0").getBytes(StandardCharsets.US_ASCII));
            long deadline = System.currentTimeMillis() + IDLE_MILLIS * 3;
            for (int i = 1; System.currentTimeMillis() < deadline; i++) {
                busy.getOutputStream().write(options("busy-" + i).getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(IDLE_MILLIS / 4);
            }
            assertTrue(closedWithin(idle, 3000), "the idle connection is closed");
            busy.getOutputStream().write(options("busy-last").getBytes(StandardCharsets.US_ASCII));
            assertTrue(readsUntil(busy, "busy-last"), "the connection carrying traffic is kept");
        }
        assertEquals(0, this.statistics.sip().malformedMessages(), "idleness is not malformed");
    }

    @Test
    void aConnectionWithALiveRegistrationOutlivesTheIdleTimeoutAndAnUnregisteredOneDoesNot() throws Exception {
        try (Socket registered = this.client(); Socket unregistered = this.client()) {
            registered.getOutputStream().write(register("reg-1", 600).getBytes(StandardCharsets.US_ASCII));
            unregistered.getOutputStream().write(register("reg-0", 0).getBytes(StandardCharsets.US_ASCII));
            assertTrue(closedWithin(unregistered, 5000), "Expires 0 leaves nothing to keep the connection for");
            Thread.sleep(IDLE_MILLIS * 2);
            registered.getOutputStream().write(options("still-there").getBytes(StandardCharsets.US_ASCII));
            assertTrue(readsUntil(registered, "still-there"), "the registered client's connection stays open past the idle timeout");
        }
    }

    @Test
    void aBurstOfAThousandConnectionsIsAccepted() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < 1000; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.tcp), 1000);
                    sockets.add(socket);
                } catch (IOException e) {
                    refused++;
                    socket.close();
                }
            }
            assertEquals(0, refused, "connections that did not open within 1 s");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aClientThatNeverReadsIsCutOffOnceItsQueueIsFullAndTheHeapStaysFlat() throws Exception {
        // an idle timeout longer than the write stall: a balancer that stops reading from a client it cannot write to
        // leaves the connection without activity, and the 600 ms idle cut-off must not close it first (seen under load)
        this.balancer.stop();
        this.startBalancer(30_000);
        long heapBefore = heapAfterGc();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        try (Socket hoarder = new Socket()) {
            hoarder.setReceiveBufferSize(4096);
            hoarder.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.tcp));
            // each OPTIONS (no node registered) is answered 503: the answers pile up for a client that never reads them
            Thread writer = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        StringBuilder burst = new StringBuilder();
                        for (int i = 0; i < 50; i++) {
                            // a long Via parameter makes each answer about 4 KB, as the 503 echoes the Via
                            burst.append(options("hoard-" + (sent.get() + i)).replace(";branch=", ";padding=" + "p".repeat(4000) + ";branch="));
                        }
                        hoarder.getOutputStream().write(burst.toString().getBytes(StandardCharsets.US_ASCII));
                        sent.addAndGet(50);
                        // about 1,000 requests a second: a rate the balancer keeps up with, even on two busy cores
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off, or closed by the test
                }
            }, "hoarder");
            writer.start();
            long deadline = System.currentTimeMillis() + 20_000;
            while (this.statistics.sip().stalledConnections() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            boolean cutOff = closedWithin(hoarder, 5000);
            long heapDuring = heapAfterGc();
            System.out.printf("non-reading SIP TCP client: %d requests sent, heap after GC %.1f MB -> %.1f MB, stalled connections %d, closed %s%n",
                    sent.get(), heapBefore / 1e6, heapDuring / 1e6, this.statistics.sip().stalledConnections(), cutOff);
            writer.interrupt();
            hoarder.close();
            writer.join(5000);
            assertEquals(1, this.statistics.sip().stalledConnections(), "the hoarding client is cut off and counted");
            assertTrue(cutOff, "the balancer closes the hoarding client's connection");
            assertTrue(heapDuring - heapBefore < 40_000_000, "the heap stays flat: " + (heapDuring - heapBefore) / 1e6 + " MB more");
        }
        try (Socket reader = this.client()) {
            reader.getOutputStream().write(options("reader").getBytes(StandardCharsets.US_ASCII));
            boolean served = readsUntil(reader, "reader");
            assertTrue(served, "other clients are still served");
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private Socket client() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.tcp);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Reads (answers included) until the socket closes: true, or the time runs out: false. */
    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // answers to what it sent
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean readsUntil(Socket socket, String text) throws IOException {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            while (!read.toString().contains(text)) {
                int count = socket.getInputStream().read(buffer);
                if (count < 0) {
                    return false;
                }
                read.append(new String(buffer, 0, count, StandardCharsets.US_ASCII));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static String options(String callId) {
        return "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:6000;branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=o1\r\nTo: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    private static String register(String callId, int expires) {
        return "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:6000;branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=r1\r\nTo: <sip:alice@example.com>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@127.0.0.1:6000;transport=tcp>\r\n"
                + "Expires: " + expires + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

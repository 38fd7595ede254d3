package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.pdu.BindTransceiver;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.type.Address;
import org.jboss.netty.buffer.ChannelBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An ESME that never reads while its SMSC floods it with deliver_sm: the balancer stops reading the SMSC instead of
 * queueing without bound, answers what it cannot pass on with ESME_RTHROTTLED, and closes the ESME after
 * write-stall-timeout. Heap after GC is printed before and during the flood.
 */
class SmppBackpressureTest extends SmppTestBed {

    /** Generous for two shared cores: without backpressure the heap grew by well over 100 MB within seconds. */
    private static final long HEAP_BOUND = 40L * 1024 * 1024;
    /** The non-reading ESME's receive buffer: small, so the balancer's own queue is what fills. */
    private static final int ESME_RECEIVE_BUFFER = 16 * 1024;

    private TestSmsc.Flood flood;
    private RawSmppSocket silent;

    @AfterEach
    void stopFlood() throws Exception {
        if (this.flood != null) {
            this.flood.halt();
        }
        if (this.silent != null) {
            this.silent.close();
        }
    }

    @Test
    void nonReadingEsmeDoesNotGrowTheHeapWhileItsSmscFloods() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        // write-stall-timeout out of reach: this test watches the heap while the ESME stays stalled
        this.startBalancer(shortTimers(smsc.address()).writeStallTimeout(600_000));
        this.silent = this.bindSilentEsme("esme");
        SmppServerSession upstream = smsc.awaitSession();
        assertNotNull(upstream);

        long before = heapAfterGc();
        this.flood = smsc.flood(upstream, 0);
        Thread.sleep(6000);
        long during = heapAfterGc();
        long relayed = this.statistics.requestsToClient();
        System.out.printf("SMPP non-reading ESME, flooding SMSC: heap after GC %.1f MB before, %.1f MB after 6 s (%+.1f MB); "
                + "SMSC sent %d deliver_sm, %d relayed (%d bytes), %d answered ESME_RTHROTTLED, SMSC socket found unwritable %d times%n",
                mb(before), mb(during), mb(during - before), this.flood.sent.get(), relayed, this.statistics.bytesToClient(),
                smsc.throttledDeliveries.get(), this.flood.blocked.get());

        assertTrue(during - before < HEAP_BOUND, "heap after GC grew by " + mb(during - before) + " MB");
        assertTrue(this.flood.blocked.get() > 0, "the balancer stopped reading the flooding SMSC");
        // max-queued-bytes (1 MiB) plus what the kernel buffers of a loopback connection hold
        assertTrue(this.statistics.bytesToClient() < 32L * 1024 * 1024, "bytes relayed to an ESME that reads nothing: " + this.statistics.bytesToClient());
        assertEquals(0, this.statistics.stalledConnections());

        // the SMSC keeps serving the next ESME once the silent one leaves
        this.flood.halt();
        this.flood = null;
        this.silent.close();
        this.silent = null;
        this.assertSmscServesANewEsme(smsc);
    }

    @Test
    void esmeStalledLongerThanWriteStallTimeoutIsClosedAndCounted() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()).writeStallTimeout(1000));
        this.silent = this.bindSilentEsme("esme");
        SmppServerSession upstream = smsc.awaitSession();
        this.flood = smsc.flood(upstream, 0);

        eventually("the stalled ESME is counted", () -> this.statistics.stalledConnections() == 1);
        assertTrue(this.silent.closedByPeer(), "and its connection closed");
        eventually("no longer counted as active", () -> this.statistics.activeConnections().value() == 0);
        // its upstream bind is unbound: the SMSC closes that session, which ends the flood
        // the SMSC bind unbinds within server-check-timeout, but its unbind queues behind the flood: 15 s ran out once on two busy cores
        eventually("the upstream bind ends", () -> !this.flood.isAlive(), 30_000);
        this.flood = null;

        this.assertSmscServesANewEsme(smsc);
        assertEquals(1, this.statistics.stalledConnections());
    }

    /**
     * Mux mode: one SMSC socket feeds both ESMEs of a group, so it is not paused for the silent one; its deliveries go
     * to the ESME that reads, and the silent one is closed after write-stall-timeout while the other stays bound.
     */
    @Test
    void muxGroupKeepsDeliveringToTheEsmeThatReadsWhileTheOtherStalls() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()).mode(SmppMode.MUX).writeStallTimeout(1000));
        this.silent = this.bindSilentEsme("esme");
        TestEsme reading = this.esme();
        SmppServerSession upstream = smsc.awaitSession();
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        Thread counter = new Thread(() -> {
            // counted and dropped, so that the test's own queue does not grow the heap
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    if (reading.requests.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
                        received.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        counter.start();
        try {
            long before = heapAfterGc();
            this.flood = smsc.flood(upstream, 20_000);
            SmppTestBed.eventually("the silent ESME is counted", () -> this.statistics.stalledConnections() >= 1, 20_000);
            assertTrue(this.silent.closedByPeer(), "and its connection closed");
            long atStall = received.get();
            Thread.sleep(1000);
            assertTrue(received.get() > atStall, "the group's other ESME still receives deliveries");
            long during = heapAfterGc();
            System.out.printf("SMPP mux, one silent ESME of two: heap after GC %.1f MB before, %.1f MB after the stall (%+.1f MB); "
                    + "%d deliver_sm sent, %d reached the reading ESME, %d answered ESME_RTHROTTLED%n",
                    mb(before), mb(during), mb(during - before), this.flood.sent.get(), received.get(), smsc.throttledDeliveries.get());
            assertTrue(during - before < HEAP_BOUND, "heap after GC grew by " + mb(during - before) + " MB");
        } finally {
            this.flood.halt();
            this.flood = null;
            counter.interrupt();
            counter.join();
        }
        assertEquals(1, this.statistics.stalledConnections(), "the reading ESME was not stalled");
        assertTrue(reading.session.isBound());
        assertEquals(0, reading.submit("still bound").getCommandStatus());
    }

    /** An SMSC that stops reading while its ESME submits: the ESME is no longer read, the SMSC is closed after the timeout. */
    @Test
    void smscThatStopsReadingIsClosedAfterWriteStallTimeoutAndCounted() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            listener.setReceiveBufferSize(16 * 1024);
            // window-size out of the way: only max-queued-bytes holds the ESME back
            this.startBalancer(shortTimers(new InetSocketAddress("127.0.0.1", listener.getLocalPort())).windowSize(1_000_000)
                    .maxQueuedBytes(SmppBalancerSettings.MIN_MAX_QUEUED_BYTES).writeStallTimeout(1000));
            try (RawSmppSocket esme = new RawSmppSocket(this.balancer.boundAddress())) {
                esme.write(encode(bindTransceiver("esme")));
                listener.setSoTimeout(5000);
                try (java.net.Socket silentSmsc = listener.accept()) {
                    // reads the bind, answers it, then never reads again
                    java.io.DataInputStream in = new java.io.DataInputStream(silentSmsc.getInputStream());
                    int length = in.readInt();
                    in.readInt();
                    in.readInt();
                    int sequence = in.readInt();
                    in.skipNBytes(length - 16);
                    silentSmsc.getOutputStream().write(java.nio.ByteBuffer.allocate(17).putInt(17).putInt(0x80000009).putInt(0).putInt(sequence).put((byte) 0).array());
                    assertEquals(0, esme.read().status(), "bound");

                    byte[] submit = encode(TestEsme.submitSm("to an SMSC that reads nothing"));
                    Thread writer = new Thread(() -> {
                        try {
                            // blocks in write() once the balancer stops reading the ESME: TCP backpressure
                            for (int i = 2; !Thread.currentThread().isInterrupted(); i++) {
                                java.nio.ByteBuffer.wrap(submit).putInt(12, i);
                                esme.write(submit);
                            }
                        } catch (java.io.IOException e) {
                            // closed
                        }
                    });
                    writer.setDaemon(true);
                    writer.start();
                    SmppTestBed.eventually("the stalled SMSC is counted", () -> this.statistics.stalledConnections() == 1, 20_000);
                    silentSmsc.setSoTimeout(5000);
                    assertTrue(drainsToEnd(silentSmsc.getInputStream()), "the SMSC's connection is closed");
                    writer.interrupt();
                }
            }
        }
    }

    private static boolean drainsToEnd(java.io.InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // what the kernel held
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private void assertSmscServesANewEsme(TestSmsc smsc) throws Exception {
        eventually("the old upstream bind is gone", () -> smsc.sessions.isEmpty(), 15_000);
        smsc.requests.clear();
        TestEsme esme = this.esme();
        assertNotNull(esme.submit("after the flood").getMessageId());
        assertNotNull(smsc.awaitRequest(SubmitSm.class));
        SmppServerSession upstream = smsc.awaitSession();
        DeliverSm deliver = new DeliverSm();
        deliver.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
        deliver.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        deliver.setShortMessage("mobile originated".getBytes(StandardCharsets.ISO_8859_1));
        WindowFuture<Integer, PduRequest, PduResponse> answer = upstream.sendRequestPdu(deliver, 5000, false);
        assertTrue(answer.await(5000), "the SMSC got an answer");
        assertEquals(0, answer.getResponse().getCommandStatus());
        assertNotNull(esme.awaitRequest(DeliverSm.class), "deliveries reach the new ESME");
    }

    /** An ESME that binds, reads its bind_resp and then never reads again. */
    RawSmppSocket bindSilentEsme(String systemId) throws Exception {
        RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress(), ESME_RECEIVE_BUFFER);
        socket.write(encode(bindTransceiver(systemId)));
        RawSmppSocket.Header answer = socket.read();
        assertEquals(0x80000009, answer.commandId());
        assertEquals(0, answer.status(), "bound");
        return socket;
    }

    private static BindTransceiver bindTransceiver(String systemId) {
        BindTransceiver bind = new BindTransceiver();
        bind.setSystemId(systemId);
        bind.setPassword("secret");
        bind.setSystemType("vma");
        bind.setSequenceNumber(1);
        return bind;
    }

    private static byte[] encode(com.cloudhopper.smpp.pdu.Pdu pdu) throws Exception {
        ChannelBuffer bytes = new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(pdu);
        byte[] array = new byte[bytes.readableBytes()];
        bytes.readBytes(array);
        return array;
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

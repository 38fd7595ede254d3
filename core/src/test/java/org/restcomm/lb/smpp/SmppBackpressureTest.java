package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
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
        eventually("the upstream bind ends", () -> !this.flood.isAlive());
        this.flood = null;

        this.assertSmscServesANewEsme(smsc);
        assertEquals(1, this.statistics.stalledConnections());
    }

    private void assertSmscServesANewEsme(TestSmsc smsc) throws Exception {
        eventually("the old upstream bind is gone", () -> smsc.sessions.isEmpty());
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
        BindTransceiver bind = new BindTransceiver();
        bind.setSystemId(systemId);
        bind.setPassword("secret");
        bind.setSystemType("vma");
        bind.setSequenceNumber(1);
        ChannelBuffer bytes = new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(bind);
        byte[] array = new byte[bytes.readableBytes()];
        bytes.readBytes(array);
        socket.write(array);
        RawSmppSocket.Header answer = socket.read();
        assertEquals(0x80000009, answer.commandId());
        assertEquals(0, answer.status(), "bound");
        return socket;
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

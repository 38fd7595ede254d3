package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import com.cloudhopper.smpp.pdu.BindTransmitter;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import org.jboss.netty.buffer.ChannelBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bytes no SMPP library would send: each is answered or the connection closed, counted, and the balancer serves on. */
class SmppMalformedPduTest extends SmppTestBed {

    private TestSmsc smsc;

    @BeforeEach
    void start() throws Exception {
        this.smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(this.smsc.address()));
    }

    @Test
    void commandLengthBelowTheHeaderIsNackedAndTheConnectionClosed() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            socket.writeHeader(8, PduHeader.SUBMIT_SM, 0, 7);
            RawSmppSocket.Header nack = socket.read();
            assertEquals(PduHeader.GENERIC_NACK, nack.commandId());
            assertEquals(PduHeader.ESME_RINVCMDLEN, nack.status());
            assertTrue(socket.closedByPeer());
        }
        assertEquals(1, this.statistics.malformedPdus());
        this.aProperEsmeIsStillServed();
    }

    @Test
    void commandLengthAboveTheMaximumIsNackedAndTheConnectionClosed() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            socket.writeHeader(Integer.MAX_VALUE, PduHeader.SUBMIT_SM, 0, 9);
            RawSmppSocket.Header nack = socket.read();
            assertEquals(PduHeader.GENERIC_NACK, nack.commandId());
            assertEquals(PduHeader.ESME_RINVCMDLEN, nack.status());
            assertEquals(9, nack.sequence());
            assertTrue(socket.closedByPeer());
        }
        assertEquals(1, this.statistics.malformedPdus());
        this.aProperEsmeIsStillServed();
    }

    @Test
    void unknownCommandIdGetsGenericNackAndTheConnectionStays() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            socket.writeHeader(16, 0x0000ABCD, 0, 11);
            RawSmppSocket.Header nack = socket.read();
            assertEquals(PduHeader.GENERIC_NACK, nack.commandId());
            assertEquals(PduHeader.ESME_RINVCMDID, nack.status());
            assertEquals(11, nack.sequence());
            // still open: a bind now works
            socket.write(bindTransmitter(12));
            RawSmppSocket.Header bindResponse = socket.read();
            assertEquals(PduHeader.BIND_TRANSMITTER | PduHeader.RESPONSE_BIT, bindResponse.commandId());
            assertEquals(0, bindResponse.status());
            assertEquals(12, bindResponse.sequence());
            socket.writeHeader(16, 0x0000ABCD, 0, 13);
            assertEquals(PduHeader.ESME_RINVCMDID, socket.read().status());
        }
        assertEquals(2, this.statistics.malformedPdus());
    }

    @Test
    void submitBeforeBindIsRefused() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            socket.writeHeader(16, PduHeader.SUBMIT_SM, 0, 5);
            RawSmppSocket.Header nack = socket.read();
            assertEquals(PduHeader.GENERIC_NACK, nack.commandId());
            assertEquals(PduHeader.ESME_RINVBNDSTS, nack.status());
            assertEquals(5, nack.sequence());
        }
        assertTrue(this.smsc.binds.isEmpty(), "nothing reached the SMSC");
    }

    @Test
    void truncatedBindBodyIsNackedAndCounted() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            // system_id without its terminator, nothing after it
            socket.write(ByteBuffer.allocate(19).putInt(19).putInt(PduHeader.BIND_TRANSMITTER).putInt(0).putInt(3).put((byte) 'a').put((byte) 'b').put((byte) 'c').array());
            RawSmppSocket.Header nack = socket.read();
            assertEquals(PduHeader.GENERIC_NACK, nack.commandId());
            assertEquals(PduHeader.ESME_RINVCMDLEN, nack.status());
        }
        assertEquals(1, this.statistics.malformedPdus());
        assertTrue(this.smsc.binds.isEmpty(), "nothing reached the SMSC");
        this.aProperEsmeIsStillServed();
    }

    @Test
    void connectionClosedInTheMiddleOfAPduIsCounted() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            socket.write(ByteBuffer.allocate(20).putInt(100).putInt(PduHeader.SUBMIT_SM).putInt(0).putInt(1).putInt(0).array());
        }
        eventually("half a PDU counted", () -> this.statistics.malformedPdus() == 1);
        this.aProperEsmeIsStillServed();
    }

    @Test
    void esmeThatNeverBindsIsDisconnectedAfterBindTimeout() throws Exception {
        try (RawSmppSocket socket = new RawSmppSocket(this.balancer.boundAddress())) {
            assertTrue(socket.closedByPeer(), "closed after bind-timeout (2 s here)");
        }
        assertFalse(this.statistics.malformedPdus() > 0);
    }

    private void aProperEsmeIsStillServed() throws Exception {
        TestEsme esme = this.esme();
        assertEquals(0, esme.submit("after the garbage").getCommandStatus());
    }

    private static byte[] bindTransmitter(int sequence) throws Exception {
        BindTransmitter bind = new BindTransmitter();
        bind.setSystemId("raw");
        bind.setPassword("secret");
        bind.setSequenceNumber(sequence);
        ChannelBuffer encoded = new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(bind);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        return bytes;
    }
}

package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.Address;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mux mode: binds with one system_id share an upstream bind; receipts find their submitter, MO messages take turns. */
class SmppMuxTest extends SmppTestBed {

    private TestSmsc smsc;
    private TestEsme first;
    private TestEsme second;
    private SmppServerSession upstream;

    @BeforeEach
    void bindTwoEsmesWithOneSystemId() throws Exception {
        this.smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(this.smsc.address()).mode(SmppMode.MUX));
        this.first = this.esme();
        this.second = this.esme();
        this.upstream = this.smsc.awaitSession();
    }

    @Test
    void bindsWithOneSystemIdShareOneUpstreamBind() throws Exception {
        assertNotNull(this.smsc.awaitBind());
        Thread.sleep(200);
        assertTrue(this.smsc.binds.isEmpty(), "one upstream bind only");
        assertEquals(1, this.smsc.sessions.size());
        assertEquals(2, this.statistics.activeConnections().value());
    }

    @Test
    void receiptsReachTheBindThatSubmittedTheMessage() throws Exception {
        String firstId = this.first.submit("from first").getMessageId();
        String secondId = this.second.submit("from second").getMessageId();

        this.deliver(receipt(secondId, false));
        DeliverSm atSecond = this.second.awaitRequest(DeliverSm.class);
        assertNotNull(atSecond, "receipt for the second ESME's message");
        assertTrue(new String(atSecond.getShortMessage(), StandardCharsets.ISO_8859_1).startsWith("id:" + secondId));
        assertNull(this.first.awaitRequest(DeliverSm.class, 300));

        this.deliver(receipt(firstId, true));
        assertNotNull(this.first.awaitRequest(DeliverSm.class), "receipt by receipted_message_id TLV");
        assertNull(this.second.awaitRequest(DeliverSm.class, 300));
    }

    @Test
    void mobileOriginatedMessagesTakeTurns() throws Exception {
        for (int i = 0; i < 4; i++) {
            DeliverSm mo = new DeliverSm();
            mo.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
            mo.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
            mo.setShortMessage(("mo " + i).getBytes(StandardCharsets.ISO_8859_1));
            this.deliver(mo);
        }
        assertEquals(2, count(this.first));
        assertEquals(2, count(this.second));
    }

    @Test
    void unbindOfOneEsmeKeepsTheSharedUpstreamBind() throws Exception {
        this.first.session.unbind(5000);
        Thread.sleep(200);
        assertTrue(this.upstream.isBound());
        assertTrue(this.smsc.requests.stream().noneMatch(Unbind.class::isInstance));
        assertEquals(0, this.second.submit("still shared").getCommandStatus());
        this.second.session.unbind(5000);
        assertNotNull(this.smsc.awaitRequest(Unbind.class), "the last one leaving unbinds upstream");
    }

    private void deliver(DeliverSm deliver) throws Exception {
        WindowFuture<Integer, PduRequest, PduResponse> future = this.upstream.sendRequestPdu(deliver, 5000, false);
        assertTrue(future.await(5000));
        assertEquals(0, future.getResponse().getCommandStatus());
    }

    private static int count(TestEsme esme) throws InterruptedException {
        int count = 0;
        while (esme.awaitRequest(DeliverSm.class, 300) != null) {
            count++;
        }
        return count;
    }

    private static DeliverSm receipt(String messageId, boolean asTlv) throws Exception {
        DeliverSm receipt = new DeliverSm();
        receipt.setEsmClass(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT);
        receipt.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
        receipt.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        if (asTlv) {
            receipt.setShortMessage("stat:DELIVRD".getBytes(StandardCharsets.ISO_8859_1));
            receipt.addOptionalParameter(new Tlv(SmppConstants.TAG_RECEIPTED_MSG_ID, (messageId + "\0").getBytes(StandardCharsets.ISO_8859_1)));
        } else {
            receipt.setShortMessage(("id:" + messageId + " sub:001 dlvrd:001 stat:DELIVRD err:000").getBytes(StandardCharsets.ISO_8859_1));
        }
        return receipt;
    }
}

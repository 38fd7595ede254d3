package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.DeliverSmResp;
import com.cloudhopper.smpp.pdu.EnquireLink;
import com.cloudhopper.smpp.pdu.EnquireLinkResp;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.type.Address;
import org.junit.jupiter.api.Test;

/** One SMSC behind the balancer: binds, relayed requests both ways, local enquire_link, statistics. */
class SmppRelayTest extends SmppTestBed {

    @Test
    void eachBindTypeReachesTheSmscWithTheEsmeCredentials() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        int[] commandIds = { SmppConstants.CMD_ID_BIND_TRANSMITTER, SmppConstants.CMD_ID_BIND_RECEIVER, SmppConstants.CMD_ID_BIND_TRANSCEIVER };
        SmppBindType[] types = { SmppBindType.TRANSMITTER, SmppBindType.RECEIVER, SmppBindType.TRANSCEIVER };
        for (int i = 0; i < types.length; i++) {
            TestEsme esme = this.esme(types[i], "system-" + i, "pw" + i);
            assertTrue(esme.session.isBound(), types[i] + " bound");
            BaseBind<?> upstream = smsc.awaitBind();
            assertNotNull(upstream, "the SMSC saw a bind for " + types[i]);
            assertEquals(commandIds[i], upstream.getCommandId());
            assertEquals("system-" + i, upstream.getSystemId());
            assertEquals("pw" + i, upstream.getPassword());
            assertEquals("vma", upstream.getSystemType());
        }
        assertEquals(3, this.statistics.activeConnections().value());
    }

    @Test
    void submitSmIsRelayedAndAnsweredUnderTheEsmeSequenceNumber() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        SubmitSm submit = TestEsme.submitSm("hello through the balancer");
        submit.setSequenceNumber(4242);
        SubmitSmResp response = esme.session.submit(submit, 5000);

        assertEquals(0, response.getCommandStatus());
        assertEquals(4242, response.getSequenceNumber());
        assertEquals("smsc-a-1", response.getMessageId());
        SubmitSm relayed = smsc.awaitRequest(SubmitSm.class);
        assertEquals("hello through the balancer", new String(relayed.getShortMessage(), StandardCharsets.ISO_8859_1));
        assertEquals("5678", relayed.getDestAddress().getAddress());
        assertNotEquals(4242, relayed.getSequenceNumber(), "renumbered for the upstream session");
    }

    @Test
    void twoEsmesWithTheSameSequenceNumbersGetTheirOwnAnswers() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme first = this.esme();
        TestEsme second = this.esme();
        for (int round = 0; round < 5; round++) {
            SubmitSm one = TestEsme.submitSm("first " + round);
            one.setSequenceNumber(100 + round);
            SubmitSm two = TestEsme.submitSm("second " + round);
            two.setSequenceNumber(100 + round);
            WindowFuture<Integer, PduRequest, PduResponse> a = first.session.sendRequestPdu(one, 5000, false);
            WindowFuture<Integer, PduRequest, PduResponse> b = second.session.sendRequestPdu(two, 5000, false);
            assertTrue(a.await(5000) && b.await(5000));
            assertEquals(100 + round, a.getResponse().getSequenceNumber());
            assertEquals(100 + round, b.getResponse().getSequenceNumber());
            assertNotEquals(((SubmitSmResp) a.getResponse()).getMessageId(), ((SubmitSmResp) b.getResponse()).getMessageId());
        }
    }

    @Test
    void deliverSmFromTheSmscReachesTheEsmeAndItsResponseGoesBack() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        DeliverSm deliver = new DeliverSm();
        deliver.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
        deliver.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        deliver.setShortMessage("mobile originated".getBytes(StandardCharsets.ISO_8859_1));
        deliver.setSequenceNumber(777);

        WindowFuture<Integer, PduRequest, PduResponse> future = smsc.awaitSession().sendRequestPdu(deliver, 5000, false);
        assertTrue(future.await(5000), "the SMSC got an answer");
        PduResponse response = future.getResponse();
        assertInstanceOf(DeliverSmResp.class, response);
        assertEquals(0, response.getCommandStatus());
        assertEquals(777, response.getSequenceNumber());
        DeliverSm received = esme.awaitRequest(DeliverSm.class);
        assertEquals("mobile originated", new String(received.getShortMessage(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void enquireLinkIsAnsweredByTheBalancerItself() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        smsc.requests.clear();
        EnquireLinkResp response = esme.session.enquireLink(new EnquireLink(), 5000);
        assertEquals(0, response.getCommandStatus());
        Thread.sleep(300);
        assertTrue(smsc.requests.stream().noneMatch(EnquireLink.class::isInstance), "enquire_link not forwarded");
    }

    @Test
    void balancerProbesBothSidesWithEnquireLink() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()).enquireLinkInterval(200));
        TestEsme esme = this.esme();
        assertNotNull(smsc.awaitRequest(EnquireLink.class), "the SMSC is probed");
        assertNotNull(esme.awaitRequest(EnquireLink.class), "the ESME is probed");
        Thread.sleep(500);
        assertTrue(esme.session.isBound(), "answered probes keep the bind");
        assertEquals("smsc-a-1", esme.submit("still relayed").getMessageId());
    }

    @Test
    void unbindFromTheEsmeIsRelayedAndEndsBothSides() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        esme.session.unbind(5000);
        assertNotNull(smsc.awaitRequest(Unbind.class), "the SMSC got the unbind");
        eventually("ESME session closed", esme.session::isClosed);
        eventually("no bound ESME left", () -> this.statistics.activeConnections().value() == 0);
    }

    @Test
    void statisticsCountRelayedRequestsAndResponsesByCommandId() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        assertEquals(1, this.statistics.activeConnections().value());
        for (int i = 0; i < 3; i++) {
            esme.submit("counted " + i);
        }
        assertEquals(3, this.statistics.requestsByCommandId().get(SmppConstants.CMD_ID_SUBMIT_SM));
        assertEquals(3, this.statistics.responsesByCommandId().get(SmppConstants.CMD_ID_SUBMIT_SM_RESP));
        // the bind and three submits went up; the bind_resp and three responses came down
        assertEquals(4, this.statistics.requestsToServer());
        assertTrue(this.statistics.bytesToServer() > 3 * 16 && this.statistics.bytesToClient() > 3 * 16);
        assertEquals(0, this.statistics.requestsToClient());
        assertNull(esme.awaitRequest(DeliverSm.class, 100));
    }
}

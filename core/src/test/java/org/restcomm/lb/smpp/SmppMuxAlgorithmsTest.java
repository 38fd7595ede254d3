package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import org.junit.jupiter.api.Test;

/**
 * to-node-algorithm and to-provider-algorithm, the original's toNodeAlgorithmClass and toProviderAlgorithmClass, with
 * Cloudhopper ESMEs and SMSCs: submit-to-all, and active-standby in mux and regular mode.
 */
class SmppMuxAlgorithmsTest extends SmppTestBed {

    @Test
    void submitToAllGivesEveryReceivingEsmeEachMobileOriginatedMessageAndTheSmscOneAnswer() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()).mode(SmppMode.MUX).toNodeAlgorithm(SmppToNodeAlgorithm.SUBMIT_TO_ALL));
        TestEsme first = this.esme();
        TestEsme second = this.esme();
        TestEsme transmitter = this.esme(SmppBindType.TRANSMITTER, "esme", "secret");
        SmppServerSession upstream = smsc.awaitSession();
        eventually("all three bound", () -> this.statistics.activeConnections().value() == 3);

        for (int i = 0; i < 3; i++) {
            SmppMuxTest.deliver(upstream, SmppMuxTest.mo(i));
        }

        assertEquals(3, SmppMuxTest.count(first));
        assertEquals(3, SmppMuxTest.count(second));
        assertNull(transmitter.awaitRequest(DeliverSm.class, 300), "a transmitter bind receives nothing");
        Thread.sleep(300);
        assertEquals(0, smsc.acceptedDeliveries.get(), "the SMSC heard one answer per message, not one per ESME");
    }

    @Test
    void submitToAllStillSendsAReceiptOnlyToItsSubmitter() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()).mode(SmppMode.MUX).toNodeAlgorithm(SmppToNodeAlgorithm.SUBMIT_TO_ALL));
        TestEsme first = this.esme();
        TestEsme second = this.esme();
        String id = second.submit("from second").getMessageId();

        SmppMuxTest.deliver(smsc.awaitSession(), SmppMuxTest.receipt(id, true));

        assertNotNull(second.awaitRequest(DeliverSm.class), "the submitter gets its receipt");
        assertNull(first.awaitRequest(DeliverSm.class, 300));
    }

    @Test
    void activeStandbySendsEverySubmitToTheFirstSmscWhileItIsBoundAndBackToItOnceItRebinds() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.startBalancer(shortTimers(a.address(), b.address()).mode(SmppMode.MUX).toProviderAlgorithm(SmppToProviderAlgorithm.ACTIVE_STANDBY));
        TestEsme[] esmes = { this.esme(), this.esme() };
        SmppServerSession onA = a.awaitSession();
        assertNotNull(b.awaitSession(), "the standby is bound too");
        eventually("a serves", () -> esmes[0].submitReaches(a));

        for (int i = 0; i < 6; i++) {
            assertTrue(esmes[i % 2].submit("m" + i).getMessageId().startsWith("a-"), "the first SMSC takes every submit");
        }
        a.stop();
        eventually("the SMSC's session ended", () -> !onA.isBound());
        // the balancer sees its own session to a end a moment later: a submit in between is answered with an error
        eventually("the balancer noticed", () -> esmes[0].submitReaches(b));
        for (int i = 0; i < 4; i++) {
            SubmitSmResp response = esmes[i % 2].submit("while a is down");
            assertEquals(0, response.getCommandStatus());
            assertTrue(response.getMessageId().startsWith("b-"), response.getMessageId());
        }
        a.restart();
        eventually("a takes the submits again once rebound", () -> esmes[1].submitReaches(a), 15_000);
    }

    @Test
    void activeStandbyInRegularModeBindsEveryEsmeOnTheFirstSmscAndOnTheNextWhileItIsDown() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.startBalancer(shortTimers(a.address(), b.address()).toProviderAlgorithm(SmppToProviderAlgorithm.ACTIVE_STANDBY));
        for (int i = 0; i < 3; i++) {
            assertTrue(this.esme().submitReaches(a), "ESME " + i + " is bound through the first SMSC");
        }
        assertTrue(b.binds.isEmpty(), "no bind reached the standby");

        a.stop();
        TestEsme late = this.esme();
        assertTrue(late.submitReaches(b), "a bind while the first SMSC is down goes to the standby");
    }
}

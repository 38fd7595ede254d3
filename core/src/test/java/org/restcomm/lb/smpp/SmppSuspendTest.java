package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.SmppBindException;
import org.junit.jupiter.api.Test;

/** A suspended balancer refuses new binds while bound ESMEs keep working; the suspend completes when the last one unbinds. */
class SmppSuspendTest extends SmppTestBed {

    @Test
    void newBindsAreRefusedWhileABoundSessionCarriesOnUntilItUnbinds() throws Exception {
        TestSmsc smsc = this.smsc("smsc-a");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme bound = this.esme();
        assertEquals(1, this.intake.inFlight(), "a bound session is work in flight");

        CompletionStage<Void> drained = this.intake.stopAccepting();
        SmppBindException refused = assertThrows(SmppBindException.class, () -> this.esme());
        assertEquals(PduHeader.ESME_RBINDFAIL, refused.getBindResponse().getCommandStatus());

        SubmitSmResp answer = bound.session.submit(TestEsme.submitSm("while suspended"), 5000);
        assertEquals(0, answer.getCommandStatus(), "the bound ESME still reaches its SMSC");
        assertFalse(drained.toCompletableFuture().isDone(), "the bound session holds the suspend");

        bound.session.unbind(5000);
        drained.toCompletableFuture().get(5, TimeUnit.SECONDS);

        this.intake.resumeAccepting();
        assertTrue(this.esme().session.isBound(), "binds are taken again after resume");
    }
}

package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Deque;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import org.junit.jupiter.api.Test;

/** A figure, not a benchmark: submit_sm through the relay with a full window, every one answered OK. */
class SmppThroughputTest extends SmppTestBed {

    private static final int MESSAGES = 5000;

    @Test
    void fiveThousandSubmitsWithAFullWindowAreAllAnswered() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        esme.submit("warm-up");
        Deque<WindowFuture<Integer, PduRequest, PduResponse>> inFlight = new ArrayDeque<>();
        int answeredOk = 0;
        long start = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            if (inFlight.size() == SmppBalancerSettings.DEFAULT_WINDOW_SIZE) {
                answeredOk += answeredOk(inFlight.poll());
            }
            inFlight.add(esme.session.sendRequestPdu(TestEsme.submitSm("load " + i), 5000, false));
        }
        while (!inFlight.isEmpty()) {
            answeredOk += answeredOk(inFlight.poll());
        }
        long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        System.out.printf("SMPP relay: %d submit_sm in %d ms = %d/s (window %d, one ESME, one SMSC, loopback)%n",
                MESSAGES, millis, MESSAGES * 1000L / millis, SmppBalancerSettings.DEFAULT_WINDOW_SIZE);
        assertEquals(MESSAGES, answeredOk);
    }

    private static int answeredOk(WindowFuture<Integer, PduRequest, PduResponse> future) throws InterruptedException {
        return (future.await(5000) && future.getResponse().getCommandStatus() == 0) ? 1 : 0;
    }
}

package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.BindTransceiver;
import com.cloudhopper.smpp.pdu.EnquireLink;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import org.jboss.netty.buffer.ChannelBuffer;
import org.junit.jupiter.api.Test;

/**
 * client-check-timeout and server-check-timeout: a peer that leaves the balancer's enquire_link unanswered loses its
 * connection once the timeout has passed, not before.
 */
class SmppConnectionCheckTest extends SmppTestBed {

    private static final long PROBE_INTERVAL = 300;
    private static final long CHECK_TIMEOUT = 1500;
    /** Two shared cores: the balancer's timer ticks and the close can lag behind the deadline. */
    private static final long MARGIN = 3000;

    @Test
    void esmeLeavingEnquireLinkUnansweredIsClosedAfterClientCheckTimeout() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        // server-check-timeout longer than the test, so only the ESME side can expire
        this.startBalancer(shortTimers(smsc.address()).enquireLinkInterval(PROBE_INTERVAL).clientCheckTimeout(CHECK_TIMEOUT).serverCheckTimeout(60_000));
        try (RawSmppSocket esme = new RawSmppSocket(this.balancer.boundAddress())) {
            esme.write(bindTransceiver("silent-esme"));
            RawSmppSocket.Header bound = esme.read();
            assertEquals(SmppConstants.CMD_ID_BIND_TRANSCEIVER_RESP, bound.commandId());
            assertEquals(0, bound.status());

            RawSmppSocket.Header probe = esme.read();
            long probedAt = System.nanoTime();
            assertEquals(SmppConstants.CMD_ID_ENQUIRE_LINK, probe.commandId(), "the balancer probes the bound ESME");

            assertTrue(esme.closedByPeer(), "no enquire_link_resp: the balancer closes the ESME's connection");
            long closedAfter = (System.nanoTime() - probedAt) / 1_000_000;
            assertTrue(closedAfter >= CHECK_TIMEOUT - 100, "not before client-check-timeout: closed after " + closedAfter + " ms");
            assertTrue(closedAfter < CHECK_TIMEOUT + MARGIN, "within client-check-timeout: closed after " + closedAfter + " ms");
        }
        assertNotNull(smsc.awaitRequest(Unbind.class), "the dead ESME's upstream bind is ended");
        eventually("not counted as active", () -> this.statistics.activeConnections().value() == 0);
    }

    @Test
    void smscLeavingEnquireLinkUnansweredLosesItsBindAfterServerCheckTimeout() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()).enquireLinkInterval(PROBE_INTERVAL).serverCheckTimeout(CHECK_TIMEOUT).clientCheckTimeout(60_000));
        TestEsme esme = this.esme();
        assertNotNull(smsc.awaitBind());
        smsc.requests.clear();
        smsc.answerRequests = false;

        assertNotNull(smsc.awaitRequest(EnquireLink.class), "the balancer probes the SMSC");
        long probedAt = System.nanoTime();
        // a closed upstream connection sends the balancer binding again (the same SMSC is the only one)
        assertNotNull(smsc.binds.poll(CHECK_TIMEOUT + MARGIN, TimeUnit.MILLISECONDS),
                "no enquire_link_resp: the balancer drops the upstream connection and binds again");
        long reboundAfter = (System.nanoTime() - probedAt) / 1_000_000;
        assertTrue(reboundAfter >= CHECK_TIMEOUT - 100, "not before server-check-timeout: bound again after " + reboundAfter + " ms");

        smsc.answerRequests = true;
        eventually("the ESME is served through the new bind", () -> esme.submitReaches(smsc), 10_000);
    }

    private static byte[] bindTransceiver(String systemId) throws Exception {
        BindTransceiver bind = new BindTransceiver();
        bind.setSystemId(systemId);
        bind.setPassword("secret");
        bind.setSequenceNumber(1);
        ChannelBuffer encoded = new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(bind);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        return bytes;
    }
}

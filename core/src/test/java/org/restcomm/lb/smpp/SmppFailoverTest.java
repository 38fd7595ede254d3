package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.type.SmppBindException;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;

/** Several SMSCs: bind retries, response timeout, rebinding when one goes, the ESME unbound when none is left. */
class SmppFailoverTest extends SmppTestBed {

    private static final int ESME_RINVPASWD = 0x0E;
    private static final int ESME_RMSGQFUL = 0x14;

    @Test
    void bindTriesTheNextSmscWhenOneIsDownOrRefuses() throws Exception {
        InetSocketAddress nobodyListens = new InetSocketAddress("127.0.0.1", TestSmsc.freePort());
        TestSmsc refusing = this.smsc("refusing");
        refusing.bindStatus = ESME_RINVPASWD;
        TestSmsc accepting = this.smsc("accepting");
        this.startBalancer(shortTimers(nobodyListens, refusing.address(), accepting.address()));
        for (int i = 0; i < 3; i++) {
            TestEsme esme = this.esme();
            assertTrue(esme.session.isBound());
            assertEquals("accepting-" + (i + 1), esme.submit("after retries").getMessageId());
        }
        assertEquals(3, accepting.binds.size());
    }

    @Test
    void noSmscAnsweringGivesTheEsmeBindFail() throws Exception {
        InetSocketAddress nobodyListens = new InetSocketAddress("127.0.0.1", TestSmsc.freePort());
        this.startBalancer(shortTimers(nobodyListens));
        SmppBindException refused = assertThrows(SmppBindException.class, () -> this.esme());
        assertEquals(PduHeader.ESME_RBINDFAIL, refused.getBindResponse().getCommandStatus());
        assertEquals(0, this.statistics.activeConnections().value());
    }

    @Test
    void everySmscRefusingPassesTheLastStatusOn() throws Exception {
        TestSmsc refusing = this.smsc("refusing");
        refusing.bindStatus = ESME_RINVPASWD;
        this.startBalancer(shortTimers(refusing.address()));
        SmppBindException refused = assertThrows(SmppBindException.class, () -> this.esme());
        assertEquals(ESME_RINVPASWD, refused.getBindResponse().getCommandStatus());
    }

    @Test
    void silentSmscGetsTheEsmeASystemErrorAfterResponseTimeout() throws Exception {
        TestSmsc silent = this.smsc("silent");
        this.startBalancer(shortTimers(silent.address()).responseTimeout(300));
        TestEsme esme = this.esme();
        silent.answerRequests = false;
        long start = System.nanoTime();
        SubmitSmResp response = esme.submit("nobody answers");
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertEquals(PduHeader.ESME_RSYSERR, response.getCommandStatus());
        assertTrue(waited >= 250 && waited < 4000, "answered after about response-timeout, not " + waited + " ms");
    }

    @Test
    void stoppedSmscMakesTheBindMoveToTheOtherOneAndRequestsMeanwhileGetTheRebindingStatus() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.startBalancer(shortTimers(a.address(), b.address()).reconnectInterval(1500).rebindingStatus(ESME_RMSGQFUL));
        TestEsme esme = this.esme();
        String firstId = esme.submit("before").getMessageId();
        TestSmsc serving = firstId.startsWith("a-") ? a : b;
        TestSmsc other = (serving == a) ? b : a;

        serving.stop();
        int status = 0;
        long end = System.nanoTime() + 5_000_000_000L;
        while (status != ESME_RMSGQFUL && System.nanoTime() < end) {
            status = esme.submit("during rebind").getCommandStatus();
            Thread.sleep(20);
        }
        assertEquals(ESME_RMSGQFUL, status, "requests while rebinding get the configured status");
        assertNotNull(other.awaitBind(), "rebound to the other SMSC");
        eventually("relayed again", () -> esme.submitReaches(other));
        assertTrue(esme.session.isBound(), "the ESME never saw the failover");
    }

    @Test
    void lastSmscGoneUnbindsTheEsme() throws Exception {
        TestSmsc only = this.smsc("only");
        this.startBalancer(shortTimers(only.address()));
        TestEsme esme = this.esme();
        only.stop();
        this.assertUnboundByBalancer(esme);
    }

    @Test
    void esmeGoneUnbindsItsUpstreamBind() throws Exception {
        TestSmsc smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(smsc.address()));
        TestEsme esme = this.esme();
        SmppServerSession upstream = smsc.awaitSession();
        // the ESME vanishes without unbinding
        esme.session.close();
        assertNotNull(smsc.awaitRequest(Unbind.class), "the SMSC is told");
        eventually("upstream session closed", () -> !upstream.isBound());
    }

    @Test
    void updateRemoteServersMovesOnlyTheBindsOfRemovedSmscs() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        TestSmsc c = this.smsc("c");
        this.startBalancer(shortTimers(a.address(), b.address()));
        TestEsme first = this.esme();
        TestEsme second = this.esme();
        String firstServer = first.submit("x").getMessageId().substring(0, 1);
        String secondServer = second.submit("y").getMessageId().substring(0, 1);
        assertTrue(!firstServer.equals(secondServer), "round-robin spread the binds");
        TestEsme onA = firstServer.equals("a") ? first : second;
        TestEsme onB = (onA == first) ? second : first;
        SmppServerSession sessionOnA = a.awaitSession();

        this.balancer.updateRemoteServers(List.of(a.address(), c.address()));

        eventually("the bind on b moved to a or c", () -> {
            try {
                String id = onB.submit("moved").getMessageId();
                return id != null && !id.startsWith("b-");
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(sessionOnA.isBound(), "the bind on a was kept");
        assertTrue(a.requests.stream().noneMatch(Unbind.class::isInstance), "a never saw an unbind");
        assertTrue(onA.submit("kept").getMessageId().startsWith("a-"));
        assertTrue(onA.session.isBound() && onB.session.isBound());
    }

    @Test
    void nodeAdvertisingAnSmppPortJoinsTheSmscs() throws Exception {
        TestSmsc node = this.smsc("node");
        NodeRegistry registry = new NodeRegistry(java.time.Clock.systemUTC(), 60_000);
        registry.register(new NodeAdvertisement("node-host", "127.0.0.1",
                Map.of("smppPort", String.valueOf(node.address().getPort()), "sessionId", "s1", "version", "0")), NodeSource.STATIC);
        this.startBalancer(shortTimers(), registry);
        TestEsme esme = this.esme(SmppBindType.TRANSMITTER, "esme", "secret");
        assertEquals("node-1", esme.submit("via a node").getMessageId());
    }
}

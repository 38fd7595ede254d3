package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.Address;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;

/**
 * Mux mode: binds with one system_id share one upstream bind per SMSC; requests take turns over the SMSCs, receipts
 * find their submitter whichever SMSC sends them, MO messages take turns over the ESMEs.
 */
class SmppMuxTest extends SmppTestBed {

    private TestSmsc smsc;
    private TestEsme first;
    private TestEsme second;
    private SmppServerSession upstream;
    private TestSmsc a;
    private TestSmsc b;

    /** One SMSC, two ESMEs with one system_id. */
    private void bindTwoEsmesWithOneSystemId() throws Exception {
        this.smsc = this.smsc("smsc");
        this.startBalancer(shortTimers(this.smsc.address()).mode(SmppMode.MUX));
        this.first = this.esme();
        this.second = this.esme();
        this.upstream = this.smsc.awaitSession();
    }

    @Test
    void bindsWithOneSystemIdShareOneUpstreamBind() throws Exception {
        this.bindTwoEsmesWithOneSystemId();
        assertNotNull(this.smsc.awaitBind());
        Thread.sleep(200);
        assertTrue(this.smsc.binds.isEmpty(), "one upstream bind only");
        assertEquals(1, this.smsc.sessions.size());
        assertEquals(2, this.statistics.activeConnections().value());
    }

    @Test
    void receiptsReachTheBindThatSubmittedTheMessage() throws Exception {
        this.bindTwoEsmesWithOneSystemId();
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
        this.bindTwoEsmesWithOneSystemId();
        for (int i = 0; i < 4; i++) {
            this.deliver(mo(i));
        }
        assertEquals(2, count(this.first));
        assertEquals(2, count(this.second));
    }

    @Test
    void unbindOfOneEsmeKeepsTheSharedUpstreamBind() throws Exception {
        this.bindTwoEsmesWithOneSystemId();
        this.first.session.unbind(5000);
        Thread.sleep(200);
        assertTrue(this.upstream.isBound());
        assertTrue(this.smsc.requests.stream().noneMatch(Unbind.class::isInstance));
        assertEquals(0, this.second.submit("still shared").getCommandStatus());
        this.second.session.unbind(5000);
        assertNotNull(this.smsc.awaitRequest(Unbind.class), "the last one leaving unbinds upstream");
    }

    @Test
    void eachSmscSeesOneBindOfTheGroup() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        assertNotNull(this.a.awaitBind(), "a bind on a");
        assertNotNull(this.b.awaitBind(), "a bind on b");
        Thread.sleep(300);
        assertTrue(this.a.binds.isEmpty() && this.b.binds.isEmpty(), "one upstream bind per SMSC only");
        assertEquals(1, this.a.sessions.size());
        assertEquals(1, this.b.sessions.size());
        assertEquals(esmes.length, this.statistics.activeConnections().value());
    }

    @Test
    void submitsTakeTurnsOverTheSmscsAndEachAnswerReturnsToItsSender() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        int perEsme = 6;
        List<List<WindowFuture<Integer, PduRequest, PduResponse>>> sent = new ArrayList<>();
        for (TestEsme esme : esmes) {
            List<WindowFuture<Integer, PduRequest, PduResponse>> futures = new ArrayList<>();
            for (int i = 0; i < perEsme; i++) {
                futures.add(esme.session.sendRequestPdu(TestEsme.submitSm("m" + i), 5000, false));
            }
            sent.add(futures);
        }
        Map<String, Integer> bySmsc = new HashMap<>();
        for (List<WindowFuture<Integer, PduRequest, PduResponse>> futures : sent) {
            for (WindowFuture<Integer, PduRequest, PduResponse> future : futures) {
                assertTrue(future.await(5000), "answered");
                SubmitSmResp response = (SubmitSmResp) future.getResponse();
                assertEquals(0, response.getCommandStatus());
                assertEquals(future.getRequest().getSequenceNumber(), response.getSequenceNumber(), "under the sender's own sequence number");
                bySmsc.merge(response.getMessageId().substring(0, 1), 1, Integer::sum);
            }
        }
        assertEquals(esmes.length * perEsme, bySmsc.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(bySmsc.getOrDefault("a", 0) >= 6 && bySmsc.getOrDefault("b", 0) >= 6, "round robin over both SMSCs: " + bySmsc);
        assertEquals(bySmsc.get("a"), (Integer) countRequests(this.a, SubmitSm.class));
        assertEquals(bySmsc.get("b"), (Integer) countRequests(this.b, SubmitSm.class));
    }

    @Test
    void receiptFromEitherSmscReachesTheSubmitter() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        for (TestSmsc sender : List.of(this.a, this.b)) {
            String[] ids = new String[esmes.length];
            for (int i = 0; i < esmes.length; i++) {
                ids[i] = esmes[i].submit("from " + i).getMessageId();
            }
            // the messages went to both SMSCs; each receipt comes from one, the one that took it or the other
            for (int i = esmes.length - 1; i >= 0; i--) {
                deliver(sender.awaitSession(), receipt(ids[i], i % 2 == 0));
                DeliverSm received = esmes[i].awaitRequest(DeliverSm.class);
                assertNotNull(received, "receipt of " + ids[i] + " from " + sender.name + " at ESME " + i);
                for (int j = 0; j < esmes.length; j++) {
                    if (j != i) {
                        assertNull(esmes[j].awaitRequest(DeliverSm.class, 100), "nothing at ESME " + j);
                    }
                }
            }
        }
    }

    @Test
    void mobileOriginatedMessagesFromBothSmscsTakeTurnsOverTheEsmes() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        for (int i = 0; i < 6; i++) {
            deliver(((i % 2 == 0) ? this.a : this.b).awaitSession(), mo(i));
        }
        for (TestEsme esme : esmes) {
            assertEquals(2, count(esme));
        }
    }

    @Test
    void stoppedSmscLeavesTheOtherServingAndItsBindComesBackAfterItRestarts() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        SmppServerSession onA = this.a.awaitSession();
        this.a.stop();
        eventually("the balancer noticed", () -> !onA.isBound());
        Thread.sleep(300);
        for (int i = 0; i < 12; i++) {
            SubmitSmResp response = esmes[i % esmes.length].submit("while a is down");
            assertEquals(0, response.getCommandStatus(), "no error while b serves");
            assertTrue(response.getMessageId().startsWith("b-"), response.getMessageId());
        }
        this.a.binds.clear();
        this.a.restart();
        assertNotNull(this.a.awaitBind(), "rebound on a");
        eventually("a serves again", () -> esmes[0].submitReaches(this.a));
        for (TestEsme esme : esmes) {
            assertTrue(esme.session.isBound(), "the ESMEs never saw the failure");
        }
    }

    @Test
    void noSmscLeftUnbindsTheEsmes() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        this.a.stop();
        this.b.stop();
        this.assertUnboundByBalancer(esmes);
    }

    @Test
    void updateRemoteServersBindsTheGroupOnAddedSmscsAndUnbindsFromRemovedOnes() throws Exception {
        TestSmsc c = this.smsc("c");
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        assertNotNull(this.a.awaitBind());
        assertNotNull(this.b.awaitBind());

        this.balancer.updateRemoteServers(List.of(this.a.address(), this.b.address(), c.address()));
        assertNotNull(c.awaitBind(), "the group binds on the added SMSC");
        eventually("c serves", () -> esmes[1].submitReaches(c));
        Thread.sleep(200);
        assertTrue(c.binds.isEmpty(), "one bind on c");

        this.balancer.updateRemoteServers(List.of(this.a.address(), c.address()));
        assertNotNull(this.b.awaitRequest(Unbind.class), "the group unbinds from the removed SMSC");
        for (int i = 0; i < 6; i++) {
            SubmitSmResp response = esmes[i % esmes.length].submit("after b left");
            assertEquals(0, response.getCommandStatus());
            assertTrue(!response.getMessageId().startsWith("b-"), response.getMessageId());
        }
        assertTrue(this.a.requests.stream().noneMatch(Unbind.class::isInstance), "a kept");
    }

    @Test
    void nodeAdvertisingAnSmppPortGetsABindOfTheGroup() throws Exception {
        this.a = this.smsc("a");
        TestSmsc node = this.smsc("node");
        NodeRegistry registry = new NodeRegistry(java.time.Clock.systemUTC(), 60_000);
        this.startBalancer(shortTimers(this.a.address()).mode(SmppMode.MUX), registry);
        TestEsme esme = this.esme();
        this.esme();
        registry.register(new NodeAdvertisement("node-host", "127.0.0.1",
                Map.of("smppPort", String.valueOf(node.address().getPort()), "sessionId", "s1", "version", "0")), NodeSource.STATIC);
        assertNotNull(node.awaitBind(), "the group binds on the node");
        eventually("the node serves", () -> esme.submitReaches(node));
        Thread.sleep(200);
        assertTrue(node.binds.isEmpty(), "one bind on the node");
    }

    @Test
    void lastEsmeUnbindingUnbindsEveryBindOfTheGroup() throws Exception {
        TestEsme[] esmes = this.threeEsmesOnTwoSmscs();
        esmes[0].session.unbind(5000);
        esmes[1].session.unbind(5000);
        Thread.sleep(200);
        assertTrue(this.a.requests.stream().noneMatch(Unbind.class::isInstance) && this.b.requests.stream().noneMatch(Unbind.class::isInstance),
                "the group's binds stay while one ESME is left");
        assertEquals(0, esmes[2].submit("still served").getCommandStatus());
        esmes[2].session.unbind(5000);
        assertNotNull(this.a.awaitRequest(Unbind.class), "unbound from a");
        assertNotNull(this.b.awaitRequest(Unbind.class), "unbound from b");
        eventually("upstream sessions closed", () -> this.a.sessions.isEmpty() && this.b.sessions.isEmpty());
    }

    /** Two SMSCs, three ESMEs with one system_id, the group bound on both SMSCs. */
    private TestEsme[] threeEsmesOnTwoSmscs() throws Exception {
        if (this.a == null) {
            this.a = this.smsc("a");
        }
        this.b = this.smsc("b");
        this.startBalancer(shortTimers(this.a.address(), this.b.address()).mode(SmppMode.MUX));
        TestEsme[] esmes = { this.esme(), this.esme(), this.esme() };
        // the first bind_resp binds the ESMEs; the other one may still be on its way to the balancer
        Set<String> serving = ConcurrentHashMap.newKeySet();
        eventually("both SMSCs serve", () -> {
            try {
                serving.add(esmes[0].submit("probe").getMessageId().substring(0, 1));
            } catch (Exception e) {
                // not yet
            }
            return serving.size() == 2;
        });
        this.a.requests.clear();
        this.b.requests.clear();
        return esmes;
    }

    private void deliver(DeliverSm deliver) throws Exception {
        deliver(this.upstream, deliver);
    }

    static void deliver(SmppServerSession upstream, DeliverSm deliver) throws Exception {
        assertNotNull(upstream, "an upstream session");
        WindowFuture<Integer, PduRequest, PduResponse> future = upstream.sendRequestPdu(deliver, 5000, false);
        assertTrue(future.await(5000));
        assertEquals(0, future.getResponse().getCommandStatus());
    }

    static int count(TestEsme esme) throws InterruptedException {
        int count = 0;
        while (esme.awaitRequest(DeliverSm.class, 300) != null) {
            count++;
        }
        return count;
    }

    static DeliverSm mo(int i) throws Exception {
        DeliverSm mo = new DeliverSm();
        mo.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
        mo.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        mo.setShortMessage(("mo " + i).getBytes(StandardCharsets.ISO_8859_1));
        return mo;
    }

    private static int countRequests(TestSmsc smsc, Class<?> type) {
        return (int) smsc.requests.stream().filter(type::isInstance).count();
    }

    static DeliverSm receipt(String messageId, boolean asTlv) throws Exception {
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

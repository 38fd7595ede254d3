package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.DeliverSmResp;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.Address;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.smpp.RawSmppSocket;
import org.restcomm.lb.smpp.TestEsme;
import org.restcomm.lb.smpp.TestSmsc;

/** SMPP through the provisioned server: Cloudhopper ESMEs bind on 2776 and are relayed to Cloudhopper SMSCs configured with jboss-cli. */
public class SmppBalancingTestCase extends LoadBalancerTestCase {

    static final ModelNode SMPP = Operations.createAddress("subsystem", "load-balancer", "smpp", "default");
    static final InetSocketAddress BALANCER = new InetSocketAddress("127.0.0.1", 2776);
    private static final List<String> TIMERS = List.of("reconnect-interval", "bind-timeout", "response-timeout", "client-check-timeout", "server-check-timeout",
            "enquire-link-interval");
    private static final int ESME_RSYSERR = 0x08;
    private static final int GENERIC_NACK = 0x80000000;
    private static final int ESME_RINVCMDID = 0x03;

    private static DefaultSmppClient client;
    private final List<TestSmsc> smscs = new ArrayList<>();
    private final List<TestEsme> esmes = new ArrayList<>();
    private final List<String> outboundBindings = new ArrayList<>();

    @BeforeAll
    static void createClient() {
        client = new DefaultSmppClient();
    }

    @AfterAll
    static void destroyClient() {
        client.destroy();
    }

    @AfterEach
    void cleanUp() {
        this.esmes.forEach(esme -> esme.session.destroy());
        // /subsystem=load-balancer/smpp=default:undefine-attribute(name=remote-servers)
        this.management.success(Operations.createUndefineAttributeOperation(SMPP, "remote-servers"));
        for (String timer : TIMERS) {
            // /subsystem=load-balancer/smpp=default:undefine-attribute(name=reconnect-interval){allow-resource-service-restart=true}
            this.management.success(restarting(Operations.createUndefineAttributeOperation(SMPP, timer)));
        }
        for (String name : this.outboundBindings) {
            // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=smsc-a:remove{allow-resource-service-restart=true}
            this.management.success(restarting(Operations.createRemoveOperation(outboundBinding(name))));
        }
        this.smscs.forEach(smsc -> {
            smsc.stop();
            smsc.close();
        });
    }

    static ModelNode restarting(ModelNode operation) {
        operation.get("operation-headers", "allow-resource-service-restart").set(true);
        return operation;
    }

    static ModelNode outboundBinding(String name) {
        return Operations.createAddress("socket-binding-group", "standard-sockets", "remote-destination-outbound-socket-binding", name);
    }

    /** An SMSC in this JVM, known to the server as the outbound socket binding smsc-{@code name}. */
    private TestSmsc smsc(String name) throws Exception {
        TestSmsc smsc = TestSmsc.start(name);
        this.smscs.add(smsc);
        // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=smsc-a:add(host=127.0.0.1, port=<its port>)
        ModelNode add = Operations.createAddOperation(outboundBinding("smsc-" + name));
        add.get("host").set("127.0.0.1");
        add.get("port").set(smsc.address().getPort());
        this.management.success(add);
        this.outboundBindings.add("smsc-" + name);
        return smsc;
    }

    /** Timers short enough for a test on two shared cores. */
    private void shortTimers() {
        Map<String, Long> values = Map.of("reconnect-interval", 200L, "bind-timeout", 2000L, "response-timeout", 3000L,
                "client-check-timeout", 2000L, "server-check-timeout", 2000L);
        // batch, /subsystem=load-balancer/smpp=default:write-attribute(name=reconnect-interval, value=200), and so on,
        // run-batch --headers={allow-resource-service-restart=true}: the engine restarts once, no reload is asked for
        Operations.CompositeOperationBuilder batch = Operations.CompositeOperationBuilder.create();
        values.forEach((name, value) -> batch.addStep(Operations.createWriteAttributeOperation(SMPP, name, value)));
        ModelNode outcome = this.management.execute(restarting(batch.build().getOperation()));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);
    }

    private ModelNode remoteServers(String... names) {
        ModelNode list = new ModelNode().setEmptyList();
        for (String name : names) {
            list.add(name);
        }
        // /subsystem=load-balancer/smpp=default:write-attribute(name=remote-servers, value=[smsc-a, smsc-b])
        return this.management.write(SMPP, "remote-servers", list);
    }

    private TestEsme esme() throws Exception {
        TestEsme esme = TestEsme.bind(client, BALANCER, SmppBindType.TRANSCEIVER, "esme", "secret");
        this.esmes.add(esme);
        return esme;
    }

    /** A mobile-originated message, as an SMSC sends it. */
    private static DeliverSm deliverSm(String text) throws Exception {
        DeliverSm deliver = new DeliverSm();
        deliver.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
        deliver.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        deliver.setShortMessage(text.getBytes(StandardCharsets.ISO_8859_1));
        return deliver;
    }

    private long metric(String name) {
        // /subsystem=load-balancer:read-attribute(name=smpp-requests-to-server)
        return this.management.read(Management.SUBSYSTEM, name).asLong();
    }

    @Test
    void submitSmAndDeliverSmCrossTheBalancerBothWays() throws Exception {
        TestSmsc smsc = this.smsc("a");
        this.shortTimers();
        ModelNode outcome = this.remoteServers("smsc-a");
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);

        TestEsme esme = this.esme();
        assertTrue(esme.session.isBound(), "bound through the balancer");
        BaseBind<?> upstreamBind = smsc.awaitBind();
        assertNotNull(upstreamBind, "the balancer bound to the SMSC");
        assertEquals("esme", upstreamBind.getSystemId(), "with the ESME's credentials");

        SubmitSmResp response = esme.submit("hello smsc");
        assertEquals(0, response.getCommandStatus());
        assertEquals("a-1", response.getMessageId());
        SubmitSm relayed = smsc.awaitRequest(SubmitSm.class);
        assertNotNull(relayed, "the SMSC got the submit_sm");
        assertEquals("hello smsc", new String(relayed.getShortMessage(), StandardCharsets.ISO_8859_1));

        WindowFuture<Integer, PduRequest, PduResponse> future = smsc.awaitSession().sendRequestPdu(deliverSm("hello esme"), 5000, true);
        assertTrue(future.await(5000), "the SMSC got an answer");
        DeliverSmResp deliverResponse = (DeliverSmResp) future.getResponse();
        assertEquals(0, deliverResponse.getCommandStatus(), "the ESME's deliver_sm_resp came back to the SMSC");
        DeliverSm delivered = esme.awaitRequest(DeliverSm.class);
        assertNotNull(delivered, "the ESME got the deliver_sm");
        assertEquals("hello esme", new String(delivered.getShortMessage(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void trafficShowsInMetricsLbstatLbinfoAndTheMBean() throws Exception {
        TestSmsc smsc = this.smsc("s");
        this.remoteServers("smsc-s");
        long toServer = this.metric("smpp-requests-to-server");
        long bytesToServer = this.metric("smpp-bytes-to-server");
        long lbstatToServer = StatisticsPages.lbstat().getJsonNumber("NumberOfSmppRequestsToServer").longValue();

        TestEsme esme = this.esme();
        for (int i = 0; i < 3; i++) {
            assertEquals(0, esme.submit("counted " + i).getCommandStatus());
        }
        // bound ESMEs, as the original counted them
        Management.await("one active SMPP connection", 5000, () -> this.metric("smpp-active-connections") == 1);
        assertTrue(this.metric("smpp-requests-to-server") >= toServer + 4, "bind and three submit_sm counted");
        assertTrue(this.metric("smpp-bytes-to-server") > bytesToServer);
        JsonObject lbstat = StatisticsPages.lbstat();
        assertTrue(lbstat.getJsonNumber("NumberOfSmppRequestsToServer").longValue() >= lbstatToServer + 4, lbstat::toString);
        assertEquals(1, lbstat.getJsonNumber("NumberOfActiveSmppConnections").longValue(), lbstat::toString);
        assertTrue(JmxClient.read(this.managementClient, "NumberOfSmppRequestsToServer") >= lbstatToServer + 4);

        List<String> servers = StatisticsPages.lbinfo().getJsonArray("smppRemoteServers").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        assertEquals(List.of("127.0.0.1:" + smsc.address().getPort()), servers);
    }

    @Test
    void unknownCommandGetsGenericNackAndCountsAsMalformed() throws Exception {
        long malformed = this.metric("smpp-malformed-pdus");
        try (RawSmppSocket socket = new RawSmppSocket(BALANCER)) {
            socket.writeHeader(16, 0x0000ABCD, 0, 7);
            RawSmppSocket.Header nack = socket.read();
            assertEquals(GENERIC_NACK, nack.commandId());
            assertEquals(ESME_RINVCMDID, nack.status());
            assertEquals(7, nack.sequence());
        }
        assertEquals(malformed + 1, this.metric("smpp-malformed-pdus"));
    }

    @Test
    void timersSetThroughTheModelApply() throws Exception {
        TestSmsc a = this.smsc("a");
        this.shortTimers();
        // /subsystem=load-balancer/smpp=default:write-attribute(name=enquire-link-interval, value=300){allow-resource-service-restart=true}
        this.management.success(restarting(Operations.createWriteAttributeOperation(SMPP, "enquire-link-interval", 300L)));
        this.management.success(restarting(Operations.createWriteAttributeOperation(SMPP, "response-timeout", 500L)));
        this.management.success(restarting(Operations.createWriteAttributeOperation(SMPP, "bind-timeout", 500L)));
        this.remoteServers("smsc-a");
        TestEsme esme = this.esme();

        assertNotNull(a.awaitRequest(com.cloudhopper.smpp.pdu.EnquireLink.class), "enquire-link-interval: the SMSC is probed");
        assertNotNull(esme.awaitRequest(com.cloudhopper.smpp.pdu.EnquireLink.class), "enquire-link-interval: the ESME is probed");

        a.answerRequests = false;
        long start = System.nanoTime();
        SubmitSmResp late = esme.submit("nobody answers");
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ESME_RSYSERR, late.getCommandStatus(), "response-timeout answers ESME_RSYSERR");
        assertTrue(waited >= 400 && waited < 4000, "after about response-timeout, not " + waited + " ms");

        try (RawSmppSocket silent = new RawSmppSocket(BALANCER)) {
            assertTrue(silent.closedByPeer(), "bind-timeout: a connection that never binds is closed");
        }
    }

    @Test
    void muxModeSharesOneUpstreamBindPerSmsc() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.shortTimers();
        // /subsystem=load-balancer/smpp=default:write-attribute(name=mode, value=mux){allow-resource-service-restart=true}
        this.management.success(restarting(Operations.createWriteAttributeOperation(SMPP, "mode", "mux")));
        try {
            this.remoteServers("smsc-a", "smsc-b");
            TestEsme first = this.esme();
            TestEsme second = this.esme();
            TestEsme third = this.esme();
            java.util.Set<String> servedBy = new java.util.HashSet<>();
            for (TestEsme esme : List.of(first, second, third, first, second, third)) {
                servedBy.add(esme.submit("muxed").getMessageId().substring(0, 1));
            }
            assertEquals(java.util.Set.of("a", "b"), servedBy, "the group's submits take turns over both SMSCs");
            assertEquals(1, a.binds.size(), "three ESME binds, one upstream bind on smsc-a");
            assertEquals(1, b.binds.size(), "and one on smsc-b");
        } finally {
            this.esmes.forEach(esme -> esme.session.destroy());
            this.esmes.clear();
            this.management.success(restarting(Operations.createUndefineAttributeOperation(SMPP, "mode")));
        }
    }

    @Test
    void muxAlgorithmsSetThroughTheModelSendSubmitsToTheFirstSmscAndMobileOriginatedMessagesToEveryEsme() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.shortTimers();
        // batch: write-attribute mode=mux, to-provider-algorithm=active-standby, to-node-algorithm=submit-to-all, run-batch {allow-resource-service-restart=true}
        Operations.CompositeOperationBuilder batch = Operations.CompositeOperationBuilder.create();
        Map.of("mode", "mux", "to-provider-algorithm", "active-standby", "to-node-algorithm", "submit-to-all")
                .forEach((name, value) -> batch.addStep(Operations.createWriteAttributeOperation(SMPP, name, value)));
        this.management.success(restarting(batch.build().getOperation()));
        try {
            this.remoteServers("smsc-a", "smsc-b");
            TestEsme first = this.esme();
            TestEsme second = this.esme();
            com.cloudhopper.smpp.SmppServerSession fromB = b.awaitSession();
            assertNotNull(fromB, "the group is bound on the standby too");
            for (TestEsme esme : List.of(first, second, first, second)) {
                assertTrue(esme.submit("to the active SMSC").getMessageId().startsWith("a-"), "active-standby: smsc-a takes every submit");
            }
            WindowFuture<Integer, PduRequest, PduResponse> delivered = fromB.sendRequestPdu(deliverSm("to everyone"), 5000, false);
            assertTrue(delivered.await(5000) && delivered.getResponse().getCommandStatus() == 0, "smsc-b hears one answer");
            assertNotNull(first.awaitRequest(DeliverSm.class), "submit-to-all: the first ESME gets the message");
            assertNotNull(second.awaitRequest(DeliverSm.class), "and so does the second");
        } finally {
            this.esmes.forEach(esme -> esme.session.destroy());
            this.esmes.clear();
            Operations.CompositeOperationBuilder undefine = Operations.CompositeOperationBuilder.create();
            List.of("mode", "to-provider-algorithm", "to-node-algorithm").forEach(name -> undefine.addStep(Operations.createUndefineAttributeOperation(SMPP, name)));
            this.management.success(restarting(undefine.build().getOperation()));
        }
    }

    @Test
    void esmeRebindsToTheSecondSmscWhenTheFirstStops() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.shortTimers();
        this.management.success(Operations.createWriteAttributeOperation(SMPP, "remote-servers", new ModelNode().add("smsc-a").add("smsc-b")));
        TestEsme esme = this.esme();
        String first = esme.submit("before").getMessageId();
        TestSmsc serving = first.startsWith("a-") ? a : b;
        TestSmsc other = (serving == a) ? b : a;

        serving.stop();
        assertNotNull(other.awaitBind(), "rebound to the other SMSC");
        Management.await("submit_sm relayed to " + other.name, 10_000, () -> esme.submitReaches(other));
        assertTrue(esme.session.isBound(), "the ESME never saw the failover");
    }

    @Test
    void remoteServersChangeLiveAndKeepBindsOnServersStillListed() throws Exception {
        TestSmsc a = this.smsc("a");
        TestSmsc b = this.smsc("b");
        this.shortTimers();
        this.remoteServers("smsc-a");
        TestEsme esme = this.esme();
        assertEquals("a-1", esme.submit("on a").getMessageId());

        ModelNode outcome = this.remoteServers("smsc-a", "smsc-b");
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertEquals("a-2", esme.submit("still on a").getMessageId(), "the bind on smsc-a stayed");
        assertEquals(1, a.binds.size(), "no rebind on smsc-a");

        this.remoteServers("smsc-b");
        assertNotNull(b.awaitBind(), "the ESME of the removed SMSC rebinds on smsc-b");
        Management.await("submit_sm relayed to b", 10_000, () -> esme.submitReaches(b));
    }

    @Test
    void badValuesAreRefusedNamingTheAttributeAndChangeNothing() {
        Map<String, ModelNode> bad = Map.of(
                "window-size", new ModelNode(0),
                "bind-timeout", new ModelNode(-5L),
                "response-timeout", new ModelNode(0L),
                "rebinding-status", new ModelNode(0),
                "mode", new ModelNode("fast"));
        bad.forEach((attribute, value) -> {
            ModelNode before = this.management.read(SMPP, attribute);
            // /subsystem=load-balancer/smpp=default:write-attribute(name=window-size, value=0)
            ModelNode outcome = this.management.write(SMPP, attribute, value);
            assertFalse(Operations.isSuccessfulOutcome(outcome), attribute + "=" + value + " was accepted");
            String failure = Operations.getFailureDescription(outcome).asString();
            assertTrue(failure.contains(attribute), failure);
            assertEquals(before, this.management.read(SMPP, attribute), attribute + " unchanged");
        });
        ModelNode outcome = this.remoteServers("no-such-binding");
        assertFalse(Operations.isSuccessfulOutcome(outcome), "a dangling outbound-socket-binding was accepted");
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("no-such-binding"), outcome::toString);
        assertFalse(this.management.read(SMPP, "remote-servers").isDefined(), "remote-servers unchanged");
    }

    @Test
    void nodeHeartbeatingAnSmppPortBecomesAnUpstream() throws Exception {
        TestSmsc smsc = TestSmsc.start("node");
        this.smscs.add(smsc);
        long sessionId = System.nanoTime();
        Map<String, String> node = Map.of("hostName", "smpp-node", "ip", "127.0.0.1", "smppPort", Integer.toString(smsc.address().getPort()),
                "version", "0", "sessionId", Long.toString(sessionId));
        assertEquals(200, this.heartbeats.start(node).status());
        try {
            TestEsme esme = this.esme();
            assertNotNull(smsc.awaitBind(), "the node's SMSC got the bind");
            assertEquals("node-1", esme.submit("to the node").getMessageId());
        } finally {
            this.heartbeats.command("stop", sessionId);
        }
    }
}

package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

import javax.sip.header.Header;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.node.NodeState;
import org.restcomm.lb.node.StaticNodes;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** A call through the SIP engine on UDP, client and node on bare sockets: what each side sees on the wire. */
class SipForwardingTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int external;
    private int internal;
    private UdpPeer client;
    private UdpPeer node;

    @BeforeEach
    void start() throws Exception {
        this.external = freeUdpPort();
        this.internal = freeUdpPort();
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.registry.addListener(this.algorithm);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external)),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal)))),
                this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
        this.balancer.start();
        this.client = new UdpPeer();
        this.node = new UdpPeer();
    }

    @AfterEach
    void stop() {
        this.client.close();
        this.node.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void callFlowsThroughWithTwoViasTwoRecordRoutesAndRouteHints() throws Exception {
        this.registerNode("3");
        this.client.send(invite("call-flow-1", 70), this.external);

        SIPResponse trying = (SIPResponse) this.client.receive();
        assertEquals(100, trying.getStatusCode(), "100 Trying at once");

        SIPRequest invite = (SIPRequest) this.node.receive();
        List<String> vias = values(invite, Via.NAME);
        assertEquals(3, vias.size(), "the balancer's internal and external Vias above the client's: " + vias);
        Via internalVia = (Via) invite.getViaHeaders().getFirst();
        assertEquals(this.internal, internalVia.getPort());
        assertEquals("z9hG4bK-c1call-zsd_3", internalVia.getBranch(), "client branch + Call-ID prefix + side marker + node version");
        assertEquals("z9hG4bK-c1call-_3", ((Via) invite.getViaHeaders().get(1)).getBranch());
        assertEquals(69, invite.getMaxForwards().getMaxForwards());
        List<String> recordRoutes = values(invite, "Record-Route");
        assertEquals(2, recordRoutes.size());
        assertTrue(recordRoutes.get(0).contains(":" + this.internal + ";node_host=127.0.0.1;node_port=" + this.node.port() + ";version=3;lr"), recordRoutes.get(0));
        assertTrue(recordRoutes.get(1).contains(":" + this.external + ";node_host=127.0.0.1;node_port=" + this.node.port()), recordRoutes.get(1));

        this.node.send(ok(invite, "b1"), this.internal);
        SIPResponse ok = (SIPResponse) this.client.receive();
        assertEquals(200, ok.getStatusCode());
        assertEquals(List.of("Via: SIP/2.0/UDP 127.0.0.1:" + this.client.port() + ";branch=z9hG4bK-c1"), values(ok, Via.NAME), "only the client's Via is left");

        // the client routes by the Record-Route set, reversed
        this.client.send(inDialog("ACK", "call-flow-1", 1, reversed(recordRoutes)), this.external);
        SIPRequest ack = (SIPRequest) this.node.receive();
        assertEquals("ACK", ack.getMethod());
        assertTrue(values(ack, "Route").isEmpty(), "the balancer removes its own Route entries");

        // the node's BYE goes back to the client
        this.node.send(byeFromNode(recordRoutes), this.internal);
        SIPRequest bye = (SIPRequest) this.client.receive();
        assertEquals("BYE", bye.getMethod());
        assertEquals(3, values(bye, Via.NAME).size());
        this.client.send(ok(bye, null), this.external);
        assertEquals(200, ((SIPResponse) this.node.receive()).getStatusCode());

        assertEquals(3, this.statistics.sip().requestsProcessed());
        assertEquals(1, this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow().callsAssigned(), "the node shows its call");
        assertEquals(1, this.statistics.sip().requestsByMethod().get("INVITE"));
        // the client's INVITE and ACK and the node's 200 are byte-spliced; the node's BYE and the client's 200 take the full parse
        this.assertFastPathRelayed(3, "messages relayed by the UDP fast path");
    }

    @Test
    void aRouteSetInOneCommaSeparatedLineTakesTheFastPathAndAForeignHopAfterItStays() throws Exception {
        this.registerNode("3");
        this.client.send(invite("one-line-routes", 70), this.external);
        assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
        SIPRequest invite = (SIPRequest) this.node.receive();
        List<String> recordRoutes = values(invite, "Record-Route");
        this.node.send(ok(invite, "b1"), this.internal);
        assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode());
        List<String> uris = reversed(recordRoutes).stream().map(line -> line.substring(line.indexOf('<'), line.lastIndexOf('>') + 1)).toList();

        // Route: <balancer external>, <balancer internal>: what sipp's [routes] and most user agents send
        this.client.send(inDialog("ACK", "one-line-routes", 1, List.of("Route: " + String.join(", ", uris))), this.external);
        SIPRequest ack = (SIPRequest) this.node.receive();
        assertEquals("ACK", ack.getMethod());
        assertTrue(values(ack, "Route").isEmpty(), "both of the balancer's entries are removed: " + values(ack, "Route"));
        // the INVITE, the node's 200 and this ACK
        this.assertFastPathRelayed(3, "the one-line route set took the fast path");

        // a hop after the balancer's entries in the same line stays, for the node to route by
        this.client.send(inDialog("BYE", "one-line-routes", 2, List.of("Route: " + String.join(", ", uris) + ", \"next, hop\" <sip:10.0.0.9:5070;lr>")),
                this.external);
        SIPRequest bye = (SIPRequest) this.node.receive();
        assertEquals("BYE", bye.getMethod());
        List<String> routes = values(bye, "Route");
        assertEquals(1, routes.size(), routes::toString);
        assertTrue(routes.get(0).contains("<sip:10.0.0.9:5070;lr>") && !routes.get(0).contains(":" + this.external), routes.get(0));
    }

    @Test
    void aNodesAnswerWithItsViasInOneLineTakesTheFastPathAndKeepsTheViasAfterTheBalancers() throws Exception {
        this.registerNode("3");
        this.client.send(invite("one-line-vias", 70), this.external);
        assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
        SIPRequest invite = (SIPRequest) this.node.receive();
        List<String> vias = values(invite, Via.NAME).stream().map(via -> via.substring("Via: ".length())).toList();
        String upstream = "SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bK-upstream;received=10.0.0.9";

        // as sipp's [last_Via:] writes them: every Via of the request in one line, here with a hop above the client's
        String ok = ok(invite, "b1").replaceAll("Via: [^\n]*\n", "");
        ok = ok.replace("SIP/2.0 200 OK\n", "SIP/2.0 200 OK\nVia: " + String.join(", ", vias) + ", " + upstream + "\n");
        this.node.send(ok, this.internal);

        SIPResponse answer = (SIPResponse) this.client.receive();
        assertEquals(200, answer.getStatusCode());
        List<String> left = new ArrayList<>();
        answer.getViaHeaders().forEach(via -> left.add(via.encode().trim()));
        assertEquals(List.of("Via: SIP/2.0/UDP 127.0.0.1:" + this.client.port() + ";branch=z9hG4bK-c1", "Via: " + upstream), left,
                "the balancer's two entries are cut from the line, the client's and the hop after it stay in order");
        // the INVITE and this 200
        this.assertFastPathRelayed(2, "the one-line Vias took the fast path");
    }

    @Test
    void compactHeadersAndABodyPassTheFastPathIntact() throws Exception {
        this.registerNode("1");
        String body = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\n";
        this.client.send("""
                INVITE sip:bob@127.0.0.1:%d SIP/2.0
                v: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-compact
                Max-Forwards: 70
                f: <sip:alice@127.0.0.1>;tag=a1
                t: <sip:bob@127.0.0.1>
                i: compact-1
                CSeq: 1 INVITE
                m: <sip:alice@127.0.0.1:%d>
                c: application/sdp
                l: %d

                %s""".formatted(this.external, this.client.port(), this.client.port(), body.replace("\n", "\r\n").length(), body), this.external);

        SIPRequest invite = (SIPRequest) this.node.receive();
        assertEquals("compact-1", invite.getCallId().getCallId());
        assertEquals(3, values(invite, Via.NAME).size());
        assertEquals(2, values(invite, "Record-Route").size());
        assertEquals(body.replace("\n", "\r\n"), new String(invite.getRawContent(), java.nio.charset.StandardCharsets.UTF_8), "the body is untouched");
        assertEquals("127.0.0.1", String.valueOf(invite.getHeader(SipRules.INITIAL_REMOTE_ADDR)).split(":")[1].trim());
        this.assertFastPathRelayed(1, "the INVITE took the fast path");
    }

    @Test
    void clientAskingForRportGetsItsAnswerAtItsSourcePort() throws Exception {
        this.registerNode("1");
        // the client claims port 9 but asks for rport: answers must go where its datagram came from (RFC 3581)
        this.client.send(invite("rport-1", 70).replace("Via: SIP/2.0/UDP 127.0.0.1:" + this.client.port() + ";branch=z9hG4bK-c1",
                "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-c1;rport"), this.external);

        SIPResponse trying = (SIPResponse) this.client.receive();
        assertEquals(100, trying.getStatusCode(), "the 100 Trying reached the source port");
        SIPRequest invite = (SIPRequest) this.node.receive();
        Via clientVia = (Via) invite.getViaHeaders().get(2);
        assertEquals(this.client.port(), clientVia.getRPort(), "rport filled in");
        assertEquals("127.0.0.1", clientVia.getReceived());

        this.node.send(ok(invite, "b1"), this.internal);
        SIPResponse ok = (SIPResponse) this.client.receive();
        assertEquals(200, ok.getStatusCode(), "the 200 followed received/rport, not the port in sent-by");
    }

    @Test
    void ackIsNeverAnsweredWithAnError() throws Exception {
        this.client.send(inDialog("ACK", "orphan-ack", 1, List.of()), this.external);

        assertNull(this.client.receive(500), "no node, and still no answer to an ACK");
    }

    @Test
    void cancelFollowsItsInvite() throws Exception {
        this.registerNode("1");
        try (UdpPeer other = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("other", "127.0.0.1", Map.of("udpPort", Integer.toString(other.port()), "sessionId", "n2")), NodeSource.HTTP);
            this.client.send(invite("cancelled-1", 70), this.external);
            this.client.receive();
            SIPMessage invite = this.node.receive(1000);
            UdpPeer inviteNode = (invite != null) ? this.node : other;
            if (invite == null) {
                other.receive();
            }

            this.client.send(invite("cancelled-1", 70).replace("INVITE sip", "CANCEL sip").replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL"), this.external);

            assertEquals("CANCEL", ((SIPRequest) inviteNode.receive()).getMethod(), "the CANCEL reaches the node of its INVITE");
        }
    }

    @Test
    void noNodeIsAnswered503() throws Exception {
        this.client.send(invite("no-node", 70), this.external);

        SIPResponse response = (SIPResponse) this.client.receive();

        assertEquals(503, response.getStatusCode());
    }

    @Test
    void behaviourChangesApplyWithoutRestart() throws Exception {
        this.balancer.reconfigure(new SipBalancerSettings(List.of(), false, 480, "Temporarily Unavailable", List.of(), Map.of(),
                SipBalancerSettings.BadNodeDetection.DEFAULT, SipBalancerSettings.FailureAnswer.NONE));

        this.client.send(invite("reconfigured", 70), this.external);

        SIPResponse response = (SIPResponse) this.client.receive();
        assertEquals(480, response.getStatusCode(), "no 100 Trying any more, and the new no-node answer");
        assertEquals("Temporarily Unavailable", response.getReasonPhrase());
    }

    @Test
    void forwardingFailureIsAnsweredWithTheConfiguredStatusAndReason() throws Exception {
        this.balancer.reconfigure(new SipBalancerSettings(List.of(), false, 503, "Service Unavailable", List.of(), Map.of(),
                SipBalancerSettings.BadNodeDetection.DEFAULT, new SipBalancerSettings.FailureAnswer(502, "Node unreachable")));
        // a node whose address cannot be resolved: the send fails
        this.registry.register(new NodeAdvertisement("lost", "no-such-node.invalid", Map.of("udpPort", "5080", "sessionId", "lost")), NodeSource.HTTP);

        this.client.send(invite("unreachable", 70), this.external);

        SIPResponse response = (SIPResponse) this.client.receive();
        assertEquals(502, response.getStatusCode());
        assertTrue(String.valueOf(response.getHeader("Reason")).contains("cause=502"), String.valueOf(response.getHeader("Reason")));
    }

    @Test
    void exhaustedMaxForwardsIsAnswered483AndNotForwarded() throws Exception {
        this.registerNode("1");
        this.client.send(invite("loop", 0), this.external);

        assertEquals(483, ((SIPResponse) this.client.receive()).getStatusCode());
        assertNull(this.node.receive(300));
    }

    @Test
    void optionsHeartbeatOnTheInternalSideRegistersTheNode() throws Exception {
        this.node.send("""
                OPTIONS sip:127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-hb1
                Max-Forwards: 70
                From: <sip:heartbeat@127.0.0.1>;tag=hb
                To: <sip:127.0.0.1:%d>
                Call-ID: hb-1
                CSeq: 1 OPTIONS
                Mobicents-Heartbeat: 1
                Content-Type: text/plain
                Content-Length: %d

                %s""".formatted(this.internal, this.node.port(), this.internal, heartbeatBody().length(), heartbeatBody()), this.internal);

        assertEquals(200, ((SIPResponse) this.node.receive()).getStatusCode());
        var registered = this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow();
        assertEquals(NodeSource.SIP, registered.source());
        assertEquals("sipHeartbeat", registered.hostName());
        assertEquals("5", registered.version());
    }

    @Test
    void infoHeartbeatOnTheInternalSideRegistersTheNodeWhichThenTakesCalls() throws Exception {
        // on the external side the same INFO is a client's request like any other: no node yet to take it
        this.client.send(this.infoHeartbeat(this.external, this.client.port()), this.external);
        assertEquals(503, ((SIPResponse) this.client.receive()).getStatusCode());
        assertTrue(this.registry.nodes().isEmpty(), "a heartbeat counts only on the internal side");

        this.node.send(this.infoHeartbeat(this.internal, this.node.port()), this.internal);
        assertEquals(200, ((SIPResponse) this.node.receive()).getStatusCode());
        var registered = this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow();
        assertEquals(NodeSource.SIP, registered.source());
        assertEquals("5", registered.version());

        this.client.send(invite("after-info-heartbeat", 70), this.external);
        assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
        assertEquals("after-info-heartbeat", ((SIPRequest) this.node.receive()).getCallId().getCallId(), "the INFO-registered node takes the call");
    }

    /** The original's Sip Servlets nodes may beat by INFO too, here with the Restcomm-Heartbeat header. */
    private String infoHeartbeat(int balancerPort, int fromPort) {
        return """
                INFO sip:127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-info%d
                Max-Forwards: 70
                From: <sip:heartbeat@127.0.0.1>;tag=hb
                To: <sip:127.0.0.1:%d>
                Call-ID: info-hb-%d
                CSeq: 1 INFO
                Restcomm-Heartbeat: 1
                Content-Type: text/plain
                Content-Length: %d

                %s""".formatted(balancerPort, fromPort, balancerPort, balancerPort, balancerPort, heartbeatBody().length(), heartbeatBody());
    }

    @Test
    void scannersAreDropped() throws Exception {
        this.registerNode("1");
        this.client.send(invite("scan", 70).replace("Max-Forwards: 70", "Max-Forwards: 70\nUser-Agent: friendly-scanner"), this.external);

        assertNull(this.client.receive(300));
        assertNull(this.node.receive(300));
    }

    @Test
    void scannersAreKnownByFromAndToInAnyCase() throws Exception {
        this.registerNode("1");
        this.client.send(invite("scan-from", 70).replace("From: <sip:alice", "From: \"SIPVicious\" <sip:alice"), this.external);
        this.client.send(invite("scan-to", 70).replace("To: <sip:bob", "To: <sip:Friendly-Scanner"), this.external);
        // lower case maps the dotted capital I onto an i and a dot: the text comparison finds sipcli there
        this.client.send(invite("scan-dotted-i", 70).replace("To: <sip:bob", "To: <sip:SIPCL\u0130"), this.external);
        this.client.send(invite("not-a-scanner", 70), this.external);

        assertEquals("not-a-scanner", ((SIPRequest) this.node.receive()).getCallId().getCallId(), "the scanners' INVITEs never reach the node");
        assertNull(this.node.receive(300));
    }

    @Test
    void inDialogRequestOfALostNodeFailsOverToALiveOne() throws Exception {
        this.registerNode("1");
        this.client.send(invite("failover-1", 70), this.external);
        this.client.receive();
        SIPRequest invite = (SIPRequest) this.node.receive();
        List<String> recordRoutes = values(invite, "Record-Route");
        try (UdpPeer survivor = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("survivor", "127.0.0.1",
                    Map.of("udpPort", Integer.toString(survivor.port()), "version", "1", "sessionId", "n2")), NodeSource.HTTP);
            this.registry.removeNode("127.0.0.1:" + this.node.port(), "killed mid-call");

            this.client.send(inDialog("BYE", "failover-1", 2, reversed(recordRoutes)), this.external);

            SIPRequest bye = (SIPRequest) survivor.receive();
            assertEquals("BYE", bye.getMethod(), "the BYE reaches a live node");
            assertNull(this.node.receive(200));
        }
    }

    @Test
    void drainingNodeKeepsItsDialogAndGetsNoNewCalls() throws Exception {
        this.registerNode("1");
        this.client.send(invite("drain-1", 70), this.external);
        this.client.receive();
        List<String> recordRoutes = values((SIPRequest) this.node.receive(), "Record-Route");
        try (UdpPeer other = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("other", "127.0.0.1",
                    Map.of("udpPort", Integer.toString(other.port()), "version", "1", "sessionId", "n2")), NodeSource.HTTP);
            this.registry.drain("127.0.0.1:" + this.node.port());

            this.client.send(inDialog("BYE", "drain-1", 2, reversed(recordRoutes)), this.external);
            assertEquals("BYE", ((SIPRequest) this.node.receive()).getMethod(), "the dialog stays on the draining node");

            this.client.send(invite("drain-2", 70), this.external);
            this.client.receive();
            assertEquals("INVITE", ((SIPRequest) other.receive()).getMethod(), "new calls go elsewhere");
        }
    }

    @Test
    void serverInitiatedRequestWithRouteHintReachesTheClient() throws Exception {
        this.registerNode("2");
        String hint = "Route: <sip:127.0.0.1:" + this.internal + ";node_host=127.0.0.1;node_port=" + this.node.port() + ";lr>\n";
        this.node.send("""
                INVITE sip:alice@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-srv1
                Max-Forwards: 70
                %sFrom: <sip:app@127.0.0.1>;tag=s1
                To: <sip:alice@127.0.0.1>
                Call-ID: server-initiated-1
                CSeq: 1 INVITE
                Contact: <sip:app@127.0.0.1:%d>
                Content-Length: 0

                """.formatted(this.client.port(), this.node.port(), hint, this.node.port()), this.internal);

        SIPRequest invite = (SIPRequest) this.client.receive();
        assertTrue(values(invite, "Route").isEmpty(), "the balancer's Route is consumed");
        assertEquals(3, values(invite, Via.NAME).size());
        assertEquals(this.external, ((Via) invite.getViaHeaders().getFirst()).getPort(), "it leaves by the external side");
        List<String> recordRoutes = values(invite, "Record-Route");
        assertEquals(2, recordRoutes.size());
        assertTrue(recordRoutes.get(0).contains(":" + this.external + ";node_host=127.0.0.1;node_port=" + this.node.port()), recordRoutes.get(0));

        // the client's answer comes back to the node, and so does its next in-dialog request (Call-ID affinity learnt)
        this.client.send(ok(invite, "c1"), this.external);
        assertEquals(200, ((SIPResponse) this.node.receive()).getStatusCode());
    }

    @Test
    void ringingFailoverAnAnswerToALostNodesRequestReachesALiveNode() throws Exception {
        this.registerNode("2");
        this.node.send("""
                INVITE sip:alice@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-srv2
                Max-Forwards: 70
                From: <sip:app@127.0.0.1>;tag=s2
                To: <sip:alice@127.0.0.1>
                Call-ID: ringing-failover-1
                CSeq: 1 INVITE
                Contact: <sip:app@127.0.0.1:%d>
                Content-Length: 0

                """.formatted(this.client.port(), this.node.port(), this.node.port()), this.internal);
        SIPRequest invite = (SIPRequest) this.client.receive();
        try (UdpPeer survivor = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("survivor", "127.0.0.1",
                    Map.of("udpPort", Integer.toString(survivor.port()), "version", "2", "sessionId", "n2")), NodeSource.HTTP);
            this.registry.removeNode("127.0.0.1:" + this.node.port(), "died while the client's phone rang");

            // the client's 180 and 200 name the lost node in their last Via: both reach the survivor instead
            this.client.send(ok(invite, "c2").replace("200 OK", "180 Ringing"), this.external);
            SIPResponse ringing = (SIPResponse) survivor.receive();
            assertEquals(180, ringing.getStatusCode());
            Via nodeVia = (Via) ringing.getViaHeaders().getFirst();
            assertEquals(List.of(1, survivor.port()), List.of(ringing.getViaHeaders().size(), nodeVia.getPort()), "only the node's Via is left, now naming the survivor");
            this.client.send(ok(invite, "c2"), this.external);
            assertEquals(200, ((SIPResponse) survivor.receive()).getStatusCode());
            assertNull(this.node.receive(200), "nothing goes to the lost node's address");
        }
    }

    @Test
    void answerToALostNodesRequestIsDroppedWhenNoNodeIsLeft() throws Exception {
        this.registerNode("2");
        this.node.send("""
                OPTIONS sip:alice@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-srv3
                Max-Forwards: 70
                From: <sip:app@127.0.0.1>;tag=s3
                To: <sip:alice@127.0.0.1>
                Call-ID: ringing-failover-2
                CSeq: 1 OPTIONS
                Content-Length: 0

                """.formatted(this.client.port(), this.node.port()), this.internal);
        SIPRequest options = (SIPRequest) this.client.receive();
        this.registry.removeNode("127.0.0.1:" + this.node.port(), "gone");
        this.client.send(ok(options, "c3"), this.external);
        assertNull(this.node.receive(500), "with no node left the answer goes nowhere");
    }

    @Test
    void registerCarriesTheInitialRemoteAddressAndNodesLoseIt() throws Exception {
        this.registerNode("1");
        this.client.send("""
                REGISTER sip:127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-r1
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=r1
                To: <sip:alice@127.0.0.1>
                Call-ID: register-1
                CSeq: 1 REGISTER
                Contact: <sip:alice@127.0.0.1:%d>
                Content-Length: 0

                """.formatted(this.external, this.client.port(), this.client.port()), this.external);

        SIPRequest register = (SIPRequest) this.node.receive();
        assertEquals("127.0.0.1", register.getHeader("X-Sip-Balancer-InitialRemoteAddr").toString().split(":", 2)[1].trim());
        assertEquals(Integer.toString(this.client.port()), register.getHeader("X-Sip-Balancer-InitialRemotePort").toString().split(":", 2)[1].trim());
    }

    @Test
    void garbageIsDroppedAndTheNextCallStillFlows() throws Exception {
        this.registerNode("1");
        this.client.send("this is not SIP at all\n\n", this.external);
        this.client.send("INVITE sip:x SIP/2.0\nVia: broken\nContent-Length: 99999\n\n", this.external);
        this.client.send("INVITE sip:x@127.0.0.1 SIP/2.0\nX-Huge: " + "A".repeat(64_000) + "\n\n", this.external);
        this.client.send("\u0000\u0001 not sip", this.external);
        this.client.send("INVITE sip:x SIP/2.0\r\nVia: ???\r\n\r\n", this.external);
        // a CRLF keep-alive is not garbage
        this.client.send("\r\n\r\n", this.external);

        this.client.send(invite("after-garbage", 70), this.external);

        SIPMessage first = this.client.receive();
        while (first instanceof SIPResponse response && response.getStatusCode() == 400) {
            first = this.client.receive();
        }
        assertEquals(100, ((SIPResponse) first).getStatusCode());
        assertEquals("INVITE", ((SIPRequest) this.node.receive()).getMethod());
        assertEquals(5, this.statistics.sip().malformedMessages(), "each piece of garbage counted, the keep-alive not");
    }

    @Test
    void ipLoadBalancerAddressIsWhatRecordRouteAdvertisesAndViaOnlyWhenAsked() throws Exception {
        SIPRequest invite = this.inviteThroughIpLoadBalancer(false, "ip-lb-own-via");
        Via own = (Via) invite.getViaHeaders().get(1);
        assertEquals("127.0.0.1", own.getHost(), "Via names the balancer itself, so answers come straight back");
        assertEquals(this.external, own.getPort());
        assertTrue(values(invite, "Record-Route").get(1).contains("sip:203.0.113.7:5999;node_host="), values(invite, "Record-Route").get(1));

        invite = this.inviteThroughIpLoadBalancer(true, "ip-lb-1");
        Via external = (Via) invite.getViaHeaders().get(1);
        assertEquals("203.0.113.7", external.getHost());
        assertEquals(5999, external.getPort());
        assertTrue(values(invite, "Record-Route").get(1).contains("sip:203.0.113.7:5999;node_host="), values(invite, "Record-Route").get(1));
        // the node's answer still finds its way: the advertised address is the balancer's own
        this.node.send(ok(invite, "b1"), this.internal);
        assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode());
    }

    @Test
    void internalListenersIpLoadBalancerAddressIsWhatTheNodesSeeAndRouteBy() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.restart(SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external)),
                new SipListenerSettings(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal), "198.51.100.9", 5888, true));
        this.registerNode("1");
        this.client.send(invite("call-flow-1", 70), this.external);
        this.client.receive();
        SIPRequest invite = (SIPRequest) this.node.receive();

        Via internalVia = (Via) invite.getViaHeaders().getFirst();
        assertEquals("198.51.100.9", internalVia.getHost(), "the nodes see the internal side's advertised address");
        assertEquals(5888, internalVia.getPort());
        List<String> recordRoutes = values(invite, "Record-Route");
        assertTrue(recordRoutes.get(0).contains("sip:198.51.100.9:5888;node_host="), recordRoutes.get(0));
        assertTrue(recordRoutes.get(1).contains("sip:127.0.0.1:" + this.external + ";node_host="), "the client's side keeps its own: " + recordRoutes.get(1));

        this.node.send(ok(invite, "b1"), this.internal);
        assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode(), "the advertised Via is recognised as the balancer's own");
        // the node routes its BYE by the Record-Route set, through the advertised address first
        this.node.send(byeFromNode(recordRoutes), this.internal);
        SIPRequest bye = (SIPRequest) this.client.receive();
        assertEquals("BYE", bye.getMethod());
        assertTrue(values(bye, "Route").isEmpty(), "both of the balancer's Route entries are its own, the advertised one too");
    }

    private SIPRequest inviteThroughIpLoadBalancer(boolean advertisedInVia, String callId) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.restart(new SipListenerSettings(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external), "203.0.113.7", 5999, advertisedInVia),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal)));
        this.registerNode("1");
        this.client.send(invite(callId, 70), this.external);
        this.client.receive();
        return (SIPRequest) this.node.receive();
    }

    private void restart(SipListenerSettings... listeners) throws Exception {
        this.balancer.stop();
        this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(listeners)),
                this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
        this.balancer.start();
    }

    @Test
    void nodeAnsweringFive503sIsMarkedBadAndGetsNoMoreCalls() throws Exception {
        this.registerNode("1");
        for (int i = 0; i < 5; i++) {
            this.client.send(invite("overloaded-" + i, 70), this.external);
            this.client.receive();
            SIPRequest invite = (SIPRequest) this.node.receive();
            this.node.send(ok(invite, "b" + i).replace("SIP/2.0 200 OK", "SIP/2.0 503 Service Unavailable"), this.internal);
            assertEquals(503, ((SIPResponse) this.client.receive()).getStatusCode());
        }

        assertEquals(NodeState.BAD, this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow().state());
        this.client.send(invite("after-bad", 70), this.external);
        assertEquals(503, ((SIPResponse) this.client.receive()).getStatusCode(), "no node left to take the call");
        assertNull(this.node.receive(300));
    }

    /** The original's HealthcheckTest: a node that answers nothing is marked bad after more than 2 unanswered requests. */
    @Test
    void nodeLeavingRequestsUnansweredIsMarkedBadAndTheOtherGetsTheCalls() throws Exception {
        this.balancer.reconfigure(new SipBalancerSettings(List.of(), true, 503, "Service Unavailable", List.of(), Map.of(),
                SipBalancerSettings.BadNodeDetection.DEFAULT.withUnansweredRequests(2, 0), SipBalancerSettings.FailureAnswer.NONE));
        this.registerNode("1");
        try (UdpPeer good = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("good", "127.0.0.1",
                    Map.of("udpPort", Integer.toString(good.port()), "version", "1", "sessionId", "n2")), NodeSource.HTTP);
            int answered = 0;
            int unanswered = 0;
            for (int i = 0; i < 8; i++) {
                this.client.send(invite("silent-" + i, 70), this.external);
                assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
                SIPRequest atGood = (SIPRequest) good.receive(500);
                if (atGood != null) {
                    good.send(ok(atGood, "g" + i), this.internal);
                    assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode());
                    answered++;
                } else {
                    assertEquals("INVITE", ((SIPRequest) this.node.receive()).getMethod(), "a call goes to one node or the other");
                    unanswered++;
                }
            }
            assertEquals(List.of(5, 3), List.of(answered, unanswered), "the silent node gets 3 calls, then none");
            assertEquals(NodeState.BAD, this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow().state());
            assertEquals(NodeState.ACTIVE, this.registry.nodeAt("127.0.0.1", good.port()).orElseThrow().state());
        }
    }

    @Test
    void answeringNodeIsNeverMarkedBadForUnansweredRequests() throws Exception {
        this.balancer.reconfigure(new SipBalancerSettings(List.of(), false, 503, "Service Unavailable", List.of(), Map.of(),
                SipBalancerSettings.BadNodeDetection.DEFAULT.withUnansweredRequests(1, 0), SipBalancerSettings.FailureAnswer.NONE));
        this.registerNode("1");
        for (int i = 0; i < 5; i++) {
            this.client.send(invite("answered-" + i, 70), this.external);
            SIPRequest invite = (SIPRequest) this.node.receive();
            this.node.send(ok(invite, "b" + i), this.internal);
            assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode());
        }
        assertEquals(NodeState.ACTIVE, this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow().state());
    }

    /**
     * bad-node-response-time (the original's maxResponseTime): more than bad-node-unanswered-requests requests in a
     * row left unanswered make a node bad only once its last answer is older than the response time.
     */
    @Test
    void nodeLeavingRequestsUnansweredIsMarkedBadOnlyOnceItsLastAnswerIsOlderThanTheResponseTime() throws Exception {
        long responseTime = 1000;
        // node-response-timeout out of the way (3 unanswered INVITEs would make the node unreachable after 1 s): this is about bad-node-response-time alone
        this.balancer.reconfigure(new SipBalancerSettings(List.of(), true, 503, "Service Unavailable", List.of(), Map.of(),
                SipBalancerSettings.BadNodeDetection.DEFAULT.withUnansweredRequests(2, responseTime), SipBalancerSettings.FailureAnswer.NONE,
                SipBalancerSettings.StreamConnections.DEFAULT, new SipBalancerSettings.Reachability(600_000, 3, 0, 3)));
        this.registerNode("1");
        // the node answers a call...
        this.client.send(invite("answered-then-silent", 70), this.external);
        assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
        SIPRequest answered = (SIPRequest) this.node.receive();
        long answerSent = System.nanoTime();
        this.node.send(ok(answered, "b0"), this.internal);
        assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode());
        // the balancer took the answer before relaying it: its last answer is no later than this
        long answerRelayed = System.nanoTime();

        // ...then leaves 4 calls in a row unanswered, more than 2, while its last answer is recent
        for (int i = 0; i < 4; i++) {
            this.client.send(invite("unanswered-while-recent-" + i, 70), this.external);
            assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode(), "a 503 here: the node was marked bad on the unanswered count alone");
            assertEquals("unanswered-while-recent-" + i, ((SIPRequest) this.node.receive()).getCallId().getCallId(), "the node still gets the calls");
        }
        long sinceAnswer = (System.nanoTime() - answerSent) / 1_000_000;
        assertTrue(sinceAnswer < responseTime, "the 4 calls took " + sinceAnswer + " ms, too slow a machine for this test");
        assertEquals(NodeState.ACTIVE, this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow().state(),
                "4 unanswered requests, but the last answer is under bad-node-response-time old");

        try (UdpPeer good = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("good", "127.0.0.1",
                    Map.of("udpPort", Integer.toString(good.port()), "version", "1", "sessionId", "n2")), NodeSource.HTTP);
            // the silent node's last answer becomes older than bad-node-response-time
            long waitNanos = answerRelayed + (responseTime + 200) * 1_000_000 - System.nanoTime();
            if (waitNanos > 0) {
                Thread.sleep(waitNanos / 1_000_000 + 1);
            }
            int atGood = 0;
            int atSilent = 0;
            for (int i = 0; i < 6; i++) {
                this.client.send(invite("after-response-time-" + i, 70), this.external);
                assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
                SIPRequest invite = (SIPRequest) good.receive(500);
                if (invite != null) {
                    good.send(ok(invite, "g" + i), this.internal);
                    assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode());
                    atGood++;
                } else {
                    assertEquals("after-response-time-" + i, ((SIPRequest) this.node.receive()).getCallId().getCallId(), "a call goes to one node or the other");
                    atSilent++;
                }
            }
            assertEquals(List.of(5, 1), List.of(atGood, atSilent), "the silent node's next call finds its last answer too old: marked bad, it gets no more");
            assertEquals(NodeState.BAD, this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow().state());
            assertEquals(NodeState.ACTIVE, this.registry.nodeAt("127.0.0.1", good.port()).orElseThrow().state());
        }
    }

    /** static-nodes: a node that never heartbeats, kept through expiry, takes a new call as a registered one does. */
    @Test
    void staticNodeThatNeverHeartbeatsOutlivesExpiryAndTakesANewCall() throws Exception {
        this.registry.setStaticNodes(StaticNodes.advertisements(List.of("127.0.0.1:" + this.node.port())));
        try (UdpPeer silent = new UdpPeer()) {
            this.registry.register(new NodeAdvertisement("silent", "127.0.0.1",
                    Map.of("udpPort", Integer.toString(silent.port()), "version", "1", "sessionId", "silent")), NodeSource.HTTP);
            // neither node beats for longer than node-timeout: the registered one expires, the static one stays
            this.registry.setNodeTimeoutMillis(100);
            Thread.sleep(300);
            assertEquals(List.of("127.0.0.1:" + silent.port()), this.registry.expire().stream().map(org.restcomm.lb.node.Node::name).toList());
            var staticNode = this.registry.nodeAt("127.0.0.1", this.node.port()).orElseThrow();
            assertEquals(List.of(NodeSource.STATIC, NodeState.ACTIVE), List.of(staticNode.source(), staticNode.state()));
            assertEquals(1, this.registry.nodes().size(), "the static node is the only node");

            this.client.send(invite("to-static-node", 70), this.external);
            assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
            SIPRequest invite = (SIPRequest) this.node.receive();
            assertEquals("to-static-node", invite.getCallId().getCallId(), "the static node gets the call");
            this.node.send(ok(invite, "s1"), this.internal);
            assertEquals(200, ((SIPResponse) this.client.receive()).getStatusCode(), "and the client gets its answer");
            assertEquals(1, staticNode.callsAssigned());
            assertNull(silent.receive(200), "nothing for the expired node");
        }
    }

    private String heartbeatBody() {
        return "hostname=sipHeartbeat\nip=127.0.0.1\nudpPort=" + this.node.port() + "\nversion=5\n";
    }

    private void registerNode(String version) {
        this.registry.register(new NodeAdvertisement("node", "127.0.0.1",
                Map.of("udpPort", Integer.toString(this.node.port()), "version", version, "sessionId", "n1")), NodeSource.HTTP);
    }

    private String invite(String callId, int maxForwards) {
        return """
                INVITE sip:bob@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-c1
                Max-Forwards: %d
                From: <sip:alice@127.0.0.1>;tag=a1
                To: <sip:bob@127.0.0.1>
                Call-ID: %s
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:%d>
                Content-Length: 0

                """.formatted(this.external, this.client.port(), maxForwards, callId, this.client.port());
    }

    private String inDialog(String method, String callId, int cseq, List<String> routes) {
        StringBuilder route = new StringBuilder();
        routes.forEach(r -> route.append(r.replace("Record-Route", "Route")).append('\n'));
        return """
                %s sip:bob@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-c2
                Max-Forwards: 70
                %sFrom: <sip:alice@127.0.0.1>;tag=a1
                To: <sip:bob@127.0.0.1>;tag=b1
                Call-ID: %s
                CSeq: %d %s
                Content-Length: 0

                """.formatted(method, this.node.port(), this.client.port(), route, callId, cseq, method);
    }

    private String byeFromNode(List<String> recordRoutes) {
        StringBuilder route = new StringBuilder();
        recordRoutes.forEach(r -> route.append(r.replace("Record-Route", "Route")).append('\n'));
        return """
                BYE sip:alice@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-n1
                Max-Forwards: 70
                %sFrom: <sip:bob@127.0.0.1>;tag=b1
                To: <sip:alice@127.0.0.1>;tag=a1
                Call-ID: call-flow-1
                CSeq: 1 BYE
                Content-Length: 0

                """.formatted(this.client.port(), this.node.port(), route);
    }

    /** A 200 OK to a request, echoing Vias, Record-Routes and dialog headers, as a UA does. */
    private static String ok(SIPRequest request, String toTag) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\n");
        values(request, Via.NAME).forEach(via -> response.append(via).append('\n'));
        values(request, "Record-Route").forEach(rr -> response.append(rr).append('\n'));
        response.append(request.getFrom().toString().trim()).append('\n');
        String to = request.getTo().toString().trim();
        response.append((toTag != null && request.getToTag() == null) ? to + ";tag=" + toTag : to).append('\n');
        response.append(request.getCallId().toString().trim()).append('\n');
        response.append(request.getCSeq().toString().trim()).append('\n');
        response.append("Content-Length: 0\n\n");
        return response.toString();
    }

    private static List<String> values(SIPMessage message, String name) {
        List<String> values = new ArrayList<>();
        ListIterator<?> headers = message.getHeaders(name);
        while (headers.hasNext()) {
            String header = ((Header) headers.next()).toString().trim();
            values.add(header.startsWith(name) ? header : name + ": " + header);
        }
        return values;
    }

    private static List<String> reversed(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        java.util.Collections.reverse(copy);
        return copy;
    }

    /** The fast path counts a datagram once it is sent, so the count may trail the receiving peer by a moment. */
    private void assertFastPathRelayed(long expected, String message) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (this.balancer.fastPathRelayed() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, this.balancer.fastPathRelayed(), message);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}

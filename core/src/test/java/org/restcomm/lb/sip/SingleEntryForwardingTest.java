package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.ExtraServerNodes;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** One listener for clients and nodes: direction comes from the top Via. */
class SingleEntryForwardingTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int port;
    private UdpPeer client;
    private UdpPeer node;

    @BeforeEach
    void start() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            this.port = probe.getLocalPort();
        }
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port)))),
                this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
        this.balancer.start();
        this.client = new UdpPeer();
        this.node = new UdpPeer();
        this.registry.register(new NodeAdvertisement("node", "127.0.0.1", Map.of("udpPort", Integer.toString(this.node.port()), "sessionId", "single")), NodeSource.HTTP);
    }

    @AfterEach
    void stop() {
        this.client.close();
        this.node.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void clientRequestsGoToTheNodeAndNodeRequestsGoToTheClient() throws Exception {
        this.client.send(request("INVITE", this.client.port(), "sip:bob@127.0.0.1:" + this.port, "single-1", "a1", null), this.port);
        assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
        SIPRequest invite = (SIPRequest) this.node.receive();
        assertEquals("INVITE", invite.getMethod());
        assertEquals(3, invite.getViaHeaders().size());

        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\n");
        invite.getViaHeaders().forEach(via -> ok.append(via.toString().trim()).append('\n'));
        ok.append(invite.getFrom().toString().trim()).append('\n').append(invite.getTo().toString().trim()).append(";tag=b1\n")
                .append(invite.getCallId().toString().trim()).append('\n').append(invite.getCSeq().toString().trim()).append("\nContent-Length: 0\n\n");
        this.node.send(ok.toString(), this.port);
        SIPResponse answer = (SIPResponse) this.client.receive();
        assertEquals(200, answer.getStatusCode());
        assertEquals(1, answer.getViaHeaders().size(), "both of the balancer's Vias are gone");

        // a request whose top Via is the node's travels towards the client, not back into the cluster
        this.node.send(request("BYE", this.node.port(), "sip:alice@127.0.0.1:" + this.client.port(), "single-1", "b1", "a1"), this.port);
        SIPRequest bye = (SIPRequest) this.client.receive();
        assertEquals("BYE", bye.getMethod());
    }

    @Test
    void extraServerNodeRequestsGoToTheClientAndTheExtraServerGetsNoCalls() throws Exception {
        try (UdpPeer extraServer = new UdpPeer()) {
            this.registry.setExtraServerNodes(ExtraServerNodes.of(List.of("127.0.0.1:" + extraServer.port())));
            assertTrue(this.registry.nodeAt("127.0.0.1", extraServer.port()).isEmpty(), "an extra server is not a node");

            // a request whose top Via is the extra server's travels towards the client, as a node's would
            extraServer.send(request("INVITE", extraServer.port(), "sip:alice@127.0.0.1:" + this.client.port(), "extra-1", "e1", null), this.port);
            SIPRequest invite = (SIPRequest) this.client.receive();
            assertEquals("INVITE", invite.getMethod());
            assertEquals(extraServer.port(), ((Via) invite.getViaHeaders().getLast()).getPort(), "the extra server's own Via stays at the bottom");
            // the client's answer returns to the extra server by Via
            StringBuilder ringing = new StringBuilder("SIP/2.0 180 Ringing\n");
            invite.getViaHeaders().forEach(via -> ringing.append(via.toString().trim()).append('\n'));
            ringing.append(invite.getFrom().toString().trim()).append('\n').append(invite.getTo().toString().trim()).append(";tag=c1\n")
                    .append(invite.getCallId().toString().trim()).append('\n').append(invite.getCSeq().toString().trim()).append("\nContent-Length: 0\n\n");
            this.client.send(ringing.toString(), this.port);
            assertEquals(180, ((SIPResponse) extraServer.receive()).getStatusCode());

            // new calls from clients go to the real node only
            for (int i = 0; i < 4; i++) {
                this.client.send(request("INVITE", this.client.port(), "sip:bob@127.0.0.1:" + this.port, "extra-call-" + i, "a" + i, null), this.port);
                assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());
                assertEquals("extra-call-" + i, ((SIPRequest) this.node.receive()).getCallId().getCallId());
            }
            assertNull(extraServer.receive(300), "the extra server never receives a new call");
        }
    }

    private static String request(String method, int viaPort, String requestUri, String callId, String fromTag, String toTag) {
        return method + " " + requestUri + " SIP/2.0\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + viaPort + ";branch=z9hG4bK-" + method + callId + "\n"
                + "Max-Forwards: 70\n"
                + "From: <sip:x@127.0.0.1>;tag=" + fromTag + "\n"
                + "To: <sip:y@127.0.0.1>" + (toTag != null ? ";tag=" + toTag : "") + "\n"
                + "Call-ID: " + callId + "\n"
                + "CSeq: 1 " + method + "\n"
                + "Content-Length: 0\n\n";
    }

}

package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

import javax.sip.header.Header;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.node.NodeState;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * Transport evidence makes a node unreachable at once, and anything from it makes it active again: INVITEs left
 * unanswered on UDP, failed OPTIONS probes, a TCP port that refuses the connection. Timers are short through settings.
 */
class NodeReachabilityTest {

    private static final long RESPONSE_TIMEOUT = 200;

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancerSettings settings;
    private SipBalancer balancer;
    private int external;
    private int internal;
    private UdpPeer client;

    @BeforeEach
    void start() throws Exception {
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.registry.addListener(this.algorithm);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 1;; attempt++) {
            this.external = freePort();
            this.internal = freePort();
            this.settings = SipBalancerSettings.defaults(List.of(
                    SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external)),
                    SipListenerSettings.of(Side.EXTERNAL, "tcp", new InetSocketAddress(loopback, this.external)),
                    SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal)),
                    SipListenerSettings.of(Side.INTERNAL, "tcp", new InetSocketAddress(loopback, this.internal))))
                    .withReachability(new SipBalancerSettings.Reachability(RESPONSE_TIMEOUT, 3, 0, 3));
            this.balancer = new SipBalancer(this.settings, this.registry, () -> this.algorithm,
                    new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
            try {
                this.balancer.start();
                break;
            } catch (javax.sip.SipException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        this.client = new UdpPeer();
    }

    @AfterEach
    void stop() {
        this.client.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void nodeLeavingThreeInvitesUnansweredGetsNoNewCallsAndComesBackWhenItAnswersAProbe() throws Exception {
        try (UdpPeer silent = new UdpPeer(); UdpPeer live = new UdpPeer()) {
            Node dead = this.register("silent", silent.port(), null);
            String firstRoutes = null;
            for (int i = 0; i < 3; i++) {
                this.client.send(invite("unanswered-" + i), this.external);
                SIPRequest invite = (SIPRequest) silent.receive();
                if (firstRoutes == null) {
                    firstRoutes = routes(invite);
                }
            }
            assertEquals(NodeState.UNREACHABLE, this.awaitState(dead, NodeState.UNREACHABLE), "3 INVITEs without any answer within node-response-timeout");
            this.register("live", live.port(), null);

            for (int i = 0; i < 4; i++) {
                this.client.send(invite("after-" + i), this.external);
                assertEquals("after-" + i, ((SIPRequest) live.receive()).getCallId().getCallId(), "every new call goes to the live node");
            }
            this.client.send(bye("unanswered-0", firstRoutes, silent.port()), this.external);
            assertEquals("BYE", ((SIPRequest) live.receive()).getMethod(), "the in-dialog request of the unreachable node goes to a live one");
            assertNull(silent.receive(100), "nothing more for the silent node");

            this.balancer.reconfigure(this.settings.withReachability(new SipBalancerSettings.Reachability(RESPONSE_TIMEOUT, 3, 100, 3)));
            SIPRequest probe = (SIPRequest) silent.receive();
            assertEquals("OPTIONS", probe.getMethod(), "probe-interval set: the node is probed");
            silent.send(answer(probe), this.internal);
            assertEquals(NodeState.ACTIVE, this.awaitState(dead, NodeState.ACTIVE), "an answered probe takes the node back");
            assertEquals(0, this.statistics.sip().malformedMessages(), "a probe's answer is the balancer's own, not a reflection");
        }
    }

    @Test
    void probesLeftUnansweredMakeAQuietNodeUnreachable() throws Exception {
        this.balancer.reconfigure(this.settings.withReachability(new SipBalancerSettings.Reachability(RESPONSE_TIMEOUT, 3, 50, 2)));
        try (UdpPeer silent = new UdpPeer()) {
            Node node = this.register("quiet", silent.port(), null);
            assertEquals("OPTIONS", ((SIPRequest) silent.receive()).getMethod());
            assertEquals(NodeState.UNREACHABLE, this.awaitState(node, NodeState.UNREACHABLE), "probe-failures (2) probes without an answer");
            assertNull(this.registry.activeNodes().stream().findAny().orElse(null));
        }
    }

    @Test
    void tcpNodeRefusingTheConnectionIsUnreachableAtOnceAndTheCallFailsOver() throws Exception {
        int refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = closed.getLocalPort();
        }
        try (UdpPeer unusedUdp = new UdpPeer(); ServerSocket liveTcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            liveTcp.setSoTimeout(5000);
            Node dead = this.register("refusing", unusedUdp.port(), refusing);
            this.register("listening", freePort(), liveTcp.getLocalPort());
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), this.external)) {
                for (int i = 0; i < 2; i++) {
                    client.getOutputStream().write(invite("tcp-" + i).replace("SIP/2.0/UDP", "SIP/2.0/TCP").replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                try (Socket atNode = liveTcp.accept()) {
                    atNode.setSoTimeout(5000);
                    String received = readUntil(atNode.getInputStream(), "tcp-0", "tcp-1");
                    assertTrue(received.contains("tcp-0") && received.contains("tcp-1"), "both calls reach the listening node: " + received);
                }
            }
            assertEquals(NodeState.UNREACHABLE, dead.state(), "the refused connection marked the node at once");
        }
    }

    private Node register(String name, int udpPort, Integer tcpPort) {
        Map<String, String> properties = (tcpPort != null)
                ? Map.of("udpPort", Integer.toString(udpPort), "tcpPort", Integer.toString(tcpPort), "sessionId", name)
                : Map.of("udpPort", Integer.toString(udpPort), "sessionId", name);
        return this.registry.register(new NodeAdvertisement(name, "127.0.0.1", properties), NodeSource.HTTP);
    }

    private NodeState awaitState(Node node, NodeState expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (node.state() != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return node.state();
    }

    private String invite(String callId) {
        return """
                INVITE sip:bob@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%s
                Max-Forwards: 70
                From: <sip:alice@127.0.0.1>;tag=a1
                To: <sip:bob@127.0.0.1>
                Call-ID: %s
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:%d>
                Content-Length: 0

                """.formatted(this.external, this.client.port(), callId, callId, this.client.port());
    }

    private String bye(String callId, String routes, int nodePort) {
        return """
                BYE sip:bob@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-bye
                Max-Forwards: 70
                %sFrom: <sip:alice@127.0.0.1>;tag=a1
                To: <sip:bob@127.0.0.1>;tag=b1
                Call-ID: %s
                CSeq: 2 BYE
                Content-Length: 0

                """.formatted(nodePort, this.client.port(), routes, callId);
    }

    /** The Route set a client builds from an INVITE's Record-Routes: reversed. */
    private static String routes(SIPRequest invite) {
        StringBuilder routes = new StringBuilder();
        ListIterator<?> recordRoutes = invite.getHeaders("Record-Route");
        while (recordRoutes.hasNext()) {
            String value = ((Header) recordRoutes.next()).toString().trim().replaceFirst("^Record-Route:\\s*", "");
            routes.insert(0, "Route: " + value + "\n");
        }
        return routes.toString();
    }

    /** A 200 OK to a request, as a node's stack answers an OPTIONS. */
    private static String answer(SIPMessage request) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\n");
        ListIterator<?> vias = request.getHeaders(Via.NAME);
        while (vias.hasNext()) {
            String via = ((Header) vias.next()).toString().trim();
            response.append(via.startsWith("Via") ? via : "Via: " + via).append('\n');
        }
        response.append(request.getFrom().toString().trim()).append('\n');
        response.append(request.getTo().toString().trim()).append(";tag=n1\n");
        response.append(request.getCallId().toString().trim()).append('\n');
        response.append(request.getCSeq().toString().trim()).append('\n');
        return response.append("Content-Length: 0\n\n").toString();
    }

    private static String readUntil(InputStream in, String... parts) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!java.util.Arrays.stream(parts).allMatch(part -> text.indexOf(part) >= 0)) {
            int read = in.read(buffer);
            if (read < 0) {
                break;
            }
            text.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
        }
        return text.toString();
    }

    private static int freePort() throws IOException {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
            return udp.getLocalPort();
        } catch (IOException e) {
            return freePort();
        }
    }
}

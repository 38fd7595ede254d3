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
import java.util.regex.Pattern;

import javax.sip.header.Header;

import gov.nist.javax.sip.header.Contact;
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
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * IPv6 listeners next to the IPv4 ones, as the original's ipv6Host and IPv6 ports: IPv6 clients reach IPv6 nodes and
 * IPv4 clients IPv4 nodes, each side's Via and Record-Route name the listener of the peer's family, IPv6 in brackets.
 */
class SipIpv6Test {

    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private static final InetAddress V6 = v6Loopback();

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private final List<UdpPeer> peers = new ArrayList<>();
    private SipBalancerSettings settings;
    private SipBalancer balancer;
    private int external4;
    private int external6;
    private int internal4;
    private int internal6;

    @BeforeEach
    void start() throws Exception {
        this.external4 = freeUdpPort(V4);
        this.internal4 = freeUdpPort(V4);
        this.external6 = freeUdpPort(V6);
        this.internal6 = freeUdpPort(V6);
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.registry.addListener(this.algorithm);
        this.settings = SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(V4, this.external4)),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(V4, this.internal4)),
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(V6, this.external6)),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(V6, this.internal6))));
        this.balancer = new SipBalancer(this.settings, this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
        this.balancer.start();
    }

    @AfterEach
    void stop() {
        this.peers.forEach(UdpPeer::close);
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void ipv6ClientsReachIpv6NodesAndIpv4ClientsIpv4Nodes() throws Exception {
        UdpPeer node4 = this.node(V4, "127.0.0.1");
        UdpPeer node6 = this.node(V6, "::1");
        UdpPeer client4 = this.peer(V4);
        UdpPeer client6 = this.peer(V6);
        for (int i = 0; i < 4; i++) {
            client6.send(invite(client6, "v6-call-" + i, this.external6), this.external6);
            assertEquals(100, ((SIPResponse) client6.receive()).getStatusCode());
            assertEquals("v6-call-" + i, ((SIPRequest) node6.receive()).getCallId().getCallId(), "an IPv6 client's call goes to the IPv6 node");
            client4.send(invite(client4, "v4-call-" + i, this.external4), this.external4);
            assertEquals(100, ((SIPResponse) client4.receive()).getStatusCode());
            assertEquals("v4-call-" + i, ((SIPRequest) node4.receive()).getCallId().getCallId(), "an IPv4 client's call goes to the IPv4 node");
        }
        assertNull(node4.receive(300), "no IPv6 call reached the IPv4 node");
        assertNull(node6.receive(300), "no IPv4 call reached the IPv6 node");
    }

    @Test
    void callOverIpv6CarriesBracketedViasAndRecordRoutesOfTheIpv6Listeners() throws Exception {
        UdpPeer node6 = this.node(V6, "::1");
        this.node(V4, "127.0.0.1");
        UdpPeer client6 = this.peer(V6);
        client6.send(invite(client6, "v6-dialog", this.external6), this.external6);
        client6.receive();
        SIPRequest invite = (SIPRequest) node6.receive();

        List<String> vias = values(invite, Via.NAME);
        assertTrue(vias.get(0).startsWith("Via: SIP/2.0/UDP [0:0:0:0:0:0:0:1]:" + this.internal6 + ";"), vias.get(0));
        assertTrue(vias.get(1).startsWith("Via: SIP/2.0/UDP [0:0:0:0:0:0:0:1]:" + this.external6 + ";"), vias.get(1));
        List<String> recordRoutes = values(invite, "Record-Route");
        assertTrue(recordRoutes.get(0).contains("<sip:[0:0:0:0:0:0:0:1]:" + this.internal6 + ";node_host=::1;"), recordRoutes.get(0));
        assertTrue(recordRoutes.get(1).contains("<sip:[0:0:0:0:0:0:0:1]:" + this.external6 + ";node_host=::1;"), recordRoutes.get(1));

        node6.send(ok(invite), this.internal6);
        SIPResponse ok = (SIPResponse) client6.receive();
        assertEquals(200, ok.getStatusCode());
        assertEquals(1, values(ok, Via.NAME).size(), "only the client's Via is left: " + values(ok, Via.NAME));

        // the client's in-dialog request follows the Record-Route set back through the IPv6 listeners
        client6.send(bye(client6, "v6-dialog", reversed(recordRoutes)), this.external6);
        SIPRequest bye = (SIPRequest) node6.receive();
        assertEquals("BYE", bye.getMethod());
        assertTrue(values(bye, "Route").isEmpty(), "the balancer's own bracketed Routes are recognised and removed");
    }

    @Test
    void ipv6ClientReachesAnIpv4NodeWhenThereIsNoIpv6Node() throws Exception {
        UdpPeer node4 = this.node(V4, "127.0.0.1");
        UdpPeer client6 = this.peer(V6);
        client6.send(invite(client6, "bridged", this.external6), this.external6);
        client6.receive();
        SIPRequest invite = (SIPRequest) node4.receive();
        assertEquals("127.0.0.1", ((Via) invite.getViaHeaders().getFirst()).getHost(), "the node is reached from the IPv4 internal listener");
        assertTrue(values(invite, "Record-Route").get(1).contains("[0:0:0:0:0:0:0:1]:" + this.external6), "the client's side stays IPv6");

        node4.send(ok(invite), this.internal4);
        assertEquals(200, ((SIPResponse) client6.receive()).getStatusCode());
    }

    @Test
    void ipv6NodeIsProbedFromTheIpv6InternalListener() throws Exception {
        UdpPeer node6 = this.node(V6, "::1");
        this.balancer.reconfigure(this.settings.withReachability(new SipBalancerSettings.Reachability(1000, 3, 100, 3)));
        SIPRequest probe = (SIPRequest) node6.receive();
        assertEquals("OPTIONS", probe.getMethod(), "probe-interval set: the IPv6 node is probed");
        assertTrue(values(probe, Via.NAME).get(0).startsWith("Via: SIP/2.0/UDP [0:0:0:0:0:0:0:1]:" + this.internal6 + ";"), values(probe, Via.NAME).get(0));
    }

    @Test
    void behindNatAnIpv6ClientSeesThePublicIpv6AddressInRecordRouteAndTheNodesContact() throws Exception {
        this.balancer.reconfigure(this.settings.withRouting(new SipRouting(null, null, false, "203.0.113.9", "2001:db8::9", List.of())));
        UdpPeer node6 = this.node(V6, "::1");
        UdpPeer client6 = this.peer(V6);
        client6.send(invite(client6, "v6-nat-1", this.external6), this.external6);
        client6.receive();
        SIPRequest invite = (SIPRequest) node6.receive();
        List<String> recordRoutes = values(invite, "Record-Route");
        assertTrue(recordRoutes.get(1).contains("<sip:[2001:db8::9]:" + this.external6 + ";node_host=::1;"), "the external Record-Route names the public IPv6 address: " + recordRoutes);
        assertTrue(recordRoutes.get(0).contains("<sip:[0:0:0:0:0:0:0:1]:" + this.internal6 + ";"), "the node sees the internal address: " + recordRoutes);

        node6.send(ok(invite, "<sip:bob@[::1]:" + node6.port() + ">"), this.internal6);
        SIPResponse ok = (SIPResponse) client6.receive();
        assertEquals(200, ok.getStatusCode());
        Contact contact = (Contact) ok.getContactHeaders().getFirst();
        assertEquals("sip:bob@[2001:db8::9]:" + this.external6, contact.getAddress().getURI().toString(), "the node's Contact names the public IPv6 address");
        assertEquals(2, ok.getRecordRouteHeaders().size());

        // an IPv4 client of the same balancer sees public-address, not public-address-v6
        UdpPeer node4 = this.node(V4, "127.0.0.1");
        UdpPeer client4 = this.peer(V4);
        client4.send(invite(client4, "v4-nat-1", this.external4), this.external4);
        client4.receive();
        List<String> recordRoutes4 = values((SIPRequest) node4.receive(), "Record-Route");
        assertTrue(recordRoutes4.get(1).contains("<sip:203.0.113.9:" + this.external4 + ";"), "the IPv4 client's Record-Route names the IPv4 public address: " + recordRoutes4);
    }

    @Test
    void anIpv6ClientMatchingAPublicAddressRuleSeesTheBalancersOwnIpv6Address() throws Exception {
        // a rule matches the client's address as the balancer reads it off the socket, Java's uncompressed form of ::1
        this.balancer.reconfigure(this.settings.withRouting(new SipRouting(null, null, false, "203.0.113.9", "2001:db8::9",
                List.of(Pattern.compile("0:0:0:0:0:0:0:1")))));
        UdpPeer node6 = this.node(V6, "::1");
        UdpPeer client6 = this.peer(V6);
        client6.send(invite(client6, "v6-nat-2", this.external6), this.external6);
        client6.receive();
        SIPRequest invite = (SIPRequest) node6.receive();
        List<String> recordRoutes = values(invite, "Record-Route");
        assertTrue(recordRoutes.get(1).contains("<sip:[0:0:0:0:0:0:0:1]:" + this.external6 + ";node_host=::1;"), "a private client sees the balancer's own address: " + recordRoutes);

        node6.send(ok(invite, "<sip:bob@[::1]:" + node6.port() + ">"), this.internal6);
        SIPResponse ok = (SIPResponse) client6.receive();
        assertEquals(200, ok.getStatusCode());
        Contact contact = (Contact) ok.getContactHeaders().getFirst();
        assertEquals("sip:bob@[::1]:" + node6.port(), contact.getAddress().getURI().toString(), "and the node's own Contact");
    }

    private UdpPeer peer(InetAddress address) throws IOException {
        UdpPeer peer = new UdpPeer(address);
        this.peers.add(peer);
        return peer;
    }

    private UdpPeer node(InetAddress address, String advertisedIp) throws IOException {
        UdpPeer node = this.peer(address);
        this.registry.register(new NodeAdvertisement("node-" + advertisedIp, advertisedIp,
                Map.of("udpPort", Integer.toString(node.port()), "version", "1", "sessionId", "s-" + advertisedIp)), NodeSource.HTTP);
        return node;
    }

    private static String host(UdpPeer peer) {
        return peer.isIpv6() ? "[::1]" : "127.0.0.1";
    }

    private static String invite(UdpPeer client, String callId, int balancerPort) {
        String host = host(client);
        return """
                INVITE sip:bob@%s:%d SIP/2.0
                Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s
                Max-Forwards: 70
                From: <sip:alice@%s>;tag=a1
                To: <sip:bob@%s>
                Call-ID: %s
                CSeq: 1 INVITE
                Contact: <sip:alice@%s:%d>
                Content-Length: 0

                """.formatted(host, balancerPort, host, client.port(), callId, host, host, callId, host, client.port());
    }

    private static String bye(UdpPeer client, String callId, List<String> recordRoutes) {
        String host = host(client);
        StringBuilder route = new StringBuilder();
        recordRoutes.forEach(r -> route.append(r.replace("Record-Route", "Route")).append('\n'));
        return """
                BYE sip:bob@%s SIP/2.0
                Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-bye
                Max-Forwards: 70
                %sFrom: <sip:alice@%s>;tag=a1
                To: <sip:bob@%s>;tag=b1
                Call-ID: %s
                CSeq: 2 BYE
                Content-Length: 0

                """.formatted(host, host, client.port(), route, host, host, callId);
    }

    private static String ok(SIPRequest request) {
        return ok(request, null);
    }

    /** A 200 OK, with the node's Contact when given. */
    private static String ok(SIPRequest request, String contact) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\n");
        values(request, Via.NAME).forEach(via -> response.append(via).append('\n'));
        values(request, "Record-Route").forEach(rr -> response.append(rr).append('\n'));
        response.append(request.getFrom().toString().trim()).append('\n');
        response.append(request.getTo().toString().trim()).append(";tag=b1\n");
        response.append(request.getCallId().toString().trim()).append('\n');
        response.append(request.getCSeq().toString().trim()).append('\n');
        if (contact != null) {
            response.append("Contact: ").append(contact).append('\n');
        }
        return response.append("Content-Length: 0\n\n").toString();
    }

    private static List<String> values(SIPMessage message, String name) {
        List<String> values = new ArrayList<>();
        ListIterator<?> headers = message.getHeaders(name);
        while (headers.hasNext()) {
            values.add(((Header) headers.next()).toString().trim());
        }
        return values;
    }

    private static List<String> reversed(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static int freeUdpPort(InetAddress address) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return socket.getLocalPort();
        }
    }

    private static InetAddress v6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

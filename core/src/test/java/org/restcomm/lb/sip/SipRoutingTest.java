package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
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
import java.util.Map;
import java.util.regex.Pattern;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
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

/** internal-transport, route-hostname and NAT (public-address, public-address-rules): what the client and the node see. */
class SipRoutingTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private SipBalancerSettings settings;
    private int external;
    private int internal;
    private UdpPeer client;
    private UdpPeer node;
    private ServerSocket nodeTcp;

    @BeforeEach
    void start() throws Exception {
        this.external = freeUdpPort();
        this.internal = freeUdpAndTcpPort();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.registry.addListener(this.algorithm);
        this.settings = SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external)),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal)),
                SipListenerSettings.of(Side.INTERNAL, "tcp", new InetSocketAddress(loopback, this.internal))));
        this.balancer = new SipBalancer(this.settings, this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()),
                this.statistics.sip());
        this.balancer.start();
        this.client = new UdpPeer();
        this.node = new UdpPeer();
        this.nodeTcp = new ServerSocket(0, 10, loopback);
        this.registry.register(new NodeAdvertisement("node", "127.0.0.1", Map.of("udpPort", Integer.toString(this.node.port()),
                "tcpPort", Integer.toString(this.nodeTcp.getLocalPort()), "version", "1", "sessionId", "n1")), NodeSource.HTTP);
    }

    @AfterEach
    void stop() throws IOException {
        this.nodeTcp.close();
        this.client.close();
        this.node.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void internalTransportSendsAUdpClientsCallToTheNodeOverTcp() throws Exception {
        this.reconfigure(new SipRouting(Transport.TCP, null, false, null, null, List.of()));
        this.client.send(invite("forced-tcp", ""), this.external);
        assertEquals(100, ((SIPResponse) this.client.receive()).getStatusCode());

        this.nodeTcp.setSoTimeout(5000);
        try (Socket connection = this.nodeTcp.accept()) {
            SIPRequest invite = (SIPRequest) readMessage(connection.getInputStream());
            assertEquals("forced-tcp", invite.getCallId().getCallId());
            assertTrue(invite.getTopmostVia().getTransport().equalsIgnoreCase("TCP"), invite.getTopmostVia().toString());
            // a message's last segment must not wait for the node's delayed ACK (20-45 ms per exchange measured)
            assertEquals(List.of(true), this.tcpNoDelay(), "the balancer's connection to the node has Nagle's algorithm off");
        }
        assertNull(this.node.receive(300), "nothing over UDP");
    }

    @Test
    void connectionsANodeOpensToTheBalancerHaveNaglesAlgorithmOff() throws Exception {
        try (Socket connection = new Socket(InetAddress.getLoopbackAddress(), this.internal)) {
            long deadline = System.currentTimeMillis() + 5000;
            // jain-sip lists the channel a moment before the balancer has set it up
            while (!this.tcpNoDelay().equals(List.of(true)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(true), this.tcpNoDelay(), "the accepted connection");
        }
    }

    /** TCP_NODELAY of each connection the internal TCP listener holds, read from jain-sip's own table of them. */
    private List<Boolean> tcpNoDelay() throws Exception {
        Object processor = this.balancer.processor(Side.INTERNAL, Transport.TCP);
        java.lang.reflect.Field handlerField = gov.nist.javax.sip.stack.NioTcpMessageProcessor.class.getDeclaredField("nioHandler");
        handlerField.setAccessible(true);
        Object handler = handlerField.get(processor);
        java.lang.reflect.Field channelsField = gov.nist.javax.sip.stack.NIOHandler.class.getDeclaredField("channelMap");
        channelsField.setAccessible(true);
        List<Object> sockets;
        while (true) {
            try {
                // jain-sip's selector thread changes the table; a copy that met a change is taken again
                sockets = List.copyOf(((Map<?, ?>) channelsField.get(handler)).keySet());
                break;
            } catch (java.util.ConcurrentModificationException e) {
                Thread.onSpinWait();
            }
        }
        List<Boolean> noDelay = new java.util.ArrayList<>();
        for (Object socket : sockets) {
            noDelay.add(((java.nio.channels.SocketChannel) socket).getOption(java.net.StandardSocketOptions.TCP_NODELAY));
        }
        return noDelay;
    }

    @Test
    void routeNamingTheBalancerByItsHostNameIsConsumed() throws Exception {
        this.client.send(invite("route-name-1", "Route: <sip:sip.example.com;lr>\n"), this.external);
        this.client.receive();
        assertEquals(1, values((SIPRequest) this.node.receive(), "Route").size(), "an unknown name stays");

        this.reconfigure(new SipRouting(null, "example.com", true, null, null, List.of()));
        this.client.send(invite("route-name-2", "Route: <sip:sip.example.com;lr>\n"), this.external);
        this.client.receive();
        assertEquals(0, values((SIPRequest) this.node.receive(), "Route").size(), "a subdomain of route-hostname names the balancer");

        this.reconfigure(new SipRouting(null, "example.com", false, null, null, List.of()));
        this.client.send(invite("route-name-3", "Route: <sip:sip.example.com;lr>\n"), this.external);
        this.client.receive();
        assertEquals(1, values((SIPRequest) this.node.receive(), "Route").size(), "without route-hostname-subdomains only the name itself");
    }

    @Test
    void behindNatTheClientSeesThePublicAddressInRecordRouteAndTheNodesContact() throws Exception {
        this.reconfigure(new SipRouting(null, null, false, "203.0.113.9", null, List.of()));
        this.client.send(invite("nat-1", ""), this.external);
        this.client.receive();
        SIPRequest invite = (SIPRequest) this.node.receive();
        List<String> recordRoutes = values(invite, "Record-Route");
        assertTrue(recordRoutes.get(1).contains("sip:203.0.113.9:" + this.external + ";"), "the external Record-Route names the public address: " + recordRoutes);
        assertTrue(recordRoutes.get(0).contains("sip:127.0.0.1:" + this.internal + ";"), "the node sees the internal address: " + recordRoutes);

        this.node.send(ok(invite), this.internal);
        SIPResponse ok = (SIPResponse) this.client.receive();
        Contact contact = (Contact) ok.getContactHeaders().getFirst();
        assertEquals("sip:bob@203.0.113.9:" + this.external, contact.getAddress().getURI().toString(), "the node's Contact names the public address");
        assertEquals(2, ok.getRecordRouteHeaders().size());
    }

    @Test
    void aClientMatchingAPublicAddressRuleSeesTheBalancersOwnAddress() throws Exception {
        this.reconfigure(new SipRouting(null, null, false, "203.0.113.9", null, List.of(Pattern.compile("127\\.0\\.0\\.\\d+"))));
        this.client.send(invite("nat-2", ""), this.external);
        this.client.receive();
        SIPRequest invite = (SIPRequest) this.node.receive();
        RecordRoute external = (RecordRoute) invite.getRecordRouteHeaders().get(1);
        assertEquals("127.0.0.1", ((gov.nist.javax.sip.address.SipUri) external.getAddress().getURI()).getHost(), "a private client sees the private address");
        this.node.send(ok(invite), this.internal);
        Contact contact = (Contact) ((SIPResponse) this.client.receive()).getContactHeaders().getFirst();
        assertEquals("sip:bob@127.0.0.1:" + this.node.port(), contact.getAddress().getURI().toString(), "and the node's own Contact");
    }

    private void reconfigure(SipRouting routing) {
        this.balancer.reconfigure(this.settings.withRouting(routing));
    }

    private String invite(String callId, String routes) {
        return """
                INVITE sip:bob@127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%s
                Max-Forwards: 70
                %sFrom: <sip:alice@127.0.0.1>;tag=a1
                To: <sip:bob@127.0.0.1>
                Call-ID: %s
                CSeq: 1 INVITE
                Contact: <sip:alice@127.0.0.1:%d>
                Content-Length: 0

                """.formatted(this.external, this.client.port(), callId, routes, callId, this.client.port());
    }

    private String ok(SIPRequest request) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\n");
        values(request, "Via").forEach(via -> response.append(via).append('\n'));
        values(request, "Record-Route").forEach(rr -> response.append(rr).append('\n'));
        response.append(request.getFrom().toString().trim()).append('\n')
                .append(request.getTo().toString().trim()).append(";tag=b1\n")
                .append(request.getCallId().toString().trim()).append('\n')
                .append(request.getCSeq().toString().trim()).append('\n')
                .append("Contact: <sip:bob@127.0.0.1:").append(this.node.port()).append(">\n")
                .append("Content-Length: 0\n\n");
        return response.toString();
    }

    private static List<String> values(gov.nist.javax.sip.message.SIPMessage message, String name) {
        List<String> values = new java.util.ArrayList<>();
        java.util.ListIterator<?> headers = message.getHeaders(name);
        while (headers.hasNext()) {
            String header = headers.next().toString().trim();
            values.add(header.startsWith(name) ? header : name + ": " + header);
        }
        return values;
    }

    /** One message from a stream: headers up to the blank line, then Content-Length bytes (0 here). */
    private static gov.nist.javax.sip.message.SIPMessage readMessage(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed after " + bytes);
            }
            bytes.write(next);
        }
        return new StringMsgParser().parseSIPMessage(bytes.toByteArray(), true, false, null);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

    /** A port free for UDP and for TCP: the internal side listens on both, and a free UDP port may be taken for TCP. */
    private static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (java.net.BindException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }
}

package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import gov.nist.javax.sip.message.SIPMessage;
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

/** IPv6 over TCP: a client on ::1 reaches a node on ::1 through TCP listeners on ::1, with bracketed Vias both ways. */
class SipIpv6StreamTest {

    private static final InetAddress V6 = InetAddress.getLoopbackAddress().getHostAddress().contains(":") ? InetAddress.getLoopbackAddress() : v6();

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int external;
    private ServerSocket node;

    @BeforeEach
    void start() throws Exception {
        this.external = freePort();
        int internal = freePort();
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.registry.addListener(this.algorithm);
        this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "tcp", new InetSocketAddress(V6, this.external)),
                SipListenerSettings.of(Side.INTERNAL, "tcp", new InetSocketAddress(V6, internal)))),
                this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
        this.balancer.start();
        this.node = new ServerSocket(0, 10, V6);
        this.node.setSoTimeout(5000);
        this.registry.register(new NodeAdvertisement("node6", "::1", Map.of("tcpPort", Integer.toString(this.node.getLocalPort()), "version", "1",
                "sessionId", "v6")), NodeSource.HTTP);
    }

    @AfterEach
    void stop() throws IOException {
        this.node.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void aTcpCallOnIpv6ReachesTheIpv6NodeAndItsAnswerComesBack() throws Exception {
        try (Socket client = new Socket(V6, this.external)) {
            client.setSoTimeout(5000);
            int clientPort = client.getLocalPort();
            write(client, """
                    INVITE sip:bob@[::1]:%d;transport=tcp SIP/2.0
                    Via: SIP/2.0/TCP [::1]:%d;branch=z9hG4bK-v6tcp
                    Max-Forwards: 70
                    From: <sip:alice@[::1]>;tag=a1
                    To: <sip:bob@[::1]>
                    Call-ID: ipv6-tcp-1
                    CSeq: 1 INVITE
                    Contact: <sip:alice@[::1]:%d;transport=tcp>
                    Content-Length: 0

                    """.formatted(this.external, clientPort, clientPort));
            assertEquals(100, ((SIPResponse) read(client.getInputStream())).getStatusCode());
            try (Socket fromBalancer = this.node.accept()) {
                SIPRequest invite = (SIPRequest) read(fromBalancer.getInputStream());
                assertEquals("ipv6-tcp-1", invite.getCallId().getCallId());
                String topVia = invite.getTopmostVia().toString();
                assertTrue(topVia.contains("TCP [0:0:0:0:0:0:0:1]:") || topVia.contains("TCP [::1]:"), "the balancer's internal Via names its IPv6 listener: " + topVia);
                StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\n");
                invite.getViaHeaders().forEach(via -> ok.append(via.toString().trim()).append('\n'));
                invite.getRecordRouteHeaders().forEach(rr -> ok.append(rr.toString().trim()).append('\n'));
                ok.append(invite.getFrom().toString().trim()).append('\n').append(invite.getTo().toString().trim()).append(";tag=b1\n")
                        .append(invite.getCallId().toString().trim()).append('\n').append(invite.getCSeq().toString().trim()).append('\n')
                        .append("Content-Length: 0\n\n");
                write(fromBalancer, ok.toString());
                SIPResponse answer = (SIPResponse) read(client.getInputStream());
                assertEquals(200, answer.getStatusCode());
                assertEquals(1, answer.getViaHeaders().size(), "only the client's Via is left");
                assertTrue(answer.getRecordRouteHeaders().get(1).toString().contains("[0:0:0:0:0:0:0:1]:" + this.external),
                        "the client sees the balancer's bracketed IPv6 address: " + answer.getRecordRouteHeaders());
            }
        }
    }

    private static void write(Socket socket, String message) throws IOException {
        socket.getOutputStream().write(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** One message from a stream: the head up to the blank line (these carry no body). */
    private static SIPMessage read(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("closed after " + bytes);
            }
            bytes.write(next);
        }
        return new StringMsgParser().parseSIPMessage(bytes.toByteArray(), true, false, null);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, V6)) {
            return socket.getLocalPort();
        }
    }

    private static InetAddress v6() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

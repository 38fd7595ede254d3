package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import gov.nist.javax.sip.header.Via;
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

/** A browser-style client speaks SIP over WebSocket (subprotocol "sip") to the external side; the node is on UDP. */
class WebSocketForwardingTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int ws;
    private int internal;
    private UdpPeer node;

    @BeforeEach
    void start() throws Exception {
        this.ws = freePort();
        this.internal = freePort();
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "ws", new InetSocketAddress(loopback, this.ws)),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal)))),
                this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()), this.statistics.sip());
        this.balancer.start();
        this.node = new UdpPeer();
        this.registry.register(new NodeAdvertisement("node", "127.0.0.1", Map.of("udpPort", Integer.toString(this.node.port()), "sessionId", "ws-node")), NodeSource.HTTP);
    }

    @AfterEach
    void stop() {
        this.node.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void inviteOverWebSocketReachesTheUdpNodeAndTheAnswerComesBackOnTheSocket() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("sip")
                .buildAsync(URI.create("ws://127.0.0.1:" + this.ws + "/"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        this.text.append(data);
                        if (last) {
                            received.add(this.text.toString());
                            this.text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);

        socket.sendText(("INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-ws1;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=w1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: websocket-call-1\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>\r\n"
                + "Content-Length: 0\r\n\r\n"), true).get(5, TimeUnit.SECONDS);

        SIPRequest invite = (SIPRequest) this.node.receive();
        assertEquals("INVITE", invite.getMethod());
        Via external = (Via) invite.getViaHeaders().get(1);
        assertEquals("WS", external.getTransport(), "the external Via says WS");
        assertEquals(this.ws, external.getPort());

        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\n");
        for (Object via : invite.getViaHeaders()) {
            ok.append(via.toString().trim()).append('\n');
        }
        ok.append(invite.getFrom().toString().trim()).append('\n').append(invite.getTo().toString().trim()).append(";tag=b1\n")
                .append(invite.getCallId().toString().trim()).append('\n').append(invite.getCSeq().toString().trim()).append("\nContent-Length: 0\n\n");
        this.node.send(ok.toString(), this.internal);

        String trying = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(trying);
        String answer = trying.startsWith("SIP/2.0 100") ? received.poll(5, TimeUnit.SECONDS) : trying;
        assertNotNull(answer, "the 200 comes back over the client's WebSocket");
        SIPResponse response = (SIPResponse) new StringMsgParser().parseSIPMessage(answer.getBytes(StandardCharsets.UTF_8), true, false, null);
        assertEquals(200, response.getStatusCode());
        assertEquals(1, response.getViaHeaders().size());
        socket.abort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

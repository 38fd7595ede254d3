package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * The real HTTP heartbeat receiver on an ephemeral port, with clients posing as other hosts from 127.0.0.2, 127.0.0.3...
 * (the whole of 127.0.0.0/8 is loopback).
 */
class HeartbeatAdmissionTest {

    private static final String NODE = "127.0.0.2";
    private static final String ATTACKER = "127.0.0.66";

    private final MutableClock clock = new MutableClock();
    private final NodeRegistry registry = new NodeRegistry(this.clock, 5000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final HeartbeatAdmission admission = new HeartbeatAdmission(this.clock);
    private HeartbeatEndpoint endpoint;

    @BeforeEach
    void start() {
        this.endpoint = new HeartbeatEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, this.registry,
                new HeartbeatProtocol(this.registry, this.statistics.heartbeats(), this.admission), JsonProvider.provider());
        this.endpoint.start();
    }

    @AfterEach
    void stop() {
        this.endpoint.stop();
    }

    @Test
    void sourceOutsideAllowedSourcesIsRefusedWith403() throws IOException {
        this.admission.setAllowedSources(NodeSource.HTTP, List.of(Cidr.parse("127.0.0.2/32"), Cidr.parse("fd00::/8")));

        Reply refused = this.post(ATTACKER, start("127.0.0.66", 5090, "1", "0"));
        assertEquals(403, refused.status);
        assertTrue(refused.body.contains("allowed-sources"), refused.body);
        assertTrue(this.registry.nodes().isEmpty());
        assertEquals(1, this.statistics.heartbeats().rejectedCount());

        assertEquals(200, this.post(NODE, start(NODE, 5080, "7", "0")).status);
        assertEquals(1, this.registry.size());
    }

    @Test
    void anySourceIsAdmittedWhileAllowedSourcesIsUnset() throws IOException {
        assertEquals(200, this.post(ATTACKER, start("127.0.0.66", 5090, "1", "0")).status);
        assertEquals(0, this.statistics.heartbeats().rejectedCount());
    }

    @Test
    void onlyTheSenderOfASessionsStartMayStopOrShutItDown() throws IOException {
        assertEquals(200, this.post(NODE, start(NODE, 5080, "7", "0")).status);

        assertEquals(403, this.post(ATTACKER, "{\"stop\":{\"sessionId\":7}}").status);
        assertEquals(403, this.post(ATTACKER, "{\"shutdown\":{\"sessionId\":7}}").status);
        Node node = this.registry.node(NODE + ":5080").orElseThrow();
        assertEquals(NodeState.ACTIVE, node.state());
        assertEquals(2, this.statistics.heartbeats().rejectedCount());

        assertEquals(200, this.post(NODE, "{\"heartbeat\":{\"sessionId\":7}}").status);
        assertEquals(200, this.post(NODE, "{\"stop\":{\"sessionId\":7}}").status);
        assertTrue(this.registry.nodes().isEmpty());
    }

    @Test
    void forgedStartCannotReplaceOrReversionAKnownNode() throws IOException {
        assertEquals(200, this.post(NODE, start(NODE, 5080, "7", "0")).status);

        // the finding: reusing the node's ip:port with a new session made the real node's next heartbeat get 404 UNKNOWN
        assertEquals(403, this.post(ATTACKER, start(NODE, 5080, "666", "9")).status);
        // same session, new version: would take all new calls
        assertEquals(403, this.post(ATTACKER, start(NODE, 5080, "7", "9")).status);
        // the node's session under another name would remove the real entry
        assertEquals(403, this.post(ATTACKER, start("127.0.0.66", 5090, "7", "9")).status);

        Node node = this.registry.node(NODE + ":5080").orElseThrow();
        assertEquals("7", node.sessionId());
        assertEquals("0", node.version());
        assertEquals(1, this.registry.size());
        assertEquals(200, this.post(NODE, "{\"heartbeat\":{\"sessionId\":7}}").status);
        assertEquals(3, this.statistics.heartbeats().rejectedCount());

        // the node itself restarts: a new session from the same address replaces it
        assertEquals(200, this.post(NODE, start(NODE, 5080, "8", "1")).status);
        assertEquals("8", this.registry.node(NODE + ":5080").orElseThrow().sessionId());
    }

    @Test
    void nodeAtTheBalancersOwnAddressIsRefused() throws IOException {
        this.admission.ownAddresses().set("sip", List.of(new InetSocketAddress("127.0.0.1", 5060)));
        assertEquals(403, this.post(NODE, start("127.0.0.1", 5060, "1", "0")).status);
        this.admission.ownAddresses().set("sip", List.of(new InetSocketAddress("0.0.0.0", 5065)));
        Reply wildcard = this.post(NODE, start(NODE, 5065, "2", "0"));
        assertEquals(403, wildcard.status);
        assertTrue(wildcard.body.contains("own address"), wildcard.body);
        assertTrue(this.registry.nodes().isEmpty());

        assertEquals(200, this.post(NODE, start(NODE, 5080, "3", "0")).status);
    }

    @Test
    void startsBeyondTheRatePerSourceAreRefusedWith429UntilTheNextSecond() throws IOException {
        this.admission.setStartsPerSecond(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, this.post(ATTACKER, start("10.0.0." + i, 5080, "s" + i, "0")).status);
        }
        assertEquals(429, this.post(ATTACKER, start("10.0.0.9", 5080, "s9", "0")).status);
        // another source has its own allowance, and a known node's refresh is never limited
        assertEquals(200, this.post(NODE, start(NODE, 5080, "n", "0")).status);
        assertEquals(200, this.post(ATTACKER, start("10.0.0.0", 5080, "s0", "0")).status);
        assertEquals(1, this.statistics.heartbeats().rejectedCount());

        this.clock.advance(1000);
        assertEquals(200, this.post(ATTACKER, start("10.0.0.9", 5080, "s9", "0")).status);
    }

    @Test
    void newNodesBeyondMaxNodesAreRefusedWith503() throws IOException {
        this.admission.setMaxNodes(2);
        assertEquals(200, this.post(NODE, start(NODE, 5080, "a", "0")).status);
        assertEquals(200, this.post(NODE, start(NODE, 5081, "b", "0")).status);
        Reply full = this.post(ATTACKER, start("127.0.0.66", 5090, "c", "0"));
        assertEquals(503, full.status);
        assertTrue(full.body.contains("max-nodes"), full.body);
        assertEquals(2, this.registry.size());
        // known nodes keep refreshing and restarting
        assertEquals(200, this.post(NODE, start(NODE, 5080, "a", "0")).status);
        assertEquals(200, this.post(NODE, start(NODE, 5081, "b2", "0")).status);
        assertEquals(1, this.statistics.heartbeats().rejectedCount());
    }

    @Test
    void jsonBombsAre400NotServerErrors() throws IOException {
        String[] bombs = {
                "[".repeat(30_000) + "]".repeat(30_000),
                "{\"start\":{\"ip\":\"127.0.0.2\",\"udpPort\":\"5080\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}}",
                "{\"heartbeat\":{\"sessionId\":" + "9".repeat(60_000) + "}}",
                "{\"heartbeat\":{\"sessionId\":1e999999999}}",
                "{\"stop\":{\"sessionId\":1e-999999999}}",
                "{\"start\":{\"ip\":\"127.0.0.2\",\"udpPort\":\"5080\",\"x\":\"" + "y".repeat(JsonHeartbeatParser.MAX_STRING_LENGTH + 1) + "\"}}",
        };
        int rejected = 0;
        for (String bomb : bombs) {
            Reply reply = this.post(NODE, bomb);
            assertEquals(400, reply.status, () -> bomb.substring(0, Math.min(80, bomb.length())) + " -> " + reply.body);
            assertTrue(reply.body.startsWith("{\"error\":"), reply.body);
            assertEquals(++rejected, this.statistics.heartbeats().rejectedCount());
        }
        byte[] invalidUtf8 = "{\"start\":{\"ip\":\"127.0.0.2\",\"udpPort\":\"5080\",\"hostName\":\"n\uFFFF\"}}".getBytes(StandardCharsets.UTF_8);
        int bad = new String(invalidUtf8, StandardCharsets.ISO_8859_1).indexOf('\u00EF');
        invalidUtf8[bad] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        invalidUtf8[bad + 1] = (byte) 0x28;
        Reply reply = this.post(NODE, invalidUtf8);
        assertEquals(400, reply.status, reply.body);
        assertTrue(reply.body.contains("UTF-8"), reply.body);
        assertTrue(this.registry.nodes().isEmpty());
    }

    private static String start(String ip, int port, String sessionId, String version) {
        return "{\"start\":{\"hostName\":\"node\",\"ip\":\"" + ip + "\",\"udpPort\":\"" + port + "\",\"sessionId\":\"" + sessionId + "\",\"version\":\"" + version + "\"}}";
    }

    private record Reply(int status, String body) {
    }

    private Reply post(String from, String body) throws IOException {
        return this.post(from, body.getBytes(StandardCharsets.UTF_8));
    }

    /** One POST from a socket bound to {@code from}; the JDK's HTTP client cannot choose its source address. */
    private Reply post(String from, byte[] body) throws IOException {
        InetSocketAddress target = this.endpoint.address();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(target, 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: " + target.getAddress().getHostAddress() + ":" + target.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyStart = response.indexOf("\r\n\r\n");
            return new Reply(status, (bodyStart < 0) ? "" : response.substring(bodyStart + 4));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toByteArray();
    }
}

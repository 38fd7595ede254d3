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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.http.TestTls;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * SIP over TLS with SSLContexts handed to the engine (as Elytron's are): a client's INVITE over TLS reaches a node
 * over TLS, or over TCP with terminate-tls, with Via and Record-Route naming each side's transport, and the node's
 * answer comes back over the client's connection. Plain text and silence on the TLS port are closed and counted as
 * failed handshakes, and the listener keeps serving.
 */
class SipTlsTest {

    private static final long HANDSHAKE_TIMEOUT_MILLIS = 500;
    /** The port a client's Via names, not the one its connection comes from. */
    private static final int CLAIMED_PORT = 5099;

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private SipBalancerSettings settings;
    private int externalTls;
    private int externalTcp;
    private TlsNode node;

    @BeforeEach
    void start() throws Exception {
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        this.node = new TlsNode();
        this.registry.register(new NodeAdvertisement("node", "127.0.0.1", Map.of(NodeAdvertisement.TLS_PORT, Integer.toString(this.node.tls.getLocalPort()),
                NodeAdvertisement.TCP_PORT, Integer.toString(this.node.tcp.getLocalPort()), "sessionId", "tls-node")), NodeSource.HTTP);
        this.startBalancer(TestTls.server(), null);
    }

    /** The balancer with its clients' TLS listener serving the given context, verifying the nodes with the backend one (any node when null). */
    private void startBalancer(javax.net.ssl.SSLContext external, javax.net.ssl.SSLContext backend) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 1;; attempt++) {
            int[] ports = freePorts(4);
            this.externalTls = ports[0];
            this.externalTcp = ports[1];
            SipBalancerSettings defaults = SipBalancerSettings.defaults(List.of(
                    SipListenerSettings.secure(Side.EXTERNAL, "tls", new InetSocketAddress(loopback, this.externalTls), external),
                    SipListenerSettings.of(Side.EXTERNAL, "tcp", new InetSocketAddress(loopback, this.externalTcp)),
                    SipListenerSettings.of(Side.INTERNAL, "tcp", new InetSocketAddress(loopback, ports[2])),
                    SipListenerSettings.secure(Side.INTERNAL, "tls", new InetSocketAddress(loopback, ports[3]), TestTls.server())));
            this.settings = defaults.withTls(new SipBalancerSettings.Tls(false, backend, HANDSHAKE_TIMEOUT_MILLIS));
            this.balancer = new SipBalancer(this.settings, this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()),
                    this.statistics.sip());
            try {
                this.balancer.start();
                return;
            } catch (javax.sip.SipException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        this.balancer.stop();
        this.algorithm.stop();
        this.node.close();
    }

    @Test
    void anInviteOverTlsReachesTheNodeOverTlsAndItsAnswerComesBack() throws Exception {
        try (SSLSocket client = this.client()) {
            client.getOutputStream().write(invite("tls-call", client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            Received invite = this.node.next();
            assertEquals("tls", invite.transport, "the node is reached over TLS");
            assertTrue(invite.text.contains("Via: SIP/2.0/TLS 127.0.0.1:"), invite.text);
            assertEquals(2, recordRoutes(invite.text, "transport=tls"), "both Record-Routes name TLS: " + invite.text);
            invite.answer(200);
            String answers = readUntil(client, "SIP/2.0 200");
            assertTrue(answers.contains("SIP/2.0 100 Trying"), answers);
            assertTrue(answers.contains("SIP/2.0 200 OK"), answers);
        }
    }

    @Test
    void afterAConnectionsFirstRequestItsCallsTakeTheFastPathOverTlsAndTheNodeAndClientGetWhatTheFullPathSends() throws Exception {
        try (SSLSocket client = this.client()) {
            this.callsOnOneConnectionTakeTheFastPathAndMatchTheFullPath(client, "tls", "TLS");
        }
    }

    @Test
    void afterAConnectionsFirstRequestItsCallsTakeTheFastPathOverTcpAndTheNodeAndClientGetWhatTheFullPathSends() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), this.externalTcp)) {
            client.setSoTimeout(10_000);
            this.callsOnOneConnectionTakeTheFastPathAndMatchTheFullPath(client, "tcp", "TCP");
        }
    }

    /**
     * The first call on a connection takes the full path (jain-sip learns the connection from it); the next ones are
     * relayed by the fast path, request and answer, and everything the node and the client see is what the full path
     * made of the first call, but for the Call-ID. The client's Via names another port than its connection's, and the
     * INVITEs carry a body, so the node is told where the client really is.
     */
    private void callsOnOneConnectionTakeTheFastPathAndMatchTheFullPath(Socket client, String transport, String via) throws Exception {
        int calls = 5;
        List<String> firstInvite = null;
        List<String> firstAnswers = null;
        long relayedBefore = 0;
        for (int call = 0; call < calls; call++) {
            String callId = "stream-call-" + call;
            client.getOutputStream().write(invite(callId, CLAIMED_PORT, via, "v=0\r\n").getBytes(StandardCharsets.US_ASCII));
            Received invite = this.node.next();
            assertEquals(transport, invite.transport, "the node is reached over the client's transport");
            invite.answer(200);
            String answers = readUntil(client, "SIP/2.0 200");
            assertTrue(answers.contains("SIP/2.0 100 Trying") && answers.contains("SIP/2.0 200 OK"), answers);
            List<String> nodeSaw = headerEntries(invite.text.replace(callId, "CALL"));
            List<String> clientSaw = headerEntries(answers.replace(callId, "CALL"));
            if (call == 0) {
                firstInvite = nodeSaw;
                firstAnswers = clientSaw;
                assertTrue(nodeSaw.contains("Via: SIP/2.0/" + via + " 127.0.0.1:" + CLAIMED_PORT + ";branch=z9hG4bK-CALL;rport=" + client.getLocalPort()),
                        "the client's Via records its connection's port: " + nodeSaw);
                assertTrue(nodeSaw.contains(SipRules.INITIAL_REMOTE_PORT + ": " + client.getLocalPort()), "the node learns the connection's port: " + nodeSaw);
                relayedBefore = this.balancer.fastPathRelayed();
            } else {
                assertEquals(firstInvite, nodeSaw, "the node gets what the full path sent for the first call");
                assertEquals(firstAnswers, clientSaw, "the client gets what the full path sent for the first call");
            }
        }
        // each later call: the INVITE and its 200; the first of them may still follow the first call's full path
        long relayed = this.balancer.fastPathRelayed() - relayedBefore;
        assertTrue(relayed >= 2 * (calls - 1) - 1, "relayed by the fast path: " + relayed);
    }

    @Test
    void aRequestBehindOneTheFullPathTakesIsNotOvertakenOnItsConnection() throws Exception {
        try (SSLSocket client = this.client()) {
            client.getOutputStream().write(invite("opening", client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            this.node.next().answer(200);
            readUntil(client, "SIP/2.0 200");
            for (int round = 0; round < 5; round++) {
                // no Max-Forwards: the full path's (it adds one); the next request right behind it could take the fast path
                String slow = invite("slow-" + round, client.getLocalPort()).replace("Max-Forwards: 70\r\n", "");
                String fast = invite("fast-" + round, client.getLocalPort());
                client.getOutputStream().write((slow + fast).getBytes(StandardCharsets.US_ASCII));
                assertTrue(this.node.next().text.contains("Call-ID: slow-" + round), "the earlier request first");
                assertTrue(this.node.next().text.contains("Call-ID: fast-" + round), "then the one behind it");
            }
        }
    }

    @Test
    void withTerminateTlsTheNodeIsReachedOverTcpAndEachRecordRouteNamesItsSide() throws Exception {
        this.balancer.reconfigure(this.settings.withTls(new SipBalancerSettings.Tls(true, TestTls.client(), HANDSHAKE_TIMEOUT_MILLIS)));
        try (SSLSocket client = this.client()) {
            client.getOutputStream().write(invite("terminated-call", client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            Received invite = this.node.next();
            assertEquals("tcp", invite.transport, "terminate-tls: the node is reached over TCP");
            assertTrue(invite.text.contains("Via: SIP/2.0/TCP 127.0.0.1:"), invite.text);
            assertEquals(1, recordRoutes(invite.text, "transport=tls"), "the clients' Record-Route names TLS: " + invite.text);
            assertEquals(1, recordRoutes(invite.text, "transport=tcp"), "the nodes' Record-Route names TCP: " + invite.text);
            invite.answer(180);
            assertTrue(readUntil(client, "SIP/2.0 180").contains("SIP/2.0 180 Ringing"), "the answer comes back over TLS");
        }
    }

    @Test
    void plainTextAndSilenceOnTheTlsPortAreClosedAndCountedAndTheListenerKeepsServing() throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), this.externalTls); Socket silent = new Socket(InetAddress.getLoopbackAddress(), this.externalTls)) {
            plain.getOutputStream().write(invite("plain", plain.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertTrue(closedWithin(plain, 5000), "plain text on the TLS port is cut");
            long started = System.nanoTime();
            assertTrue(closedWithin(silent, 5000), "a handshake that never starts is cut");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= HANDSHAKE_TIMEOUT_MILLIS - 200, "not before the handshake timeout: " + millis + " ms");
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (this.statistics.tlsHandshakeFailures().count() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, this.statistics.tlsHandshakeFailures().count());
        try (SSLSocket client = this.client()) {
            client.getOutputStream().write(invite("after-garbage", client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertEquals("tls", this.node.next().transport, "the listener still serves");
        }
        assertEquals(2, this.statistics.tlsHandshakeFailures().count(), "a good handshake is not a failure");
    }

    @Test
    void aContextNeedingClientCertificatesRefusesAClientWithoutOneAndServesOneWithATrustedOne() throws Exception {
        // jain-sip turns client authentication off on every engine; the listener gives it back as its context says
        this.balancer.stop();
        this.startBalancer(TestTls.serverRequiringClientCertificates(), null);
        try (SSLSocket anonymous = (SSLSocket) TestTls.client().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), this.externalTls)) {
            anonymous.setEnabledProtocols(new String[] {"TLSv1.2"});
            anonymous.setSoTimeout(10_000);
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> {
                anonymous.startHandshake();
                anonymous.getOutputStream().write(invite("anonymous", anonymous.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
                anonymous.getInputStream().read();
                throw new AssertionError("a client without a certificate was served");
            });
        }
        try (SSLSocket certified = (SSLSocket) TestTls.mutual().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), this.externalTls)) {
            certified.setSoTimeout(10_000);
            certified.startHandshake();
            certified.getOutputStream().write(invite("certified", certified.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertEquals("tls", this.node.next().transport, "a client with a trusted certificate is served");
        }
    }

    @Test
    void aBackendContextThatDoesNotTrustTheNodeKeepsTheRequestFromItAndOneThatDoesLetsItThrough() throws Exception {
        this.balancer.stop();
        this.startBalancer(TestTls.server(), trustingNothing());
        try (SSLSocket client = this.client()) {
            client.getOutputStream().write(invite("untrusted-node", client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertEquals(null, this.node.poll(3), "a node whose certificate backend-ssl-context does not trust gets nothing");
        }
        this.balancer.stop();
        this.startBalancer(TestTls.server(), TestTls.client());
        try (SSLSocket client = this.client()) {
            client.getOutputStream().write(invite("trusted-node", client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertEquals("tls", this.node.next().transport, "a node whose certificate backend-ssl-context trusts is reached over TLS");
        }
    }

    /** A client context whose trust store is empty. */
    private static javax.net.ssl.SSLContext trustingNothing() throws Exception {
        java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(empty);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private SSLSocket client() throws IOException {
        SSLSocket socket = (SSLSocket) TestTls.client().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), this.externalTls);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static String invite(String callId, int port) {
        return invite(callId, port, "TLS");
    }

    private static String invite(String callId, int port, String transport) {
        return invite(callId, port, transport, "");
    }

    private static String invite(String callId, int port, String transport, String body) {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " 127.0.0.1:" + port + ";branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + port + ";transport=" + transport.toLowerCase(java.util.Locale.ROOT) + ">\r\n"
                + (body.isEmpty() ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /**
     * The start line and header entries of each message in the text, one per Via, Route and Record-Route value
     * whether the sender wrote them on one line or several (jain-sip joins them); within a message, entries by name,
     * each name's in the order written (the order of different names means nothing).
     */
    private static List<String> headerEntries(String text) {
        List<String> all = new java.util.ArrayList<>();
        for (String message : text.split("\r\n\r\n")) {
            String[] lines = message.split("\r\n");
            all.add(lines[0]);
            List<String> entries = new java.util.ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int colon = line.indexOf(':');
                String name = (colon > 0) ? line.substring(0, colon) : "";
                if (List.of("Via", "Route", "Record-Route").contains(name)) {
                    for (String value : line.substring(colon + 1).split(",")) {
                        entries.add(name + ": " + value.trim());
                    }
                } else if (!line.isEmpty()) {
                    entries.add(line);
                }
            }
            entries.sort(java.util.Comparator.comparing(entry -> entry.substring(0, Math.max(0, entry.indexOf(':')))));
            all.addAll(entries);
        }
        return all;
    }

    /** Record-Route values (one per line or comma-separated) that contain the part. */
    private static long recordRoutes(String text, String part) {
        return java.util.Arrays.stream(text.split("\r\n")).filter(line -> line.startsWith("Record-Route:"))
                .flatMap(line -> java.util.Arrays.stream(line.substring("Record-Route:".length()).split(",")))
                .filter(value -> value.contains(part)).count();
    }

    private static String readUntil(Socket socket, String text) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (!read.toString(StandardCharsets.US_ASCII).contains(text)) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read.write(buffer, 0, n);
        }
        return read.toString(StandardCharsets.US_ASCII);
    }

    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (socket.getInputStream().read() >= 0) {
                // whatever the balancer answers before it closes
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // reset: closed too
            return true;
        }
    }

    /** Ports free now, all different: each is held open until all are found. */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    /** A request the node read, and the connection to answer it on. */
    private record Received(String transport, String text, Socket connection) {
        void answer(int status) throws IOException {
            StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append(status == 200 ? " OK" : " Ringing").append("\r\n");
            for (String line : this.text.split("\r\n")) {
                String name = line.contains(":") ? line.substring(0, line.indexOf(':')) : "";
                if (List.of("Via", "From", "Call-ID", "CSeq").contains(name)) {
                    response.append(line).append("\r\n");
                } else if (name.equals("To")) {
                    response.append(line).append(";tag=node\r\n");
                }
            }
            response.append("Content-Length: 0\r\n\r\n");
            this.connection.getOutputStream().write(response.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A node listening on TLS (its tlsPort) and TCP (its tcpPort); each request it reads is queued with its transport. */
    private static final class TlsNode implements AutoCloseable {
        final SSLServerSocket tls;
        final ServerSocket tcp;
        private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

        TlsNode() throws IOException {
            this.tls = (SSLServerSocket) TestTls.server().getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            accept(this.tls, "tls");
            accept(this.tcp, "tcp");
        }

        private void accept(ServerSocket server, String transport) {
            Thread thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket connection = server.accept();
                        Thread reader = new Thread(() -> this.read(connection, transport));
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "tls-node-" + transport);
            thread.setDaemon(true);
            thread.start();
        }

        /** Requests as the test sends them: a header section up to its blank line, then Content-Length bytes. */
        private void read(Socket connection, String transport) {
            try {
                InputStream in = connection.getInputStream();
                StringBuilder text = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    text.append((char) c);
                    if (text.length() >= 4 && text.lastIndexOf("\r\n\r\n") == text.length() - 4) {
                        if (!text.toString().startsWith("\r\n")) {
                            java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\nContent-Length: *(\\d+)").matcher(text);
                            for (int body = length.find() ? Integer.parseInt(length.group(1)) : 0; body > 0; body--) {
                                text.append((char) in.read());
                            }
                            this.received.add(new Received(transport, text.toString(), connection));
                        }
                        text.setLength(0);
                    }
                }
            } catch (IOException e) {
                // the balancer closed the connection
            }
        }

        /** The next request within the seconds, or null. */
        Received poll(int seconds) throws InterruptedException {
            return this.received.poll(seconds, TimeUnit.SECONDS);
        }

        Received next() throws InterruptedException {
            Received request = this.received.poll(10, TimeUnit.SECONDS);
            if (request == null) {
                throw new AssertionError("the node received nothing within 10 s");
            }
            return request;
        }

        @Override
        public void close() throws IOException {
            this.tls.close();
            this.tcp.close();
        }
    }
}

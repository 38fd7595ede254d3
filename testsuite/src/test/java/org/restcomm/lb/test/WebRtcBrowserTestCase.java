package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A real WebRTC client through the balancer: JsSIP in headless Chromium registers and calls over the external
 * WebSocket listener, the node is Kamailio (registrar and record-routing proxy, registered by the JSON heartbeat),
 * and the callee behind it is sipp answering with a browser's kind of SDP.
 */
public class WebRtcBrowserTestCase extends LoadBalancerTestCase {

    private static final Path PEERS = Path.of(System.getProperty("browser.peers.dir", "src/test/browser")).toAbsolutePath();
    private static final Path WORK = Path.of("target", "browser").toAbsolutePath();
    private static final int WS_PORT = 5084;
    /** The layer's load-balancer-sip-external-wss. */
    private static final int WSS_PORT = 5083;
    private static final int KAMAILIO_PORT = 5151;
    private static final int CALLEE_PORT = 5152;
    private static final long SESSION = 97151L;
    private static final String NODE = "127.0.0.1:" + KAMAILIO_PORT;

    private LoggedProcess kamailio;
    private Sipp callee;
    private ScheduledExecutorService heartbeating;

    /** npm ci installs the locked jssip, esbuild and playwright-core; playwright-core drives Debian's chromium, it downloads no browser. */
    @BeforeAll
    static void installBrowserPackages() throws Exception {
        NpmPackages.install(PEERS, "jssip", "esbuild", "playwright-core");
    }

    @BeforeEach
    void startNode(TestInfo test) throws Exception {
        Files.createDirectories(WORK);
        Path run = Files.createDirectories(WORK.resolve("kamailio-run"));
        this.kamailio = LoggedProcess.start(List.of("kamailio", "-DD", "-E", "-f", PEERS.resolve("kamailio.cfg").toString(),
                "-l", "udp:127.0.0.1:" + KAMAILIO_PORT, "-l", "tcp:127.0.0.1:" + KAMAILIO_PORT, "-Y", run.toString(), "-m", "32", "-M", "8"),
                WORK, WORK.resolve("kamailio-" + test.getTestMethod().orElseThrow().getName() + ".log"));
        this.callee = Sipp.scenario(PEERS.resolve("callee.xml"), CALLEE_PORT, 1, WORK);
        registerCallee();
        // Kamailio is a node as any: the test speaks the JSON heartbeat for it, more often than node-timeout (8.4 s)
        this.heartbeating = Executors.newSingleThreadScheduledExecutor();
        this.heartbeating.scheduleWithFixedDelay(this::beat, 0, 1, TimeUnit.SECONDS);
        // a node left by an earlier test would take the call; it is gone within node-timeout
        Management.await("Kamailio the only node", 20_000, () -> this.management.nodeNames().equals(List.of(NODE)));
    }

    private void beat() {
        try {
            this.heartbeats.start(Map.of("hostName", "kamailio", "ip", "127.0.0.1", "udpPort", Integer.toString(KAMAILIO_PORT),
                    "tcpPort", Integer.toString(KAMAILIO_PORT), "version", "1", "sessionId", Long.toString(SESSION)));
        } catch (Exception e) {
            // the next beat tries again; the wait for registration reports a failure
        }
    }

    /** The callee sipp registers at Kamailio directly, as a phone in the cluster's own network would: bob at 127.0.0.1:CALLEE_PORT. */
    private void registerCallee() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(500);
            String register = "REGISTER sip:127.0.0.1:" + KAMAILIO_PORT + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-bob-" + System.nanoTime() + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;tag=bob\r\nTo: <sip:bob@127.0.0.1>\r\n"
                    + "Call-ID: webrtc-callee-" + System.nanoTime() + "\r\nCSeq: 1 REGISTER\r\n"
                    + "Contact: <sip:bob@127.0.0.1:" + CALLEE_PORT + ">\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = register.getBytes(StandardCharsets.US_ASCII);
            byte[] buffer = new byte[4096];
            long deadline = System.currentTimeMillis() + 30_000;
            // Kamailio answers once it listens; until then the REGISTER is sent again
            while (System.currentTimeMillis() < deadline && this.kamailio.alive()) {
                socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", KAMAILIO_PORT)));
                try {
                    DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                    socket.receive(answer);
                    String status = new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII);
                    assertTrue(status.startsWith("SIP/2.0 200"), () -> "Kamailio registered the callee: " + status + this.kamailio.output());
                    return;
                } catch (SocketTimeoutException e) {
                    // not listening yet
                }
            }
            throw new AssertionError("Kamailio did not answer the callee's REGISTER within 30 s:\n" + this.kamailio.output());
        }
    }

    @AfterEach
    void stopNode() throws Exception {
        this.heartbeating.shutdownNow();
        this.heartbeating.awaitTermination(5, TimeUnit.SECONDS);
        this.heartbeats.command("stop", SESSION);
        this.callee.close();
        this.kamailio.close();
    }

    @Test
    void browserRegistersAndCompletesACallOverWebSocket() throws Exception {
        // /socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external-ws-browser:add(port=5084)
        // /subsystem=load-balancer/sip=default/listener=external-ws-browser:add(side=external, transport=ws, socket-binding=load-balancer-sip-external-ws-browser){allow-resource-service-restart=true}
        try (AutoCloseable listener = this.management.webSocketListener("external-ws-browser", WS_PORT)) {
            this.callThroughTheBalancer("ws://127.0.0.1:" + WS_PORT, "ws");
        }
    }

    @Test
    void browserRegistersAndCompletesACallOverSecureWebSocket() throws Exception {
        // the key pair Elytron generates is trusted by no one: Chromium runs with --ignore-certificate-errors
        try (ServerSslContext tls = ServerSslContext.generate(this.management, "lb-webrtc");
                AutoCloseable listener = this.management.secureWebSocketListener("external-wss-browser", tls.name())) {
            assertEquals(tls.subject(), servedCertificateSubject(WSS_PORT), "the WSS listener shows the ssl-context's certificate");
            this.callThroughTheBalancer("wss://127.0.0.1:" + WSS_PORT, "wss");
        }
    }

    /** The subject of the certificate a TLS listener shows: the handshake alone, trusting any certificate. */
    private static String servedCertificateSubject(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) HttpsBalancingTestCase.trustingAnyServer(null).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName(X500Principal.RFC2253);
        }
    }

    /** The browser registers, calls bob and hangs up; the node and the callee must have seen every request of it. */
    private void callThroughTheBalancer(String server, String name) throws Exception {
        Management.await("Kamailio registered after the SIP engine restart", 20_000, () -> this.management.nodeNames().contains(NODE));
        LoggedProcess browser = LoggedProcess.start(List.of("node", PEERS.resolve("call.js").toString(), server, "127.0.0.1", "alice", "bob",
                WORK.resolve(name).toString()), PEERS, WORK.resolve(name + "-browser.log"));
        int exit;
        try (browser) {
            exit = browser.await(180);
        }
        String report = "\n--- browser:\n" + browser.output() + "\n--- Kamailio (the node):\n" + this.kamailio.output()
                + "\n--- sipp (the callee):\n" + this.callee.messages();
        assertEquals(0, exit, () -> "the browser registered, called and hung up" + report);
        String log = browser.output();
        for (String event : List.of("REGISTERED 200", "CONFIRMED", "REMOTE SDP answer with fingerprint", "ENDED local Terminated", "DONE")) {
            assertTrue(log.contains(event), () -> "browser event " + event + report);
        }
        assertEquals(0, this.callee.await(30), () -> "the callee took INVITE, ACK and BYE and answered the BYE" + report);
        String callee = this.callee.messages();
        for (String method : List.of("INVITE", "ACK", "BYE")) {
            assertTrue(Pattern.compile("^" + method + " sip:bob@127\\.0\\.0\\.1:" + CALLEE_PORT + "[; ]", Pattern.MULTILINE).matcher(callee).find(), () -> "the callee got the " + method + report);
        }
        // every request of the browser reached the node from the balancer's internal UDP listener, its Via on top: the
        // node advertises no wsPort, so UDP is the transport both sides have
        String node = this.kamailio.output();
        for (String method : List.of("REGISTER", "INVITE", "ACK", "BYE")) {
            Matcher got = Pattern.compile("NODE GOT " + method + " \\S+ from udp:127\\.0\\.0\\.1:5065 via SIP/2\\.0/UDP 127\\.0\\.0\\.1:5065;").matcher(node);
            assertTrue(got.find(), () -> "the node got the browser's " + method + " from the balancer" + report);
        }
    }
}

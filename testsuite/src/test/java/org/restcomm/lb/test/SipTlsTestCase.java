package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLSocket;
import javax.sip.address.SipURI;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestTls;

/**
 * SIP over TLS and WSS through the provisioned server, with key material made in the test and handed to Elytron
 * through its management operations: an external TLS listener on 5061, an internal one on 5066 and an external WSS
 * one on 5083, each serving an Elytron server-ssl-context; a jain-sip node that speaks TLS and a jain-sip caller
 * that does too. Every Elytron resource, listener and attribute a test adds is removed again, in reverse order.
 */
public class SipTlsTestCase extends LoadBalancerTestCase {

    private static final ModelNode ELYTRON = Operations.createAddress("subsystem", "elytron");
    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");
    private static final int NODE = 5156;
    private static final int CALLER = 5161;
    private static final int CALLEE = 5171;
    private static final long SESSION = 95151L;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 1000;
    private static final String PASSWORD = SipAgent.TLS_PASSWORD;

    private final List<ModelNode> cleanup = new ArrayList<>();
    private Path directory;
    private Path balancerKeys;
    private SipAgent node;
    private SipAgent caller;
    private ScheduledExecutorService heartbeating;
    private String serverStateBefore;

    @BeforeEach
    void secureListeners() throws Exception {
        this.serverStateBefore = this.management.success(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state")).asString();
        this.directory = Files.createDirectories(Path.of("target", "sip-tls").toAbsolutePath());
        this.balancerKeys = this.directory.resolve("balancer.p12");
        keyPair(this.balancerKeys, "CN=lb-one");
        Path agentKeys = this.directory.resolve("agent.p12");
        TestTls.writeKeyStore(agentKeys, PASSWORD);

        // /subsystem=elytron/key-store=lb-sip:add(path=<balancer.p12>, type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(elytron("key-store", "lb-sip"));
        keyStore.get("path").set(this.balancerKeys.toString());
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set(PASSWORD);
        this.add(keyStore);
        // /subsystem=elytron/key-manager=lb-sip:add(key-store=lb-sip, credential-reference={clear-text=secret})
        ModelNode keyManager = Operations.createAddOperation(elytron("key-manager", "lb-sip"));
        keyManager.get("key-store").set("lb-sip");
        keyManager.get("credential-reference", "clear-text").set(PASSWORD);
        this.add(keyManager);
        // /subsystem=elytron/server-ssl-context=lb-sip-server:add(key-manager=lb-sip)
        ModelNode server = Operations.createAddOperation(elytron("server-ssl-context", "lb-sip-server"));
        server.get("key-manager").set("lb-sip");
        this.add(server);

        // batch
        // /subsystem=load-balancer/sip=default/listener=external-tls:add(side=external, transport=tls, socket-binding=load-balancer-sip-external-tls, ssl-context=lb-sip-server)
        // /subsystem=load-balancer/sip=default/listener=internal-tls:add(side=internal, transport=tls, socket-binding=load-balancer-sip-internal-tls, ssl-context=lb-sip-server)
        // /subsystem=load-balancer/sip=default/listener=external-wss:add(side=external, transport=wss, socket-binding=load-balancer-sip-external-wss, ssl-context=lb-sip-server)
        // /subsystem=load-balancer/sip=default:write-attribute(name=handshake-timeout, value=1000)
        // run-batch --headers={allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.CompositeOperationBuilder.create()
                .addStep(listener("external-tls", "external", "tls", "load-balancer-sip-external-tls"))
                .addStep(listener("internal-tls", "internal", "tls", "load-balancer-sip-internal-tls"))
                .addStep(listener("external-wss", "external", "wss", "load-balancer-sip-external-wss"))
                .addStep(Operations.createWriteAttributeOperation(SIP, "handshake-timeout", HANDSHAKE_TIMEOUT_MILLIS))
                .build().getOperation()));
        this.cleanup.add(Management.restarting(Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createRemoveOperation(listenerAddress("external-tls")))
                .addStep(Operations.createRemoveOperation(listenerAddress("internal-tls")))
                .addStep(Operations.createRemoveOperation(listenerAddress("external-wss")))
                .addStep(Operations.createUndefineAttributeOperation(SIP, "handshake-timeout"))
                .build().getOperation()));

        this.node = SipAgent.tlsNode(NODE, agentKeys);
        this.caller = SipAgent.tlsCaller(CALLER, agentKeys);
        this.heartbeating = Executors.newSingleThreadScheduledExecutor();
        this.heartbeating.scheduleWithFixedDelay(this::beat, 0, 1, TimeUnit.SECONDS);
        Management.await("the TLS node registered", 10_000, () -> this.management.nodeNames().contains("127.0.0.1:" + NODE));
    }

    /** The node's start, again every second: a start for a known session is a heartbeat. */
    private void beat() {
        try {
            this.heartbeats.start(Map.of("hostName", "tls-node", "ip", "127.0.0.1", "udpPort", Integer.toString(NODE), "tcpPort", Integer.toString(NODE),
                    "tlsPort", Integer.toString(this.node.localPort("tls")), "version", "0", "sessionId", Long.toString(SESSION)));
        } catch (IOException e) {
            // the next beat tries again; a node that never registers fails the set-up's wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void removeWhatTheTestAdded() throws Exception {
        this.heartbeating.shutdownNow();
        this.heartbeating.awaitTermination(5, TimeUnit.SECONDS);
        this.heartbeats.command("stop", SESSION);
        if (this.caller != null) {
            this.caller.close();
        }
        if (this.node != null) {
            this.node.close();
        }
        for (int i = this.cleanup.size() - 1; i >= 0; i--) {
            this.management.success(this.cleanup.get(i));
        }
        assertEquals(this.serverStateBefore,
                this.management.success(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state")).asString(),
                "no reload left pending by this test");
    }

    @Test
    void aTlsCallReachesTheTlsNodeOverTlsFromInviteToBye() throws Exception {
        SipAgent.Call call = this.caller.call("tls", 5061, "alice");
        call.awaitAnswer();
        Request invite = this.node.awaitRequest(Request.INVITE, 5000);
        assertNotNull(invite, "the node got the INVITE");
        ViaHeader top = (ViaHeader) invite.getHeader(ViaHeader.NAME);
        assertEquals("TLS", top.getTransport().toUpperCase(), "the node is reached over TLS: " + invite);
        assertEquals(5066, top.getPort(), "out of the internal TLS listener: " + invite);
        assertEquals(List.of("tls", "tls"), recordRouteTransports(invite), invite::toString);
        call.hangUp();
        // the ACK leaves the caller before the BYE, but the balancer may relay the two on different threads
        assertTrue(this.node.awaitRequests(10_000, Request.ACK, Request.BYE), "the ACK and the BYE followed the Record-Route over TLS");
    }

    @Test
    void withTerminateTlsTheCallReachesTheNodeOverTcp() throws Exception {
        // /subsystem=load-balancer/sip=default:write-attribute(name=terminate-tls, value=true)
        this.management.success(Operations.createWriteAttributeOperation(SIP, "terminate-tls", true));
        this.cleanup.add(Operations.createUndefineAttributeOperation(SIP, "terminate-tls"));
        SipAgent.Call call = this.caller.call("tls", 5061, "terminated");
        call.awaitAnswer();
        Request invite = this.node.awaitRequest(Request.INVITE, 5000);
        assertNotNull(invite, "the node got the INVITE");
        assertEquals("TCP", ((ViaHeader) invite.getHeader(ViaHeader.NAME)).getTransport().toUpperCase(), "terminated: TCP to the node: " + invite);
        assertEquals(List.of("tcp", "tls"), recordRouteTransports(invite), "the nodes' Record-Route names TCP, the clients' TLS: " + invite);
        call.hangUp();
        Request bye = this.node.awaitRequest(Request.BYE, 5000);
        assertNotNull(bye, "the BYE reached the node");
        assertEquals("TCP", ((ViaHeader) bye.getHeader(ViaHeader.NAME)).getTransport().toUpperCase(), bye::toString);
    }

    @Test
    void aServerInitiatedInviteFromTheTlsNodeReachesATlsClient() throws Exception {
        // the node's side is a JDK TLS client on 5066 (jain-sip's own TLS client is unreliable, see SipAgent); the client is a jain-sip agent called over TLS
        try (SipAgent callee = SipAgent.tlsNode(CALLEE, this.directory.resolve("agent.p12"));
                SSLSocket node = (SSLSocket) ElytronHttpsTestCase.trustingAnyServer(null).getSocketFactory().createSocket("127.0.0.1", 5066)) {
            node.setSoTimeout(10_000);
            node.startHandshake();
            int nodeTls = this.node.localPort("tls");
            String invite = "INVITE sip:alice@127.0.0.1:" + callee.localPort("tls") + ";transport=tls SIP/2.0\r\n"
                    // sent-by is the node's listening address, as a SIP server writes it; rport brings the answer back on this connection
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + nodeTls + ";branch=z9hG4bK-srv1;rport\r\n"
                    + "Route: <sip:127.0.0.1:5066;transport=tls;lr;node_host=127.0.0.1;node_port=" + nodeTls + ">\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:app@127.0.0.1>;tag=srv\r\n"
                    + "To: <sip:alice@127.0.0.1>\r\n"
                    + "Call-ID: server-initiated-tls\r\n"
                    + "CSeq: 1 INVITE\r\n"
                    + "Contact: <sip:app@127.0.0.1:" + nodeTls + ";transport=tls>\r\n"
                    + "Content-Length: 0\r\n\r\n";
            node.getOutputStream().write(invite.getBytes(StandardCharsets.US_ASCII));

            Request received = callee.awaitRequest(Request.INVITE, 10_000);
            assertNotNull(received, "the client got the node's INVITE");
            ViaHeader top = (ViaHeader) received.getHeader(ViaHeader.NAME);
            assertEquals("TLS", top.getTransport().toUpperCase(), "over TLS from the external side: " + received);
            assertEquals(5061, top.getPort(), received::toString);
            assertEquals(List.of("tls", "tls"), recordRouteTransports(received), received::toString);
            assertTrue(readUntil(node, "SIP/2.0 200").contains("SIP/2.0 200"), "the client's 200 came back to the node over TLS");
        }
    }

    @Test
    void aWssCallReachesTheNodeAndEndsWithBye() throws Exception {
        try (SipWebSocket browser = SipWebSocket.connectSecure(5083, ElytronHttpsTestCase.trustingAnyServer(null))) {
            String via = "SIP/2.0/WSS df7jal23ls0d.invalid;rport";
            browser.send(SipWebSocket.request("INVITE", 1, via, "z9hG4bK-wss1", List.of(), "wss-call-1", "wss"));
            String ok = browser.awaitStatus("200", "INVITE");
            List<String> routes = new ArrayList<>(SipWebSocket.headerValues(ok, "Record-Route"));
            assertEquals(2, routes.size(), ok);
            assertTrue(routes.get(routes.size() - 1).contains("transport=wss"), "the clients' Record-Route names WSS: " + ok);
            Collections.reverse(routes);
            browser.send(SipWebSocket.request("ACK", 1, via, "z9hG4bK-wss2", routes, "wss-call-1", "wss"));
            browser.send(SipWebSocket.request("BYE", 2, via, "z9hG4bK-wss3", routes, "wss-call-1", "wss"));
            browser.awaitStatus("200", "BYE");
        }
        assertNotNull(this.node.awaitRequest(Request.INVITE, 5000), "the node got the INVITE sent over WSS");
        assertNotNull(this.node.awaitRequest(Request.ACK, 5000));
        assertNotNull(this.node.awaitRequest(Request.BYE, 5000));
    }

    @Test
    void needClientAuthRefusesAClientWithoutACertificateAndServesOneWithATrustedCertificate() throws Exception {
        Path trust = this.directory.resolve("trust.p12");
        TestTls.writeTrustStore(trust, PASSWORD);
        // /subsystem=elytron/key-store=lb-sip-trust:add(path=<trust.p12>, type=PKCS12, credential-reference={clear-text=secret})
        ModelNode trustStore = Operations.createAddOperation(elytron("key-store", "lb-sip-trust"));
        trustStore.get("path").set(trust.toString());
        trustStore.get("type").set("PKCS12");
        trustStore.get("credential-reference", "clear-text").set(PASSWORD);
        this.add(trustStore);
        // /subsystem=elytron/trust-manager=lb-sip-trust:add(key-store=lb-sip-trust)
        ModelNode trustManager = Operations.createAddOperation(elytron("trust-manager", "lb-sip-trust"));
        trustManager.get("key-store").set("lb-sip-trust");
        this.add(trustManager);
        // /subsystem=elytron/server-ssl-context=lb-sip-mutual:add(key-manager=lb-sip, trust-manager=lb-sip-trust, need-client-auth=true)
        ModelNode mutual = Operations.createAddOperation(elytron("server-ssl-context", "lb-sip-mutual"));
        mutual.get("key-manager").set("lb-sip");
        mutual.get("trust-manager").set("lb-sip-trust");
        mutual.get("need-client-auth").set(true);
        this.add(mutual);
        // /subsystem=load-balancer/sip=default/listener=external-tls:write-attribute(name=ssl-context, value=lb-sip-mutual){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(listenerAddress("external-tls"), "ssl-context", "lb-sip-mutual")));
        this.cleanup.add(Management.restarting(Operations.createWriteAttributeOperation(listenerAddress("external-tls"), "ssl-context", "lb-sip-server")));
        long failures = this.failedHandshakes();

        assertThrows(IOException.class, () -> {
            try (SSLSocket anonymous = connect(null)) {
                anonymous.getOutputStream().write(options("anonymous", anonymous.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
                if (readUntil(anonymous, "SIP/2.0 200").contains("SIP/2.0 200")) {
                    throw new AssertionError("a client without a certificate was served");
                }
                throw new IOException("closed without an answer");
            }
        }, "a client without a certificate is refused");
        Management.await("the refused handshake counted", 10_000, () -> this.failedHandshakes() > failures);

        try (SSLSocket trusted = connect(TestTls.keyManagers())) {
            trusted.getOutputStream().write(options("trusted", trusted.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertTrue(readUntil(trusted, "SIP/2.0 200").contains("SIP/2.0 200"), "a client with a trusted certificate is served");
        }
    }

    @Test
    void anSslContextOnAUdpListenerAndATlsListenerWithoutOneAreRefusedNamingItAndNothingIsApplied() throws Exception {
        ModelNode udp = listenerAddress("external-udp");
        // /subsystem=load-balancer/sip=default/listener=external-udp:write-attribute(name=ssl-context, value=lb-sip-server){allow-resource-service-restart=true}
        ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(udp, "ssl-context", "lb-sip-server")));
        assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("ssl-context"), outcome::toString);
        assertFalse(this.management.read(udp, "ssl-context").isDefined(), "nothing was applied");
        // /subsystem=load-balancer/sip=default/listener=external-tls:undefine-attribute(name=ssl-context){allow-resource-service-restart=true}
        outcome = this.management.execute(Management.restarting(Operations.createUndefineAttributeOperation(listenerAddress("external-tls"), "ssl-context")));
        assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("ssl-context"), outcome::toString);
        assertEquals("lb-sip-server", this.management.read(listenerAddress("external-tls"), "ssl-context").asString(), "nothing was applied");
        this.servesATlsRequest("after-refusals");
    }

    @Test
    void aCertificateRotatedThroughElytronIsServedOnTheNextConnectionAndOpenOnesKeepWorking() throws Exception {
        try (SSLSocket before = connect(null)) {
            assertEquals("CN=lb-one", subject(before));
            keyPair(this.balancerKeys, "CN=lb-two");
            // /subsystem=elytron/key-store=lb-sip:load
            this.management.success(Operations.createOperation("load", elytron("key-store", "lb-sip")));
            // /subsystem=elytron/key-manager=lb-sip:init
            this.management.success(Operations.createOperation("init", elytron("key-manager", "lb-sip")));
            try (SSLSocket after = connect(null)) {
                assertEquals("CN=lb-two", subject(after), "the next handshake serves the new certificate");
                after.getOutputStream().write(options("after-rotation", after.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
                assertTrue(readUntil(after, "SIP/2.0 200").contains("SIP/2.0 200"));
            }
            before.getOutputStream().write(options("open-across-rotation", before.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertTrue(readUntil(before, "SIP/2.0 200").contains("SIP/2.0 200"), "the connection opened before the rotation still works");
        }
    }

    @Test
    void plainTextGarbageAndAStalledHandshakeAreClosedAndCountedAndTheListenerServesOn() throws Exception {
        long failures = this.failedHandshakes();
        try (Socket plain = new Socket("127.0.0.1", 5061)) {
            plain.getOutputStream().write(options("plain", plain.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertTrue(closedWithin(plain, 10_000), "plain text on the TLS port is cut");
        }
        this.servesATlsRequest("after-plain");
        try (Socket garbage = new Socket("127.0.0.1", 5061)) {
            byte[] noise = new byte[512];
            new java.util.Random(7).nextBytes(noise);
            garbage.getOutputStream().write(noise);
            assertTrue(closedWithin(garbage, 10_000), "garbage on the TLS port is cut");
        }
        this.servesATlsRequest("after-garbage");
        try (Socket stalled = new Socket("127.0.0.1", 5061)) {
            // a TLS handshake record header announcing 512 bytes, then silence
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
            long started = System.nanoTime();
            assertTrue(closedWithin(stalled, 15_000), "a handshake that never finishes is cut");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis >= HANDSHAKE_TIMEOUT_MILLIS - 200, "not before handshake-timeout: " + millis + " ms");
        }
        this.servesATlsRequest("after-stall");
        // /subsystem=load-balancer:read-attribute(name=tls-handshake-failures)
        Management.await("three failed handshakes counted", 10_000, () -> this.failedHandshakes() == failures + 3);
        assertEquals(failures + 3, this.failedHandshakes(), "each bad connection counts once, good ones never");
    }

    private void servesATlsRequest(String callId) throws Exception {
        try (SSLSocket client = connect(null)) {
            client.getOutputStream().write(options(callId, client.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
            assertTrue(readUntil(client, "SIP/2.0 200").contains("SIP/2.0 200"), "the TLS listener serves on after " + callId);
        }
    }

    private long failedHandshakes() {
        return this.management.read(Management.SUBSYSTEM, "tls-handshake-failures").asLong();
    }

    /** A TLS 1.2 connection to 5061 with its handshake done, trusting any server, presenting the key managers' certificate (none when null). */
    private static SSLSocket connect(KeyManager[] keys) throws Exception {
        SSLSocket socket = (SSLSocket) ElytronHttpsTestCase.trustingAnyServer(keys).getSocketFactory().createSocket("127.0.0.1", 5061);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static String subject(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    /** Writes a PKCS12 key store with one key pair under alias lb, made by the JDK's keytool; replaces the file at once. */
    private static void keyPair(Path file, String distinguishedName) throws Exception {
        Path fresh = Files.createTempFile(file.getParent(), "keys", ".p12");
        Files.delete(fresh);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "lb", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", distinguishedName,
                "-storetype", "PKCS12", "-keystore", fresh.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).redirectOutput(file.getParent().resolve("keytool.log").toFile()).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, () -> "keytool failed, see " + file.getParent().resolve("keytool.log"));
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String options(String callId, int port) {
        return "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + port + ";branch=z9hG4bK-" + callId + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@example.com>;tag=t\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** The transport parameter of each Record-Route, top first. */
    private static List<String> recordRouteTransports(Request request) {
        List<String> transports = new ArrayList<>();
        request.getHeaders("Record-Route").forEachRemaining(header -> {
            SipURI uri = (SipURI) ((javax.sip.header.RecordRouteHeader) header).getAddress().getURI();
            transports.add(String.valueOf(uri.getTransportParam()).toLowerCase());
        });
        return transports;
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
                // a TLS alert, perhaps, before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static ModelNode listener(String name, String side, String transport, String socketBinding) {
        ModelNode add = Operations.createAddOperation(listenerAddress(name));
        add.get("side").set(side);
        add.get("transport").set(transport);
        add.get("socket-binding").set(socketBinding);
        add.get("ssl-context").set("lb-sip-server");
        return add;
    }

    private static ModelNode listenerAddress(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", name);
    }

    private static ModelNode elytron(String type, String name) {
        ModelNode address = ELYTRON.clone();
        address.add(type, name);
        return address;
    }

    /** Adds the resource; cleanup removes it with a service restart, as without one Elytron keeps its service and asks for a reload. */
    private void add(ModelNode operation) {
        this.management.success(operation);
        this.cleanup.add(Management.restarting(Operations.createRemoveOperation(Operations.getOperationAddress(operation))));
    }
}

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.type.Address;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestTls;
import org.restcomm.lb.smpp.RawSmppSocket;
import org.restcomm.lb.smpp.TestEsme;
import org.restcomm.lb.smpp.TestSmsc;

/**
 * SMPP over TLS through the provisioned server: ESMEs bind on load-balancer-smpp-tls (2876) with an Elytron
 * server-ssl-context whose key pair Elytron generates, next to plain ESMEs on 2776; the balancer binds to a TLS SMSC
 * with an Elytron client-ssl-context; certificates rotate without a restart; bad handshakes cost only their connection.
 * Every resource and attribute a test adds is removed again, in reverse order.
 */
public class SmppTlsTestCase extends LoadBalancerTestCase {

    private static final ModelNode SMPP = SmppBalancingTestCase.SMPP;
    private static final ModelNode ELYTRON = Operations.createAddress("subsystem", "elytron");
    private static final ModelNode TLS_BINDING = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "load-balancer-smpp-tls");
    private static final InetSocketAddress BALANCER_TLS = new InetSocketAddress("127.0.0.1", 2876);
    private static final byte[] HALF_CLIENT_HELLO = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC, 0x03, 0x03 };

    private static DefaultSmppClient client;
    private final List<ModelNode> cleanup = new ArrayList<>();
    private final List<TestSmsc> smscs = new ArrayList<>();
    private final List<TestEsme> esmes = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private String serverStateBefore;

    @BeforeAll
    static void createClient() {
        client = new DefaultSmppClient();
    }

    @AfterAll
    static void destroyClient() {
        client.destroy();
    }

    @BeforeEach
    void noteServerState() {
        this.serverStateBefore = this.serverState();
    }

    @AfterEach
    void leaveTheServerAsFound() throws Exception {
        this.esmes.forEach(esme -> esme.session.destroy());
        // last added, first removed: the engine lets go of the ssl-contexts before Elytron removes them
        for (int i = this.cleanup.size() - 1; i >= 0; i--) {
            this.management.success(this.cleanup.get(i));
        }
        this.smscs.forEach(smsc -> {
            smsc.stop();
            smsc.close();
        });
        for (Path file : this.files) {
            Files.deleteIfExists(file);
        }
        assertEquals(this.serverStateBefore, this.serverState(), "no reload left pending by this test");
    }

    @Test
    void tlsEsmeOn2876ReachesAPlainSmscBothWaysNextToAPlainEsme() throws Exception {
        TestSmsc smsc = this.smsc("a", false);
        this.tlsListener("CN=smpp-a");
        long failures = this.failures();

        TestEsme secure = this.tlsEsme("secure");
        assertEquals("CN=smpp-a", secure.peerCertificateSubject());
        assertEquals("secure", smsc.awaitBind().getSystemId(), "the SMSC got the TLS ESME's credentials");
        assertEquals("a-1", secure.submit("over tls").getMessageId());
        DeliverSm deliver = new DeliverSm();
        deliver.setSourceAddress(new Address((byte) 1, (byte) 1, "5678"));
        deliver.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        deliver.setShortMessage("back over tls".getBytes(StandardCharsets.ISO_8859_1));
        WindowFuture<Integer, PduRequest, PduResponse> future = smsc.awaitSession().sendRequestPdu(deliver, 5000, true);
        assertTrue(future.await(5000), "the SMSC got an answer");
        assertEquals(0, future.getResponse().getCommandStatus(), "the TLS ESME's deliver_sm_resp came back");
        DeliverSm delivered = secure.awaitRequest(DeliverSm.class);
        assertNotNull(delivered, "the TLS ESME got the deliver_sm");
        assertEquals("back over tls", new String(delivered.getShortMessage(), StandardCharsets.ISO_8859_1));

        TestEsme plain = TestEsme.bind(client, SmppBalancingTestCase.BALANCER, SmppBindType.TRANSCEIVER, "plain", "secret");
        this.esmes.add(plain);
        assertEquals("a-2", plain.submit("in clear").getMessageId(), "2776 stays plain and feeds the same engine");
        // /subsystem=load-balancer:read-attribute(name=smpp-active-connections)
        Management.await("both ESMEs counted as active", 5000, () -> this.metric("smpp-active-connections") == 2);
        assertEquals(failures, this.failures(), "no failed handshake");
    }

    @Test
    void nodeEsmeBindsOverSsmppAndGetsItsDeliverSm() throws Exception {
        SmppNodePeersTestCase.installNodePackages();
        this.tlsListener("CN=smpp-node");
        int port = TestSmsc.freePort();
        SmppNodePeersTestCase.Peer smsc = SmppNodePeersTestCase.Peer.start("smsc.js", Integer.toString(port));
        try {
            assertEquals("LISTENING " + port, smsc.line(), "the node SMSC started");
            this.outboundBinding("node-tls-smsc", port);
            this.remoteServers("node-tls-smsc");
            SmppNodePeersTestCase.Peer esme = SmppNodePeersTestCase.Peer.start("esme.js", "127.0.0.1", "2876", "node-tls-esme", "pw", "hello over ssmpp", "tls");
            try {
                assertEquals("TLS smpp-node", esme.line(), "the node ESME saw the Elytron certificate");
                assertEquals("BIND_RESP 0", esme.line());
                assertEquals("SUBMIT_SM_RESP 0 node-1", esme.line());
                assertEquals("DELIVER_SM reply from node smsc", esme.line());
                assertEquals("UNBOUND", esme.line());
                assertTrue(esme.process().waitFor(10, TimeUnit.SECONDS) && esme.process().exitValue() == 0, "the node ESME finished cleanly");
            } finally {
                esme.process().destroy();
            }
            assertEquals("BIND bind_transceiver node-tls-esme", smsc.line());
            assertEquals("SUBMIT_SM 5678 hello over ssmpp", smsc.line());
        } finally {
            smsc.process().destroy();
        }
    }

    @Test
    void backendSslContextBindsToAnSmscThatSpeaksOnlyTls() throws Exception {
        TestSmsc smsc = this.smsc("t", true);
        this.trustManagerOfTestTls("lb-test-smsc-trust");
        // /subsystem=elytron/client-ssl-context=lb-test-smsc:add(trust-manager=lb-test-smsc-trust)
        ModelNode context = Operations.createAddOperation(elytron("client-ssl-context", "lb-test-smsc"));
        context.get("trust-manager").set("lb-test-smsc-trust");
        this.add(context);
        // /subsystem=load-balancer/smpp=default:write-attribute(name=backend-ssl-context, value=lb-test-smsc){allow-resource-service-restart=true}
        this.writeTogether(Map.of("backend-ssl-context", new ModelNode("lb-test-smsc")));

        TestEsme esme = TestEsme.bind(client, SmppBalancingTestCase.BALANCER, SmppBindType.TRANSCEIVER, "to-tls", "secret");
        this.esmes.add(esme);
        assertEquals("to-tls", smsc.awaitBind().getSystemId(), "the bind reached the TLS-only SMSC");
        assertEquals("t-1", esme.submit("to a tls smsc").getMessageId());
    }

    @Test
    void aRotatedCertificateServesTheNextHandshakeWhileOpenConnectionsStay() throws Exception {
        this.smsc("r", false);
        this.tlsListener("CN=smpp-old");
        TestEsme before = this.tlsEsme("before");
        assertEquals("CN=smpp-old", before.peerCertificateSubject());

        // /subsystem=elytron/key-store=lb-test-smpp:remove-alias(alias=lb)
        ModelNode remove = Operations.createOperation("remove-alias", elytron("key-store", "lb-test-smpp"));
        remove.get("alias").set("lb");
        this.management.success(remove);
        this.generateKeyPair("CN=smpp-new");
        // /subsystem=elytron/key-manager=lb-test-smpp:init()
        this.management.success(Operations.createOperation("init", elytron("key-manager", "lb-test-smpp")));

        TestEsme after = this.tlsEsme("after");
        assertEquals("CN=smpp-new", after.peerCertificateSubject(), "the next handshake shows the new certificate");
        assertEquals("r-1", after.submit("new").getMessageId(), "the new connection serves");
        assertTrue(before.session.isBound(), "the connection from before the rotation is still bound");
        assertEquals("r-2", before.submit("old").getMessageId(), "and still relays");
        assertEquals("CN=smpp-old", before.peerCertificateSubject(), "on its first session");
    }

    @Test
    void badHandshakesAreClosedAndCountedAndTheListenerServesOn() throws Exception {
        this.smsc("h", false);
        this.tlsListener("CN=smpp-bad");
        // short, yet long enough for a good handshake on two busy cores
        // /subsystem=load-balancer/smpp=default:write-attribute(name=handshake-timeout, value=2000){allow-resource-service-restart=true}
        this.writeTogether(Map.of("handshake-timeout", new ModelNode(2000L)));
        long failures = this.failures();

        try (RawSmppSocket plain = new RawSmppSocket(BALANCER_TLS)) {
            plain.writeHeader(16, 0x00000009, 0, 1);
            assertTrue(plain.closedByPeer(), "a bind in clear on the TLS port is closed unanswered");
        }
        this.assertCountedAndServing(failures + 1, "plain-after");

        try (RawSmppSocket garbage = new RawSmppSocket(BALANCER_TLS)) {
            byte[] random = new byte[64];
            new java.util.Random(7).nextBytes(random);
            random[0] = (byte) 0x99;
            garbage.write(random);
            assertTrue(garbage.closedByPeer(), "random bytes are closed");
        }
        this.assertCountedAndServing(failures + 2, "garbage-after");

        long start = System.nanoTime();
        try (RawSmppSocket stalled = new RawSmppSocket(BALANCER_TLS)) {
            stalled.write(HALF_CLIENT_HELLO);
            assertTrue(stalled.closedByPeer(), "half a ClientHello is closed once handshake-timeout passed");
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= 1900, "not before handshake-timeout (2000 ms): " + waited + " ms");
        this.assertCountedAndServing(failures + 3, "stalled-after");

        // as an operator reads it: jboss-cli.sh -c --command=/subsystem=load-balancer:read-attribute(name=tls-handshake-failures)
        String cli = this.jbossCli("/subsystem=load-balancer:read-attribute(name=tls-handshake-failures)");
        assertTrue(cli.contains("\"result\" => " + (failures + 3) + "L") || cli.contains("\"result\" => " + (failures + 3)), cli);
    }

    @Test
    void anUntrustedClientCertificateIsRefusedWhenTheContextNeedsOne() throws Exception {
        this.smsc("m", false);
        this.tlsListener("CN=smpp-mutual", "need-client-auth");
        long failures = this.failures();
        assertThrows(Exception.class, () -> this.tlsEsme("anonymous"), "no client certificate, no bind");
        Management.await("the refused handshake counted", 10_000, () -> this.failures() == failures + 1);
        try (SSLSocket trusted = (SSLSocket) HttpsBalancingTestCase.trustingAnyServer(TestTls.keyManagers()).getSocketFactory()
                .createSocket(BALANCER_TLS.getHostString(), BALANCER_TLS.getPort())) {
            trusted.setSoTimeout(5000);
            trusted.startHandshake();
            assertEquals("CN=smpp-mutual", trusted.getSession().getPeerPrincipal().getName(), "a client the trust-manager trusts gets through");
        }
        assertEquals(failures + 1, this.failures());
    }

    private void assertCountedAndServing(long expected, String systemId) throws Exception {
        Management.await("tls-handshake-failures at " + expected, 10_000, () -> this.failures() == expected);
        TestEsme esme = this.tlsEsme(systemId);
        assertTrue(esme.submit("still serving").getMessageId().startsWith("h-"), "the listener still serves");
        esme.session.unbind(5000);
        esme.session.destroy();
        this.esmes.remove(esme);
    }

    /**
     * An Elytron key-store in memory with a generated key pair, its key-manager and a server-ssl-context
     * (need-client-auth with a trust-manager trusting TestTls's certificate when asked), set on smpp=default in one batch.
     */
    private void tlsListener(String distinguishedName, String... options) throws Exception {
        // /subsystem=elytron/key-store=lb-test-smpp:add(type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(elytron("key-store", "lb-test-smpp"));
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        this.add(keyStore);
        this.generateKeyPair(distinguishedName);
        // /subsystem=elytron/key-manager=lb-test-smpp:add(key-store=lb-test-smpp, credential-reference={clear-text=secret})
        ModelNode keyManager = Operations.createAddOperation(elytron("key-manager", "lb-test-smpp"));
        keyManager.get("key-store").set("lb-test-smpp");
        keyManager.get("credential-reference", "clear-text").set("secret");
        this.add(keyManager);
        // /subsystem=elytron/server-ssl-context=lb-test-smpp:add(key-manager=lb-test-smpp)
        ModelNode context = Operations.createAddOperation(elytron("server-ssl-context", "lb-test-smpp"));
        context.get("key-manager").set("lb-test-smpp");
        if (List.of(options).contains("need-client-auth")) {
            this.trustManagerOfTestTls("lb-test-esme-trust");
            // ...server-ssl-context=lb-test-smpp:add(key-manager=lb-test-smpp, trust-manager=lb-test-esme-trust, need-client-auth=true)
            context.get("trust-manager").set("lb-test-esme-trust");
            context.get("need-client-auth").set(true);
        }
        this.add(context);
        // batch
        // /subsystem=load-balancer/smpp=default:write-attribute(name=ssl-socket-binding, value=load-balancer-smpp-tls)
        // /subsystem=load-balancer/smpp=default:write-attribute(name=ssl-context, value=lb-test-smpp)
        // run-batch --headers={allow-resource-service-restart=true}
        this.writeTogether(Map.of("ssl-socket-binding", new ModelNode("load-balancer-smpp-tls"), "ssl-context", new ModelNode("lb-test-smpp")));
        assertTrue(this.management.read(TLS_BINDING, "bound").asBoolean(), "2876 is bound");
    }

    /** A key-store file holding only TestTls's certificate, and a trust-manager over it, both named so. */
    private void trustManagerOfTestTls(String name) throws Exception {
        Path trustStore = this.file(name);
        TestTls.writeTrustStore(trustStore, "secret");
        // /subsystem=elytron/key-store=<name>:add(path=<temp file>, type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(elytron("key-store", name));
        keyStore.get("path").set(trustStore.toString());
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        this.add(keyStore);
        // /subsystem=elytron/trust-manager=<name>:add(key-store=<name>)
        ModelNode trustManager = Operations.createAddOperation(elytron("trust-manager", name));
        trustManager.get("key-store").set(name);
        this.add(trustManager);
    }

    private void generateKeyPair(String distinguishedName) {
        // /subsystem=elytron/key-store=lb-test-smpp:generate-key-pair(alias=lb, algorithm=RSA, key-size=2048, distinguished-name="CN=smpp-a")
        ModelNode generate = Operations.createOperation("generate-key-pair", elytron("key-store", "lb-test-smpp"));
        generate.get("alias").set("lb");
        generate.get("algorithm").set("RSA");
        generate.get("key-size").set(2048);
        generate.get("distinguished-name").set(distinguishedName);
        this.management.success(generate);
    }

    /** Writes the attributes in one composite with a service restart, which needs no reload; cleanup undefines them the same way. */
    private void writeTogether(Map<String, ModelNode> attributes) {
        Operations.CompositeOperationBuilder write = Operations.CompositeOperationBuilder.create();
        Operations.CompositeOperationBuilder undefine = Operations.CompositeOperationBuilder.create();
        attributes.forEach((name, value) -> {
            write.addStep(Operations.createWriteAttributeOperation(SMPP, name, value));
            undefine.addStep(Operations.createUndefineAttributeOperation(SMPP, name));
        });
        ModelNode outcome = this.management.execute(Management.restarting(write.build().getOperation()));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);
        this.cleanup.add(Management.restarting(undefine.build().getOperation()));
    }

    /** Adds the resource; cleanup removes it with a service restart, as without one Elytron keeps its service and asks for a reload. */
    private void add(ModelNode operation) {
        this.management.success(operation);
        // /subsystem=elytron/<type>=<name>:remove{allow-resource-service-restart=true}
        this.cleanup.add(Management.restarting(Operations.createRemoveOperation(Operations.getOperationAddress(operation))));
    }

    /** An SMSC in this JVM, plain or TLS-only with TestTls's certificate, the only one in remote-servers. */
    private TestSmsc smsc(String name, boolean tls) throws Exception {
        TestSmsc smsc;
        if (tls) {
            Path keyStore = this.file("lb-test-smsc");
            TestTls.writeKeyStore(keyStore, "secret");
            smsc = TestSmsc.startTls(name, keyStore, "secret");
        } else {
            smsc = TestSmsc.start(name);
        }
        this.smscs.add(smsc);
        this.outboundBinding("smsc-" + name, smsc.address().getPort());
        this.remoteServers("smsc-" + name);
        return smsc;
    }

    private void outboundBinding(String name, int port) {
        // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=smsc-a:add(host=127.0.0.1, port=<its port>)
        ModelNode add = Operations.createAddOperation(SmppBalancingTestCase.outboundBinding(name));
        add.get("host").set("127.0.0.1");
        add.get("port").set(port);
        this.add(add);
    }

    private void remoteServers(String name) {
        // /subsystem=load-balancer/smpp=default:write-attribute(name=remote-servers, value=[smsc-a])
        this.management.success(Operations.createWriteAttributeOperation(SMPP, "remote-servers", new ModelNode().add(name)));
        this.cleanup.add(Operations.createUndefineAttributeOperation(SMPP, "remote-servers"));
    }

    private TestEsme tlsEsme(String systemId) throws Exception {
        TestEsme esme = TestEsme.bindTls(client, BALANCER_TLS, systemId);
        this.esmes.add(esme);
        return esme;
    }

    private Path file(String prefix) throws Exception {
        Path file = Files.createTempFile(prefix, ".p12");
        this.files.add(file);
        return file;
    }

    private long metric(String name) {
        return this.management.read(Management.SUBSYSTEM, name).asLong();
    }

    private long failures() {
        // /subsystem=load-balancer:read-attribute(name=tls-handshake-failures)
        return this.metric("tls-handshake-failures");
    }

    private String serverState() {
        // :read-attribute(name=server-state)
        return this.management.success(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state")).asString();
    }

    /** Runs jboss-cli.sh of the provisioned server; its output goes to a file, never to this JVM's streams. */
    private String jbossCli(String command) throws Exception {
        Path home = Path.of(System.getProperty("jboss.home"));
        Path log = Files.createTempFile("jboss-cli", ".log");
        this.files.add(log);
        Process cli = new ProcessBuilder(home.resolve("bin").resolve("jboss-cli.sh").toString(), "-c", "--command=" + command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "jboss-cli finished");
        return Files.readString(log);
    }

    private static ModelNode elytron(String type, String name) {
        ModelNode address = ELYTRON.clone();
        address.add(type, name);
        return address;
    }
}

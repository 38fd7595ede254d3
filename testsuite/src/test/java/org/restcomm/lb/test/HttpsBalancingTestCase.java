package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestNode;
import org.restcomm.lb.http.TestTls;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * TLS on http=default through the provisioned server: an HTTPS listener on 2081 with an Elytron server-ssl-context
 * whose key pair Elytron generates, and backend TLS with an Elytron client-ssl-context that trusts the nodes. Every
 * Elytron resource and attribute a test adds is removed again, in reverse order.
 */
public class HttpsBalancingTestCase extends LoadBalancerTestCase {

    private static final ModelNode HTTP = HttpBalancingTestCase.HTTP;
    private static final ModelNode ELYTRON = Operations.createAddress("subsystem", "elytron");
    private static final ModelNode HTTPS_BINDING = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "load-balancer-https");
    private static final URI BALANCER_HTTPS = URI.create("https://127.0.0.1:2081");
    private static final AtomicLong SESSION_IDS = new AtomicLong(98000);

    private static XnioWorker worker;
    private final List<ModelNode> cleanup = new ArrayList<>();
    private final List<TestNode> nodes = new ArrayList<>();
    private final List<Long> sessions = new ArrayList<>();
    private Path trustStore;
    private String serverStateBefore;

    @BeforeAll
    static void createWorker() throws IOException {
        worker = Xnio.getInstance().createWorker(OptionMap.builder().set(Options.WORKER_IO_THREADS, 2).set(Options.WORKER_TASK_MAX_THREADS, 8).getMap());
    }

    @AfterAll
    static void destroyWorker() {
        worker.shutdownNow();
    }

    @BeforeEach
    void noteServerState() {
        this.serverStateBefore = this.serverState();
    }

    @AfterEach
    void leaveTheServerAsFound() throws Exception {
        for (long session : this.sessions) {
            this.heartbeats.command("stop", session);
        }
        this.nodes.forEach(TestNode::close);
        // last added, first removed: the load balancer lets go of the ssl-contexts before Elytron removes them
        for (int i = this.cleanup.size() - 1; i >= 0; i--) {
            this.management.success(this.cleanup.get(i));
        }
        if (this.trustStore != null) {
            Files.deleteIfExists(this.trustStore);
        }
        assertEquals(this.serverStateBefore, this.serverState(), "no reload left pending by this test");
    }

    private String serverState() {
        // :read-attribute(name=server-state)
        return this.management.success(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state")).asString();
    }

    @Test
    void httpsOn2081ReachesAPlainNodeMarkedAsHttps() throws Exception {
        this.serverSslContext();
        // batch
        // /subsystem=load-balancer/http=default:write-attribute(name=https-socket-binding, value=load-balancer-https)
        // /subsystem=load-balancer/http=default:write-attribute(name=ssl-context, value=lb-test-server)
        // run-batch --headers={allow-resource-service-restart=true}
        this.writeTogether(Map.of("https-socket-binding", new ModelNode("load-balancer-https"), "ssl-context", new ModelNode("lb-test-server")));
        assertTrue(this.management.read(HTTPS_BINDING, "bound").asBoolean(), "2081 is bound");
        TestNode node = this.node("s", false);

        HttpResponse<String> response = trustAll().send(HttpRequest.newBuilder(BALANCER_HTTPS.resolve("/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("s", response.headers().firstValue("X-Node").orElse("none"));
        assertEquals("https", node.lastHeader("X-Forwarded-Proto"));
        assertTrue(node.lastHeader("Forwarded").contains("proto=https"), node.lastHeader("Forwarded"));

        // plain HTTP on the TLS port: no answer, and the listener serves on
        try (Socket socket = new Socket("127.0.0.1", 2081)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
            assertFalse(new String(socket.getInputStream().readAllBytes()).contains("HTTP/1.1"));
        }
        assertEquals(200, trustAll().send(HttpRequest.newBuilder(BALANCER_HTTPS.resolve("/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void backendTlsReachesANodeThatSpeaksOnlyTls() throws Exception {
        this.trustStore = Files.createTempFile("lb-test-trust", ".p12");
        TestTls.writeTrustStore(this.trustStore, "secret");
        // /subsystem=elytron/key-store=lb-test-trust:add(path=<temp file>, type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(address("key-store", "lb-test-trust"));
        keyStore.get("path").set(this.trustStore.toString());
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        this.add(keyStore);
        // /subsystem=elytron/trust-manager=lb-test-trust:add(key-store=lb-test-trust)
        ModelNode trustManager = Operations.createAddOperation(address("trust-manager", "lb-test-trust"));
        trustManager.get("key-store").set("lb-test-trust");
        this.add(trustManager);
        // /subsystem=elytron/client-ssl-context=lb-test-client:add(trust-manager=lb-test-trust)
        ModelNode client = Operations.createAddOperation(address("client-ssl-context", "lb-test-client"));
        client.get("trust-manager").set("lb-test-trust");
        this.add(client);
        // /subsystem=load-balancer/http=default:write-attribute(name=backend-ssl-context, value=lb-test-client){allow-resource-service-restart=true}
        this.writeTogether(Map.of("backend-ssl-context", new ModelNode("lb-test-client")));

        this.node("t", true);
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = plain.send(HttpRequest.newBuilder(HttpBalancingTestCase.BALANCER.resolve("/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("t", response.headers().firstValue("X-Node").orElse("none"), "reached the node's TLS-only sslPort");
    }

    @Test
    void sslContextWithoutHttpsSocketBindingIsRefusedNamingIt() throws Exception {
        this.serverSslContext();
        // /subsystem=load-balancer/http=default:write-attribute(name=ssl-context, value=lb-test-server){allow-resource-service-restart=true}
        ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "ssl-context", "lb-test-server")));
        assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("https-socket-binding"), outcome::toString);
        assertFalse(this.management.read(HTTP, "ssl-context").isDefined(), "nothing was applied");
        assertFalse(this.management.read(HTTPS_BINDING, "bound").asBoolean());
    }

    /** An Elytron server-ssl-context named lb-test-server over a key pair Elytron generates in memory. */
    private void serverSslContext() {
        // no path: the key store lives in memory only, so no file is left in the server's configuration directory
        // /subsystem=elytron/key-store=lb-test:add(type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(address("key-store", "lb-test"));
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        this.add(keyStore);
        // /subsystem=elytron/key-store=lb-test:generate-key-pair(alias=lb, algorithm=RSA, key-size=2048, distinguished-name="CN=localhost")
        ModelNode generate = Operations.createOperation("generate-key-pair", address("key-store", "lb-test"));
        generate.get("alias").set("lb");
        generate.get("algorithm").set("RSA");
        generate.get("key-size").set(2048);
        generate.get("distinguished-name").set("CN=localhost");
        this.management.success(generate);
        // /subsystem=elytron/key-manager=lb-test:add(key-store=lb-test, credential-reference={clear-text=secret})
        ModelNode keyManager = Operations.createAddOperation(address("key-manager", "lb-test"));
        keyManager.get("key-store").set("lb-test");
        keyManager.get("credential-reference", "clear-text").set("secret");
        this.add(keyManager);
        // /subsystem=elytron/server-ssl-context=lb-test-server:add(key-manager=lb-test)
        ModelNode server = Operations.createAddOperation(address("server-ssl-context", "lb-test-server"));
        server.get("key-manager").set("lb-test");
        this.add(server);
    }

    /** Writes the attributes in one composite with a service restart; cleanup undefines them the same way. */
    private void writeTogether(Map<String, ModelNode> attributes) {
        Operations.CompositeOperationBuilder write = Operations.CompositeOperationBuilder.create();
        Operations.CompositeOperationBuilder undefine = Operations.CompositeOperationBuilder.create();
        attributes.forEach((name, value) -> {
            write.addStep(Operations.createWriteAttributeOperation(HTTP, name, value));
            undefine.addStep(Operations.createUndefineAttributeOperation(HTTP, name));
        });
        this.management.success(Management.restarting(write.build().getOperation()));
        this.cleanup.add(Management.restarting(undefine.build().getOperation()));
    }

    /** Adds the resource; cleanup removes it with a service restart, as without one Elytron keeps its service and asks for a reload. */
    private void add(ModelNode operation) {
        this.management.success(operation);
        // /subsystem=elytron/<type>=<name>:remove{allow-resource-service-restart=true}
        this.cleanup.add(Management.restarting(Operations.createRemoveOperation(Operations.getOperationAddress(operation))));
    }

    private static ModelNode address(String type, String name) {
        ModelNode address = ELYTRON.clone();
        address.add(type, name);
        return address;
    }

    /** A plain node advertises httpPort and wsPort; a TLS node sslPort and wssPort. */
    private TestNode node(String name, boolean tls) throws Exception {
        TestNode node = new TestNode(name, name, worker, tls ? TestTls.server() : null);
        this.nodes.add(node);
        long session = SESSION_IDS.incrementAndGet();
        HeartbeatClient.Reply reply = this.heartbeats.start(Map.of(
                "hostName", "https-node-" + name,
                "ip", "127.0.0.1",
                tls ? "sslPort" : "httpPort", Integer.toString(node.httpPort()),
                tls ? "wssPort" : "wsPort", Integer.toString(node.wsPort()),
                "version", "0",
                "sessionId", Long.toString(session),
                "jvmRoute", name));
        assertEquals(200, reply.status(), reply::body);
        this.sessions.add(session);
        return node;
    }

    /** Trusts whatever certificate the balancer shows: Elytron generated it inside the server. */
    private static HttpClient trustAll() throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).sslContext(trustingAnyServer(null)).build();
    }

    /** A client context that shows the key managers' certificate (none when null) and trusts any server certificate. */
    static SSLContext trustingAnyServer(KeyManager[] keys) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, new TrustManager[] { new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }
        } }, null);
        return context;
    }
}

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
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
import org.restcomm.lb.http.TestNode;
import org.restcomm.lb.http.TestTls;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * What the HTTPS tests of http=default share: Elytron resources made through management operations, test nodes, and
 * clients. Every Elytron resource and attribute a test adds is removed again, in reverse order, and no reload is left
 * pending.
 */
abstract class ElytronHttpsTestCase extends LoadBalancerTestCase {

    static final ModelNode HTTP = HttpBalancingTestCase.HTTP;
    static final ModelNode ELYTRON = Operations.createAddress("subsystem", "elytron");
    static final ModelNode HTTPS_BINDING = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "load-balancer-https");
    private static final AtomicLong SESSION_IDS = new AtomicLong(98000);

    static XnioWorker worker;
    private final List<ModelNode> cleanup = new ArrayList<>();
    private final List<TestNode> nodes = new ArrayList<>();
    private final List<Long> sessions = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
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
        for (Path file : this.files) {
            Files.deleteIfExists(file);
        }
        assertEquals(this.serverStateBefore, this.serverState(), "no reload left pending by this test");
    }

    private String serverState() {
        // :read-attribute(name=server-state)
        return this.management.success(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state")).asString();
    }

    /** A temporary file, deleted after the test. */
    Path temporaryFile(String prefix, String suffix) throws IOException {
        Path file = Files.createTempFile(prefix, suffix);
        this.files.add(file);
        return file;
    }

    /** An Elytron server-ssl-context named lb-test-server over a key pair Elytron generates in memory. */
    void serverSslContext() {
        // no path: the key store lives in memory only, so no file is left in the server's configuration directory
        // /subsystem=elytron/key-store=lb-test:add(type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(address("key-store", "lb-test"));
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        this.add(keyStore);
        // /subsystem=elytron/key-store=lb-test:generate-key-pair(alias=lb, algorithm=RSA, key-size=2048, distinguished-name="CN=localhost")
        this.generateKeyPair("CN=localhost");
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

    /** An Elytron trust-manager of that name trusting the test certificate of core's TestTls (which TestNode and TestTls.mutual() show). */
    void trustManager(String name) throws IOException {
        Path trusted = this.temporaryFile(name, ".p12");
        TestTls.writeTrustStore(trusted, "secret");
        // /subsystem=elytron/key-store=<name>:add(path=<temp file>, type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(address("key-store", name));
        keyStore.get("path").set(trusted.toString());
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        this.add(keyStore);
        // /subsystem=elytron/trust-manager=<name>:add(key-store=<name>)
        ModelNode trustManager = Operations.createAddOperation(address("trust-manager", name));
        trustManager.get("key-store").set(name);
        this.add(trustManager);
    }

    /** A new key pair under alias lb in key-store=lb-test. */
    void generateKeyPair(String distinguishedName) {
        ModelNode generate = Operations.createOperation("generate-key-pair", address("key-store", "lb-test"));
        generate.get("alias").set("lb");
        generate.get("algorithm").set("RSA");
        generate.get("key-size").set(2048);
        generate.get("distinguished-name").set(distinguishedName);
        this.management.success(generate);
    }

    /** https-socket-binding=load-balancer-https (2081) with the ssl-context, in one batch that restarts the engine once. */
    void httpsListener(String sslContext) {
        // batch
        // /subsystem=load-balancer/http=default:write-attribute(name=https-socket-binding, value=load-balancer-https)
        // /subsystem=load-balancer/http=default:write-attribute(name=ssl-context, value=<ssl-context>)
        // run-batch --headers={allow-resource-service-restart=true}
        this.writeTogether(Map.of("https-socket-binding", new ModelNode("load-balancer-https"), "ssl-context", new ModelNode(sslContext)));
    }

    /** Writes the attributes in one composite with a service restart; cleanup undefines them the same way. */
    void writeTogether(Map<String, ModelNode> attributes) {
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
    void add(ModelNode operation) {
        this.management.success(operation);
        // /subsystem=elytron/<type>=<name>:remove{allow-resource-service-restart=true}
        this.cleanup.add(Management.restarting(Operations.createRemoveOperation(Operations.getOperationAddress(operation))));
    }

    /** Runs the operation at cleanup, after the ones registered later. */
    void atCleanup(ModelNode operation) {
        this.cleanup.add(operation);
    }

    static ModelNode address(String type, String name) {
        ModelNode address = ELYTRON.clone();
        address.add(type, name);
        return address;
    }

    /** A plain node advertises httpPort and wsPort; a TLS node sslPort and wssPort. */
    TestNode node(String name, boolean tls) throws Exception {
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
    static HttpClient trustAll() throws Exception {
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

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.JsonObject;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.RawHttp;
import org.restcomm.lb.http.TestNode;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * HTTP and WebSocket through the provisioned server on 2080: the nodes are Undertow servers in this JVM that join
 * through the HTTP/JSON heartbeat with httpPort, wsPort and jvmRoute.
 */
public class HttpBalancingTestCase extends LoadBalancerTestCase {

    static final ModelNode HTTP = Operations.createAddress("subsystem", "load-balancer", "http", "default");
    static final URI BALANCER = URI.create("http://127.0.0.1:2080");
    private static final AtomicLong SESSION_IDS = new AtomicLong(97000);

    private static XnioWorker worker;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<TestNode, Map<String, String>> nodes = Collections.synchronizedMap(new HashMap<>());
    private final ScheduledExecutorService heartbeater = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void createWorker() throws IOException {
        worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 2)
                .set(Options.WORKER_TASK_CORE_THREADS, 4)
                .set(Options.WORKER_TASK_MAX_THREADS, 16)
                .getMap());
    }

    @AfterAll
    static void destroyWorker() {
        worker.shutdownNow();
    }

    @BeforeEach
    void keepNodesAlive() {
        // node-timeout is 8.4 s: the nodes heartbeat as real ones do
        this.heartbeater.scheduleWithFixedDelay(() -> List.copyOf(this.nodes.values()).forEach(start -> {
            try {
                this.heartbeats.command("heartbeat", Long.parseLong(start.get("sessionId")));
            } catch (IOException | InterruptedException e) {
                // the next beat tries again
            }
        }), 1, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopNodes() throws Exception {
        this.heartbeater.shutdownNow();
        for (Map.Entry<TestNode, Map<String, String>> node : List.copyOf(this.nodes.entrySet())) {
            this.heartbeats.command("stop", Long.parseLong(node.getValue().get("sessionId")));
            node.getKey().close();
        }
    }

    /** Starts a node and registers it with {@code start}; its resource name is 127.0.0.1:wsPort, the first port advertised. */
    private TestNode node(String name) throws Exception {
        TestNode node = new TestNode(name, name, worker);
        Map<String, String> start = Map.of(
                "hostName", "http-node-" + name,
                "ip", "127.0.0.1",
                "httpPort", Integer.toString(node.httpPort()),
                "wsPort", Integer.toString(node.wsPort()),
                "version", "0",
                "sessionId", Long.toString(SESSION_IDS.incrementAndGet()),
                "jvmRoute", name);
        HeartbeatClient.Reply reply = this.heartbeats.start(start);
        assertEquals(200, reply.status(), reply::body);
        this.nodes.put(node, start);
        return node;
    }

    private static String resourceName(TestNode node) {
        return "127.0.0.1:" + node.wsPort();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(BALANCER.resolve(path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The node that answered, by its X-Node header; "none" for the balancer's own answers. */
    private static String servedBy(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        return response.headers().firstValue("X-Node").orElse("none");
    }

    private static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith("JSESSIONID="))
                .map(cookie -> cookie.substring("JSESSIONID=".length()).split(";")[0])
                .findFirst().orElseThrow(() -> new AssertionError("no JSESSIONID in " + response.headers()));
    }

    private long metric(String name) {
        // /subsystem=load-balancer:read-attribute(name=http-requests)
        return this.management.read(Management.SUBSYSTEM, name).asLong();
    }

    @Test
    void aSessionCookieSticksToItsNodeAcrossTwoNodes() throws Exception {
        this.node("a");
        this.node("b");
        Set<String> fresh = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            fresh.add(servedBy(this.get("/")));
        }
        assertEquals(Set.of("a", "b"), fresh, "requests without a session spread over both nodes");

        HttpResponse<String> first = this.get("/login");
        String node = servedBy(first);
        String session = sessionCookie(first);
        assertTrue(session.endsWith("." + node), session);
        for (int i = 0; i < 8; i++) {
            assertEquals(node, servedBy(this.get("/app?i=" + i, "Cookie", "JSESSIONID=" + session)), "request " + i + " of the session");
        }
    }

    @Test
    void theSessionsOfARemovedNodeMoveTogetherToOneNode() throws Exception {
        TestNode a = this.node("a");
        this.node("b");
        this.node("c");
        String session = "0123456789ABCDEF.a";
        assertEquals("a", servedBy(this.get("/", "Cookie", "JSESSIONID=" + session)));

        // the node says stop, as its server does on undeploy
        this.heartbeats.command("stop", Long.parseLong(this.nodes.remove(a).get("sessionId")));
        a.close();
        String heir = servedBy(this.get("/", "Cookie", "JSESSIONID=" + session));
        assertNotEquals("a", heir);
        for (int i = 0; i < 6; i++) {
            assertEquals(heir, servedBy(this.get("/app?i=" + i, "Cookie", "JSESSIONID=" + session)), "the moved session stays on one node");
            assertEquals(heir, servedBy(this.get("/other", "Cookie", "JSESSIONID=FEDCBA" + i + ".a")), "every session of the lost node moves there");
        }
    }

    @Test
    void aDrainingNodeKeepsItsSessionsAndGetsNoNewOnes() throws Exception {
        TestNode a = this.node("a");
        this.node("b");
        // /subsystem=load-balancer/node=127.0.0.1\:<wsPort>:drain
        this.management.success(Operations.createOperation("drain", Management.node(resourceName(a))));
        assertEquals("draining", this.management.read(Management.node(resourceName(a)), "state").asString());

        for (int i = 0; i < 6; i++) {
            assertEquals("b", servedBy(this.get("/new?i=" + i)), "a new session never starts on the draining node");
            assertEquals("a", servedBy(this.get("/app?i=" + i, "Cookie", "JSESSIONID=ABC" + i + ".a")), "an existing session stays");
        }
    }

    @Test
    void aWebSocketWithSubprotocolSipEchoesThroughTheNodesWsPort() throws Exception {
        this.node("w");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = this.client.newWebSocketBuilder()
                .subprotocols("sip")
                .buildAsync(URI.create("ws://127.0.0.1:2080/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        try {
            assertEquals("sip", socket.getSubprotocol());
            socket.sendText("REGISTER sip:example.com SIP/2.0", true).get(5, TimeUnit.SECONDS);
            assertEquals("ws-port w: REGISTER sip:example.com SIP/2.0", received.poll(10, TimeUnit.SECONDS));
            socket.sendText("second", true).get(5, TimeUnit.SECONDS);
            assertEquals("ws-port w: second", received.poll(10, TimeUnit.SECONDS), "the upgraded connection carries on");
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChunkedUploadArrivesIntact() throws Exception {
        this.node("u");
        int megabytes = 6;
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < megabytes; i++) {
            byte[] block = TestNode.pattern(i);
            digest.update(block);
            parts.add(new java.io.ByteArrayInputStream(block));
        }
        // no length given: the body goes out chunked
        HttpRequest upload = HttpRequest.newBuilder(BALANCER.resolve("/upload")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(Collections.enumeration(parts))))
                .build();
        HttpResponse<String> response = this.client.send(upload, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("u " + megabytes * TestNode.MB + " " + HexFormat.of().formatHex(digest.digest()), response.body());
    }

    @Test
    void aBodyOverMaxRequestSizeIsAnswered413() throws Exception {
        this.node("m");
        // /subsystem=load-balancer/http=default:write-attribute(name=max-request-size, value=1024){allow-resource-service-restart=true}
        ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "max-request-size", 1024)));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);
        try {
            this.assertBodiesOver1024BytesRefused();
        } finally {
            // /subsystem=load-balancer/http=default:undefine-attribute(name=max-request-size){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "max-request-size")));
        }
        assertEquals(200, this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "no limit again");
    }

    @Test
    void anAnswerOverMaxResponseSizeIsReplacedBy502() throws Exception {
        this.node("r");
        // /subsystem=load-balancer/http=default:write-attribute(name=max-response-size, value=65536){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "max-response-size", 65536)));
        try {
            HttpResponse<byte[]> within = this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/sized?kb=64")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, within.statusCode());
            assertEquals(65536, within.body().length);
            HttpResponse<String> over = this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/sized?kb=65")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, over.statusCode());
            assertTrue(over.body().contains("max-response-size"), over::body);
        } finally {
            // /subsystem=load-balancer/http=default:undefine-attribute(name=max-response-size){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "max-response-size")));
        }
        assertEquals(200, this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/sized?kb=65")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "no limit again");
    }

    @Test
    void aRequestItsNodeHasNotFinishedWithinMaxRequestTimeGets504() throws Exception {
        this.node("t");
        // /subsystem=load-balancer/http=default:write-attribute(name=max-request-time, value=300){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "max-request-time", 300)));
        try {
            HttpResponse<String> slow = this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/slow?ms=3000")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(504, slow.statusCode());
            assertEquals(200, this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/slow?ms=10")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            // /subsystem=load-balancer/http=default:undefine-attribute(name=max-request-time){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "max-request-time")));
        }
    }

    @Test
    void aNodeAnsweringAnErrorToARequestTheBadNodePatternFindsIsMarkedBad() throws Exception {
        TestNode node = this.node("x");
        // /subsystem=load-balancer/http=default:write-attribute(name=bad-node-request-pattern, value=/Accounts/){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "bad-node-request-pattern", "/Accounts/")));
        try {
            assertEquals(500, this.get("/other?status=500").statusCode());
            // /subsystem=load-balancer/node=127.0.0.1\:<wsPort>:read-attribute(name=state)
            assertEquals("active", this.management.read(Management.node(resourceName(node)), "state").asString(), "an unwatched request");
            assertEquals(503, this.get("/restcomm/2012-04-24/Accounts/AC1/Calls.json?status=503").statusCode());
            assertEquals("bad", this.management.read(Management.node(resourceName(node)), "state").asString());
            assertEquals(503, this.get("/").statusCode(), "the only node is bad: the balancer's own 503");
        } finally {
            // /subsystem=load-balancer/http=default:undefine-attribute(name=bad-node-request-pattern){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "bad-node-request-pattern")));
        }
    }

    private void assertBodiesOver1024BytesRefused() throws Exception {
        HttpResponse<String> tooLarge = this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooLarge.statusCode(), tooLarge::body);
        HttpResponse<String> small = this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[512])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, small.statusCode(), small::body);
        assertTrue(small.body().startsWith("m 512 "), small.body());
    }

    @Test
    void withoutNodesTheClientGets503() throws Exception {
        assertEquals(List.of(), this.management.nodeNames(), "no node is registered");
        HttpResponse<String> response = this.get("/app");
        assertEquals(503, response.statusCode(), response::body);
    }

    @Test
    void aMalformedRequestGets400AndTheNextRequestIsServed() throws Exception {
        this.node("n");
        for (String garbage : new String[] { "GET /a b c d\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" }) {
            try (Socket socket = new Socket(BALANCER.getHost(), BALANCER.getPort())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(garbage.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String status = RawHttp.statusLine(socket.getInputStream());
                assertTrue(status.startsWith("HTTP/1.1 400"), "for " + garbage.strip() + ": " + status);
            }
            assertEquals("n", servedBy(this.get("/")), "the balancer serves on");
        }
    }

    @Test
    void metricsLbstatAndTheMBeanCountHttpTraffic() throws Exception {
        this.node("s");
        long requests = this.metric("http-requests");
        long toServer = this.metric("http-bytes-to-server");
        long toClient = this.metric("http-bytes-to-client");
        JsonObject lbstatBefore = StatisticsPages.lbstat();
        long gets = JmxClient.invoke(this.managementClient, "getHttpRequestsProcessedByMethod", "GET");
        long posts = JmxClient.invoke(this.managementClient, "getHttpRequestsProcessedByMethod", "POST");
        long successes = JmxClient.invoke(this.managementClient, "getHttpResponseProcessedByCode", "2XX");

        for (int i = 0; i < 5; i++) {
            servedBy(this.get("/page?i=" + i));
        }
        HttpResponse<String> upload = this.client.send(HttpRequest.newBuilder(BALANCER.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10_000])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, upload.statusCode());

        assertTrue(this.metric("http-requests") >= requests + 6, "http-requests");
        assertTrue(this.metric("http-bytes-to-server") >= toServer + 10_000, "http-bytes-to-server");
        assertTrue(this.metric("http-bytes-to-client") >= toClient + 5 * "node=s".length(), "http-bytes-to-client");
        JsonObject lbstat = StatisticsPages.lbstat();
        assertTrue(lbstat.getJsonNumber("NumberOfHttpRequests").longValue() >= lbstatBefore.getJsonNumber("NumberOfHttpRequests").longValue() + 6, lbstat::toString);
        assertTrue(lbstat.getJsonNumber("NumberOfHttpBytesToServer").longValue() >= lbstatBefore.getJsonNumber("NumberOfHttpBytesToServer").longValue() + 10_000,
                lbstat::toString);
        assertTrue(lbstat.getJsonNumber("NumberOfHttpBytesToClient").longValue() > lbstatBefore.getJsonNumber("NumberOfHttpBytesToClient").longValue(), lbstat::toString);
        assertTrue(JmxClient.read(this.managementClient, "NumberOfHttpRequests") >= requests + 6);
        assertTrue(JmxClient.invoke(this.managementClient, "getHttpRequestsProcessedByMethod", "GET") >= gets + 5, "GETs by method");
        assertTrue(JmxClient.invoke(this.managementClient, "getHttpRequestsProcessedByMethod", "POST") >= posts + 1, "POSTs by method");
        assertTrue(JmxClient.invoke(this.managementClient, "getHttpResponseProcessedByCode", "2XX") >= successes + 6, "2XX answers");

        try (Socket socket = new Socket(BALANCER.getHost(), BALANCER.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /kept HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(RawHttp.statusLine(socket.getInputStream()).startsWith("HTTP/1.1 200"));
            long open = this.metric("http-active-connections");
            assertTrue(open >= 1, "http-active-connections while a client is connected: " + open);
            assertTrue(StatisticsPages.lbstat().getJsonNumber("NumberOfActiveHttpConnections").longValue() >= 1);
            socket.close();
            Management.await("the closed connection to be no longer counted", 5000, () -> this.metric("http-active-connections") < open);
        }
    }

    @Test
    void badAttributeValuesAreRefusedNamingTheAttribute() throws Exception {
        Map<String, ModelNode> bad = Map.of(
                "unavailable-host", new ModelNode("sorry.example.com:notaport"),
                "max-request-size", new ModelNode(-1L),
                "max-response-size", new ModelNode(-5L),
                "max-request-time", new ModelNode(-1),
                "no-request-timeout", new ModelNode(-1),
                "bad-node-request-pattern", new ModelNode("(unclosed"),
                "connections-per-thread", new ModelNode(0),
                "socket-binding", new ModelNode("no-such-binding"));
        for (Map.Entry<String, ModelNode> attribute : bad.entrySet()) {
            ModelNode before = this.management.read(HTTP, attribute.getKey());
            // /subsystem=load-balancer/http=default:write-attribute(name=max-request-size, value=-1){allow-resource-service-restart=true}
            ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, attribute.getKey(), attribute.getValue())));
            assertFalse(Operations.isSuccessfulOutcome(outcome), attribute + " was accepted");
            assertTrue(Operations.getFailureDescription(outcome).asString().contains(attribute.getKey()), outcome::toString);
            assertEquals(before, this.management.read(HTTP, attribute.getKey()), "nothing of " + attribute + " was applied");
        }
        this.node("after");
        assertEquals("after", servedBy(this.get("/")), "the engine runs on as before");
    }

    @Test
    void aSocketBindingThatCannotBindIsRolledBackAndTheEngineServesOn() throws Exception {
        this.node("r");
        ModelNode taken = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "lb-http-taken");
        // /socket-binding-group=standard-sockets/socket-binding=lb-http-taken:add(port=2610), the heartbeat's port
        ModelNode add = Operations.createAddOperation(taken);
        add.get("port").set(2610);
        this.management.success(add);
        try {
            // /subsystem=load-balancer/http=default:write-attribute(name=socket-binding, value=lb-http-taken){allow-resource-service-restart=true}
            ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "socket-binding", "lb-http-taken")));
            assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
            assertEquals("load-balancer-http", this.management.read(HTTP, "socket-binding").asString());
            assertEquals("r", servedBy(this.get("/")), "the engine is back on 2080");
        } finally {
            // /socket-binding-group=standard-sockets/socket-binding=lb-http-taken:remove{allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createRemoveOperation(taken)));
        }
    }

}

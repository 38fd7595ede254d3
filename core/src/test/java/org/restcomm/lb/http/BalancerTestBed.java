package org.restcomm.lb.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** A balancer on an ephemeral loopback port, its registry and algorithm, test nodes, and a client without a cookie jar. */
final class BalancerTestBed implements AutoCloseable {

    final XnioWorker worker;
    final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    final Intake intake = new Intake();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<TestNode> nodes = new ArrayList<>();
    private BalancerAlgorithm algorithm;
    HttpBalancer balancer;

    BalancerTestBed() throws IOException {
        this.worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 2)
                .set(Options.WORKER_TASK_CORE_THREADS, 4)
                .set(Options.WORKER_TASK_MAX_THREADS, 16)
                .getMap());
    }

    /** Starts a node and registers it as its heartbeat would, with extra properties. */
    TestNode node(String name, String jvmRoute, Map<String, String> extra) {
        return this.register(new TestNode(name, jvmRoute, this.worker), extra);
    }

    /** Starts a node that speaks only TLS, advertising sslPort and wssPort, and registers it. */
    TestNode tlsNode(String name, String jvmRoute) {
        return this.register(new TestNode(name, jvmRoute, this.worker, TestTls.server()), Map.of());
    }

    private TestNode register(TestNode node, Map<String, String> extra) {
        String name = node.name;
        this.nodes.add(node);
        Map<String, String> properties = new java.util.HashMap<>(node.properties());
        properties.putAll(extra);
        this.registry.register(new NodeAdvertisement(name, "127.0.0.1", properties), NodeSource.HTTP);
        return node;
    }

    TestNode node(String name, String jvmRoute) {
        return this.node(name, jvmRoute, Map.of());
    }

    /** The registry's entry for a test node. */
    Node registered(TestNode node) {
        return this.registry.node("127.0.0.1:" + node.wsPort()).orElseThrow();
    }

    BalancerTestBed start(HttpBalancerSettings settings) {
        return this.start(settings, new CallIdAffinityAlgorithm(), Map.of());
    }

    BalancerTestBed start(HttpBalancerSettings settings, BalancerAlgorithm algorithm, Map<String, String> algorithmProperties) {
        return this.start(settings, algorithm, algorithmProperties, null);
    }

    /** With an HTTPS listener on another ephemeral loopback port, presenting the test certificate. */
    BalancerTestBed startWithHttps(HttpBalancerSettings settings) {
        return this.startWithHttps(settings, TestTls.server());
    }

    /** With an HTTPS listener on another ephemeral loopback port, answering with the given context. */
    BalancerTestBed startWithHttps(HttpBalancerSettings settings, javax.net.ssl.SSLContext context) {
        return this.start(settings, new CallIdAffinityAlgorithm(), Map.of(),
                new HttpsListener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), context));
    }

    private BalancerTestBed start(HttpBalancerSettings settings, BalancerAlgorithm algorithm, Map<String, String> algorithmProperties, HttpsListener https) {
        this.algorithm = algorithm;
        algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), algorithmProperties));
        this.registry.addListener(algorithm);
        this.balancer = new HttpBalancer(settings, this.registry, () -> this.algorithm, this.statistics.http(), this.intake);
        this.balancer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), https, this.worker);
        return this;
    }

    int port() {
        return this.balancer.address().getPort();
    }

    int httpsPort() {
        return this.balancer.httpsAddress().getPort();
    }

    /** A client that trusts the test certificate of the HTTPS listener and checks that it names 127.0.0.1. */
    static HttpClient httpsClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).sslContext(TestTls.client()).build();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + this.port() + pathAndQuery);
    }

    /** GET through the balancer; headers as name, value pairs. */
    HttpResponse<String> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(this.uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The node name a response came from ("node=<name>"). */
    static String servedBy(HttpResponse<String> response) {
        if (response.statusCode() != 200 || !response.body().startsWith("node=")) {
            throw new AssertionError("not answered by a node: " + response.statusCode() + " " + response.body());
        }
        return response.body().substring("node=".length());
    }

    /** The JSESSIONID value a node set, e.g. {@code 4f2c….a}. */
    static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring("JSESSIONID=".length()).split(";")[0]).findFirst()
                .orElseThrow(() -> new AssertionError("no JSESSIONID in " + response.headers().map()));
    }

    /** Counters are updated when Undertow completes the exchange, which may be just after the client has its answer. */
    static void eventually(long expected, java.util.function.LongSupplier actual, String message) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (actual.getAsLong() != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected, actual.getAsLong(), message);
    }

    @Override
    public void close() {
        if (this.balancer != null) {
            this.balancer.stop();
        }
        this.nodes.forEach(TestNode::close);
        if (this.algorithm != null) {
            this.algorithm.stop();
        }
        this.worker.shutdownNow();
    }
}

package org.restcomm.lb.node.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.HeartbeatEndpoint;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeState;
import org.restcomm.lb.http.TestTls;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** The node's heartbeat client against the balancer's own HTTP heartbeat endpoint and registry, over real sockets. */
class NodeHeartbeatSenderTest {

    private static final String NODE = "127.0.0.1:8081";

    private final JsonProvider json = JsonProvider.provider();
    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 5000);
    private HeartbeatEndpoint balancer;
    private NodeHeartbeatSender sender;

    @AfterEach
    void stop() {
        if (this.sender != null) {
            this.sender.stop();
        }
        if (this.balancer != null) {
            this.balancer.stop();
        }
    }

    @Test
    void startedNodeIsRegisteredWithItsJvmRoutePortsAndVersionAndKeepsBeating() throws Exception {
        this.startBalancer(0);
        this.startSender(List.of(this.balancerUri()));

        Node node = this.registry.node(NODE).orElseThrow(() -> new AssertionError("not registered: " + this.registry.nodes()));
        assertEquals("route-a", node.jvmRoute());
        assertEquals("node-a", node.hostName());
        assertEquals("3", node.version());
        assertEquals(8080, node.port("httpPort").getAsInt());
        assertEquals(8081, node.port("wsPort").getAsInt());
        assertEquals(NodeState.ACTIVE, node.state());
        assertEquals(this.sender.sessionId(), node.sessionId());

        long seen = node.lastSeen();
        awaitTrue(() -> this.registry.node(NODE).map(Node::lastSeen).orElse(0L) > seen, "heartbeats refresh the node");
    }

    @Test
    void heartbeatsGoOverHttpsWithTheNodesClientCertificate() throws Exception {
        this.balancer = new HeartbeatEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, TestTls.serverRequiringClientCertificates(),
                this.registry, new HeartbeatProtocol(this.registry, new LoadBalancerStatistics(true).heartbeats()), this.json);
        this.balancer.start();
        URI https = NodeHeartbeatSettings.balancerUri("127.0.0.1:" + this.balancer.address().getPort(), true);
        assertEquals("https", https.getScheme());
        this.sender = new NodeHeartbeatSender(new NodeHeartbeatSettings(List.of(https), Duration.ofMillis(100), "node-a", "127.0.0.1",
                Map.of("httpPort", 8080, "wsPort", 8081), "3", "route-a", TestTls.mutual()), this.json);
        this.sender.start();

        Node node = this.registry.node(NODE).orElseThrow(() -> new AssertionError("not registered: " + this.registry.nodes()));
        long seen = node.lastSeen();
        awaitTrue(() -> this.registry.node(NODE).map(Node::lastSeen).orElse(0L) > seen, "heartbeats over HTTPS refresh the node");
    }

    @Test
    void shutdownDrainsTheNodeAndResumeMakesItActiveUnderANewSession() throws Exception {
        this.startBalancer(0);
        this.startSender(List.of(this.balancerUri()));
        String firstSession = this.sender.sessionId();

        this.sender.shutdown().get(5, TimeUnit.SECONDS);
        assertEquals(NodeState.DRAINING, this.state());
        Thread.sleep(300);
        assertEquals(NodeState.DRAINING, this.state(), "heartbeats while draining keep it draining");

        this.sender.resume().get(5, TimeUnit.SECONDS);
        assertEquals(NodeState.ACTIVE, this.state());
        assertNotEquals(firstSession, this.registry.node(NODE).orElseThrow().sessionId());
        assertEquals(1, this.registry.size());
    }

    @Test
    void nodeForgottenByTheBalancerRegistersAgain() throws Exception {
        this.startBalancer(0);
        this.startSender(List.of(this.balancerUri()));

        this.registry.clear();
        awaitTrue(() -> this.registry.node(NODE).isPresent(), "a heartbeat answered UNKNOWN is followed by start");
        assertEquals("route-a", this.registry.node(NODE).orElseThrow().jvmRoute());
    }

    @Test
    void drainingNodeForgottenByTheBalancerComesBackDraining() throws Exception {
        this.startBalancer(0);
        this.startSender(List.of(this.balancerUri()));
        this.sender.shutdown().get(5, TimeUnit.SECONDS);

        this.registry.clear();
        // the registry publishes a re-registered node before it applies GRACEFUL_SHUTDOWN: wait for the state, not the entry
        awaitTrue(() -> this.registry.node(NODE).map(node -> node.state() == NodeState.DRAINING).orElse(false), "registered again, draining");
        assertEquals(NodeState.DRAINING, this.state());
    }

    @Test
    void stopRemovesTheNodeAtOnce() throws Exception {
        this.startBalancer(0);
        this.startSender(List.of(this.balancerUri()));
        assertTrue(this.registry.node(NODE).isPresent());

        this.sender.stop();
        assertTrue(this.registry.nodes().isEmpty(), "stop removes without waiting for node-timeout");
    }

    @Test
    void balancerThatComesUpLaterIsJoinedWhileTheOthersAreServed() throws Exception {
        int laterPort = freePort();
        this.startBalancer(0);
        NodeRegistry otherRegistry = this.registry;
        this.startSender(List.of(URI.create("http://127.0.0.1:" + laterPort + "/"), this.balancerUri()));
        assertTrue(otherRegistry.node(NODE).isPresent(), "the reachable balancer is not held up by the unreachable one");

        NodeRegistry laterRegistry = new NodeRegistry(Clock.systemUTC(), 5000);
        HeartbeatEndpoint later = endpoint(laterRegistry, laterPort);
        later.start();
        try {
            awaitTrue(() -> laterRegistry.node(NODE).isPresent(), "registered once the balancer listens");
        } finally {
            later.stop();
        }
    }

    private NodeState state() {
        Optional<Node> node = this.registry.node(NODE);
        return node.map(Node::state).orElse(null);
    }

    private void startBalancer(int port) {
        this.balancer = endpoint(this.registry, port);
        this.balancer.start();
    }

    private HeartbeatEndpoint endpoint(NodeRegistry registry, int port) {
        return new HeartbeatEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, registry,
                new HeartbeatProtocol(registry, new LoadBalancerStatistics(true).heartbeats()), this.json);
    }

    private URI balancerUri() {
        return NodeHeartbeatSettings.balancerUri("127.0.0.1:" + this.balancer.address().getPort());
    }

    private void startSender(List<URI> balancers) {
        NodeHeartbeatSettings settings = new NodeHeartbeatSettings(balancers, Duration.ofMillis(100), "node-a", "127.0.0.1",
                Map.of("httpPort", 8080, "wsPort", 8081), "3", "route-a");
        this.sender = new NodeHeartbeatSender(settings, this.json);
        this.sender.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, what + " within 5 s");
            Thread.sleep(20);
        }
    }
}

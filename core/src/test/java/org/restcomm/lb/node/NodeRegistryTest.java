package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {

    private final MutableClock clock = new MutableClock();
    private final NodeRegistry registry = new NodeRegistry(this.clock, 1000);
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void listen() {
        this.registry.addListener(new NodeRegistryListener() {
            @Override
            public void nodeAdded(Node node) {
                NodeRegistryTest.this.events.add("added " + node.name() + " " + node.sessionId());
            }

            @Override
            public void nodeRemoved(Node node) {
                NodeRegistryTest.this.events.add("removed " + node.name() + " " + node.sessionId());
            }

            @Override
            public void nodeStateChanged(Node node, NodeState previous) {
                NodeRegistryTest.this.events.add(node.name() + " " + previous.displayName() + "->" + node.state().displayName());
            }

            @Override
            public void jvmRouteSwitchover(String from, String to) {
                NodeRegistryTest.this.events.add("switchover " + from + "->" + to);
            }
        });
    }

    @Test
    void nodeIsNamedByIpAndFirstPortInTransportOrder() {
        assertEquals("10.0.0.1:5080", advertisement("10.0.0.1", "s", Map.of("tcpPort", "5081", "udpPort", "5080", "httpPort", "8080")).nodeName());
        assertEquals("10.0.0.1:5082", advertisement("10.0.0.1", "s", Map.of("tlsPort", "5082", "httpPort", "8080")).nodeName());
        assertEquals("[::1]:8080", advertisement("::1", "s", Map.of("httpPort", "8080")).nodeName());
        assertEquals("10.0.0.1:2776", advertisement("10.0.0.1", "s", Map.of("smppPort", "2776")).nodeName());
    }

    @Test
    void sameSessionRefreshesAndNewSessionRestarts() {
        Node first = this.registry.register(node(5080, "1"), NodeSource.HTTP);
        this.clock.advance(500);
        assertSame(first, this.registry.register(node(5080, "1"), NodeSource.HTTP), "same session: same entry");
        assertEquals(this.clock.millis(), first.lastSeen());

        Node restarted = this.registry.register(node(5080, "2"), NodeSource.HTTP);

        assertEquals("2", restarted.sessionId());
        assertEquals(List.of("added 127.0.0.1:5080 1", "removed 127.0.0.1:5080 1", "added 127.0.0.1:5080 2"), this.events);
        assertTrue(this.registry.heartbeat("1").isEmpty(), "the old session is unknown");
        assertTrue(this.registry.heartbeat("2").isPresent());
    }

    @Test
    void silentNodesExpireAndStaticOnesDoNot() {
        this.registry.register(node(5080, "1"), NodeSource.HTTP);
        this.registry.register(node(5081, "2"), NodeSource.HTTP);
        this.registry.setStaticNodes(StaticNodes.advertisements(List.of("127.0.0.1:5090")));

        this.clock.advance(800);
        this.registry.heartbeat("2");
        this.clock.advance(300);
        assertEquals(List.of("127.0.0.1:5080"), this.registry.expire().stream().map(Node::name).toList());

        this.clock.advance(5000);
        this.registry.expire();
        assertEquals(List.of("127.0.0.1:5090"), this.registry.nodes().stream().map(Node::name).toList());
    }

    @Test
    void trafficFromANodeCountsAsHeartbeat() {
        this.registry.register(node(5080, "1"), NodeSource.SIP);
        this.clock.advance(900);
        this.registry.seen("127.0.0.1:5080");
        this.clock.advance(900);
        assertTrue(this.registry.expire().isEmpty());
    }

    @Test
    void shutdownDrainsAndOperatorStatesChangeWhoTakesNewWork() {
        this.registry.register(node(5080, "1"), NodeSource.HTTP);
        this.registry.register(node(5081, "2"), NodeSource.HTTP);

        this.registry.shutdown("1");
        this.registry.disable("127.0.0.1:5081");
        assertTrue(this.registry.activeNodes().isEmpty());
        assertTrue(this.registry.node("127.0.0.1:5080").orElseThrow().state().keepsExistingWork());

        this.registry.enable("127.0.0.1:5081");
        assertEquals(List.of("127.0.0.1:5081"), this.registry.activeNodes().stream().map(Node::name).toList());
        assertTrue(this.events.contains("127.0.0.1:5080 active->draining"));
    }

    @Test
    void gracefulShutdownPropertyDrains() {
        Map<String, String> properties = new HashMap<>(node(5080, "1").properties());
        properties.put("GRACEFUL_SHUTDOWN", "true");
        Node node = this.registry.register(new NodeAdvertisement("h", "127.0.0.1", properties), NodeSource.SIP);
        assertEquals(NodeState.DRAINING, node.state());
    }

    @Test
    void switchoverFollowsChainsAndIsUndoneWhenTheOwnerReturns() {
        this.registry.switchover("a", "b");
        this.registry.switchover("b", "c");
        assertEquals("c", this.registry.currentJvmRoute("a"));

        Map<String, String> properties = new HashMap<>(node(5080, "1").properties());
        properties.put("jvmRoute", "a");
        this.registry.register(new NodeAdvertisement("h", "127.0.0.1", properties), NodeSource.HTTP);

        assertEquals("a", this.registry.currentJvmRoute("a"));
        assertEquals("127.0.0.1:5080", this.registry.nodeOfJvmRoute("a").orElseThrow().name());
        assertTrue(this.events.contains("switchover a->b"));
    }

    @Test
    void aNodeIsFoundAtEveryPortItAdvertisesUntilItReadvertisesOrLeaves() throws Exception {
        Node node = this.registry.register(advertisement("10.0.0.7", "1", Map.of("udpPort", "5080", "tcpPort", "5081", "heartbeatPort", "7000")),
                NodeSource.HTTP);
        assertEquals(java.util.OptionalInt.of(7000), node.port("heartbeatPort"), "a port no transport uses is read as advertised");
        assertTrue(node.port("wssPort").isEmpty());
        Node v6 = this.registry.register(advertisement("::1", "2", Map.of("udpPort", "5090")), NodeSource.HTTP);

        assertSame(node, this.registry.nodeAt("10.0.0.7", 5080).orElseThrow());
        assertSame(node, this.registry.nodeAt("10.0.0.7", 5081).orElseThrow());
        assertSame(node, this.registry.nodeAt(InetAddress.getByName("10.0.0.7"), 5081), "by the datagram's own address");
        assertTrue(this.registry.nodeAt("10.0.0.7", 5082).isEmpty());
        assertTrue(this.registry.nodeAt("10.0.0.8", 5080).isEmpty());
        assertSame(v6, this.registry.nodeAt("0:0:0:0:0:0:0:1", 5090).orElseThrow(), "an IPv6 literal spelled otherwise");
        assertSame(v6, this.registry.nodeAt("[::1]", 5090).orElseThrow());
        assertSame(v6, this.registry.nodeAt(InetAddress.getByName("::1"), 5090));

        this.registry.register(advertisement("10.0.0.7", "1", Map.of("udpPort", "5080")), NodeSource.HTTP);
        assertTrue(this.registry.nodeAt("10.0.0.7", 5081).isEmpty(), "a port no longer advertised");
        this.registry.removeNode(node.name(), "test");
        assertTrue(this.registry.nodeAt("10.0.0.7", 5080).isEmpty());
        assertEquals(null, this.registry.nodeAt(InetAddress.getByName("10.0.0.7"), 5080));
    }

    @Test
    void theNodeNamedByAnAddressWinsOverAnotherAdvertisingItsPort() {
        Node other = this.registry.register(advertisement("127.0.0.1", "1", Map.of("udpPort", "5070", "tcpPort", "5080")), NodeSource.HTTP);
        Node named = this.registry.register(node(5080, "2"), NodeSource.HTTP);

        assertSame(named, this.registry.nodeAt("127.0.0.1", 5080).orElseThrow());
        assertSame(other, this.registry.nodeAt("127.0.0.1", 5070).orElseThrow());
    }

    private static NodeAdvertisement node(int port, String session) {
        return advertisement("127.0.0.1", session, Map.of("udpPort", Integer.toString(port)));
    }

    private static NodeAdvertisement advertisement(String ip, String session, Map<String, String> ports) {
        Map<String, String> properties = new HashMap<>(ports);
        properties.put("sessionId", session);
        return new NodeAdvertisement("host", ip, properties);
    }
}

package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.Node;

class HeaderConsistentHashAlgorithmTest {

    private static final int KEYS = 30_000;

    private final AlgorithmFixture fixture = new AlgorithmFixture();

    @Test
    void keysSpreadEvenlyAndOnlyTheLostNodesKeysMoveEvenly() {
        for (int host = 1; host <= 4; host++) {
            this.fixture.node(host, "1");
        }
        HeaderConsistentHashAlgorithm algorithm = this.fixture.start(new HeaderConsistentHashAlgorithm(), Map.of());
        Map<String, String> before = new HashMap<>();
        Map<String, Integer> spread = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String node = algorithm.processExternalRequest(TestMessage.call("call-" + i)).name();
            before.put("call-" + i, node);
            spread.merge(node, 1, Integer::sum);
        }
        spread.values().forEach(count -> assertTrue(Math.abs(count - KEYS / 4) < KEYS / 4 * 0.05, "within 5% of even: " + spread));

        String lost = "10.0.0.2:5080";
        this.fixture.registry.removeNode(lost, "test");

        Map<String, Integer> movedTo = new HashMap<>();
        before.forEach((key, node) -> {
            String now = algorithm.processExternalRequest(TestMessage.call(key)).name();
            if (node.equals(lost)) {
                movedTo.merge(now, 1, Integer::sum);
            } else {
                assertEquals(node, now, "a key of a surviving node never moves");
            }
        });
        int lostKeys = spread.get(lost);
        assertEquals(3, movedTo.size());
        movedTo.values().forEach(count -> assertTrue(Math.abs(count - lostKeys / 3) < lostKeys / 3 * 0.1, "lost keys spread evenly: " + movedTo));
    }

    @Test
    void sipUserAndHttpParameterWithTheSameValueLandOnTheSameNode() {
        for (int host = 1; host <= 5; host++) {
            this.fixture.node(host, "1");
        }
        HeaderConsistentHashAlgorithm algorithm = this.fixture.start(new HeaderConsistentHashAlgorithm(),
                Map.of(HeaderConsistentHashAlgorithm.SIP_AFFINITY_KEY, "to.user"));
        for (int i = 0; i < 50; i++) {
            String user = "user" + i;
            Node sip = algorithm.processExternalRequest(TestMessage.between("cid-" + i, "caller", user));
            Node http = algorithm.processHttpRequest(new TestHttpRequest(Map.of("appsession", user)));
            assertSame(sip, http, user);
        }
    }

    @Test
    void nodesWithoutAPortForTheProtocolAreNotChosen() {
        this.fixture.registry.register(new org.restcomm.lb.node.NodeAdvertisement("web", "10.0.0.9", Map.of("httpPort", "8080", "sessionId", "web")),
                org.restcomm.lb.node.NodeSource.HTTP);
        this.fixture.registry.register(new org.restcomm.lb.node.NodeAdvertisement("sip", "10.0.0.8", Map.of("udpPort", "5080", "sessionId", "sip")),
                org.restcomm.lb.node.NodeSource.HTTP);
        HeaderConsistentHashAlgorithm algorithm = this.fixture.start(new HeaderConsistentHashAlgorithm(), Map.of());
        for (int i = 0; i < 20; i++) {
            assertEquals("10.0.0.8", algorithm.processExternalRequest(TestMessage.between("cid-" + i, "caller", "u" + i)).ip(), "SIP only to the SIP node");
            assertEquals("10.0.0.9", algorithm.processHttpRequest(new TestHttpRequest(Map.of("appsession", "u" + i))).ip(), "HTTP only to the web node");
        }
    }

    @Test
    void twoBalancersWithTheSameNodesDecideTheSame() {
        AlgorithmFixture other = new AlgorithmFixture();
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
            other.node(4 - host, "1");
        }
        HeaderConsistentHashAlgorithm one = this.fixture.start(new HeaderConsistentHashAlgorithm(), Map.of());
        HeaderConsistentHashAlgorithm two = other.start(new HeaderConsistentHashAlgorithm(), Map.of());
        for (int i = 0; i < 100; i++) {
            assertEquals(one.processExternalRequest(TestMessage.call("x" + i)).name(), two.processExternalRequest(TestMessage.call("x" + i)).name());
        }
    }

    record TestHttpRequest(Map<String, String> query) implements HttpRequestView {
        public String method() {
            return "GET";
        }

        public String path() {
            return "/";
        }

        public String queryParameter(String name) {
            return this.query.get(name);
        }

        public String cookie(String name) {
            return null;
        }

        public String header(String name) {
            return null;
        }
    }
}

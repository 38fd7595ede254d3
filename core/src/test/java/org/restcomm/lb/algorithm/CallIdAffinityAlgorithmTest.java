package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.Node;

class CallIdAffinityAlgorithmTest {

    private final AlgorithmFixture fixture = new AlgorithmFixture();
    private CallIdAffinityAlgorithm algorithm;

    @AfterEach
    void stop() {
        this.algorithm.stop();
    }

    @Test
    void callStaysOnItsNodeAndNewCallsSpreadRoundRobin() {
        this.fixture.node(1, "1");
        this.fixture.node(2, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());

        Node first = this.algorithm.processExternalRequest(TestMessage.call("a"));
        Node second = this.algorithm.processExternalRequest(TestMessage.call("b"));

        assertNotEquals(first, second);
        for (int i = 0; i < 5; i++) {
            assertSame(first, this.algorithm.processExternalRequest(TestMessage.call("a")));
        }
    }

    /** The original's RampUpTest: a node joining with a 50 % increase gets half a full node's share, then all of it. */
    @Test
    void aNodeThatJustJoinedRampsUpToAFullShare() {
        this.fixture.registry.setRampUp(new org.restcomm.lb.node.RampUp(70_000, 50));
        Node old = this.fixture.node(1, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        this.fixture.clock.advance(10 * 70_000);
        Node joined = this.fixture.node(2, "1");

        Map<Node, Integer> firstPeriod = this.newCalls(600, "ramping-");
        assertEquals(200, firstPeriod.get(joined), "half a full node's share: a third of the calls " + firstPeriod);
        assertEquals(400, firstPeriod.get(old));

        this.fixture.clock.advance(70_000);
        Map<Node, Integer> ramped = this.newCalls(600, "ramped-");
        assertEquals(300, ramped.get(joined), "a full share after one more period: " + ramped);
        assertEquals(300, ramped.get(old));
    }

    @Test
    void withoutRampUpANewNodeGetsItsFullShareAtOnce() {
        Node old = this.fixture.node(1, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        Node joined = this.fixture.node(2, "1");
        Map<Node, Integer> calls = this.newCalls(600, "plain-");
        assertEquals(List.of(300, 300), List.of(calls.get(old), calls.get(joined)));
    }

    private Map<Node, Integer> newCalls(int count, String prefix) {
        Map<Node, Integer> byNode = new HashMap<>();
        for (int i = 0; i < count; i++) {
            byNode.merge(this.algorithm.processExternalRequest(TestMessage.call(prefix + i)), 1, Integer::sum);
        }
        return byNode;
    }

    @Test
    void anHttpOnlyNodeGetsNoCallsAndASipOnlyNodeNoSessions() {
        this.fixture.registry.register(new org.restcomm.lb.node.NodeAdvertisement("web", "10.0.0.9", Map.of("httpPort", "8080", "sessionId", "web")),
                org.restcomm.lb.node.NodeSource.HTTP);
        this.fixture.registry.register(new org.restcomm.lb.node.NodeAdvertisement("sip", "10.0.0.8", Map.of("udpPort", "5080", "sessionId", "sip")),
                org.restcomm.lb.node.NodeSource.HTTP);
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        for (int i = 0; i < 6; i++) {
            assertEquals("10.0.0.8", this.algorithm.processExternalRequest(TestMessage.call("call-" + i)).ip());
            assertEquals("10.0.0.9", this.algorithm.processHttpRequest(new HeaderConsistentHashAlgorithmTest.TestHttpRequest(Map.of())).ip());
        }
    }

    @Test
    void noNodeMeansNull() {
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        assertNull(this.algorithm.processExternalRequest(TestMessage.call("a")));
    }

    @Test
    void drainingNodeKeepsItsCallsAndGetsNoNewOnes() {
        Node one = this.fixture.node(1, "1");
        this.fixture.node(2, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        String callOnOne = this.callOn(one);

        this.fixture.registry.drain(one.name());

        assertSame(one, this.algorithm.processExternalRequest(TestMessage.call(callOnOne)));
        for (int i = 0; i < 10; i++) {
            assertNotEquals(one, this.algorithm.processExternalRequest(TestMessage.call("new-" + i)));
        }
    }

    @Test
    void callsOfALostNodeMoveToALiveNodeAndStayThere() {
        Node one = this.fixture.node(1, "1");
        this.fixture.node(2, "1");
        this.fixture.node(3, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        String call = this.callOn(one);

        this.fixture.registry.removeNode(one.name(), "test");
        Node replacement = this.algorithm.processExternalRequest(TestMessage.call(call));

        assertNotEquals(one.name(), replacement.name());
        for (int i = 0; i < 5; i++) {
            assertSame(replacement, this.algorithm.processExternalRequest(TestMessage.call(call)), "one new node, not round the cluster");
        }
    }

    @Test
    void groupFailoverMovesEveryCallOfTheLostNodeToOneNode() {
        Node one = this.fixture.node(1, "1");
        this.fixture.node(2, "1");
        this.fixture.node(3, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of(CallIdAffinityAlgorithm.GROUP_FAILOVER, "true"));
        Set<String> callsOnOne = new HashSet<>();
        for (int i = 0; callsOnOne.size() < 6; i++) {
            if (this.algorithm.processExternalRequest(TestMessage.call("c" + i)) == one) {
                callsOnOne.add("c" + i);
            }
        }

        this.fixture.registry.removeNode(one.name(), "test");

        Set<String> targets = new HashSet<>();
        callsOnOne.forEach(call -> targets.add(this.algorithm.processExternalRequest(TestMessage.call(call)).name()));
        assertEquals(1, targets.size(), "all calls of the lost node on one survivor: " + targets);
    }

    @Test
    void newCallsGoToTheNewestVersionWhileOldCallsStay() {
        Node old = this.fixture.node(1, "1.9");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        String oldCall = this.callOn(old);

        Node upgraded = this.fixture.node(2, "1.10");

        for (int i = 0; i < 6; i++) {
            assertSame(upgraded, this.algorithm.processExternalRequest(TestMessage.call("new-" + i)));
        }
        assertSame(old, this.algorithm.processExternalRequest(TestMessage.call(oldCall)));
    }

    @Test
    void idleCallsAreForgotten() {
        this.fixture.node(1, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of(CallIdAffinityAlgorithm.MAX_IDLE_TIME, "30"));
        this.algorithm.processExternalRequest(TestMessage.call("idle"));
        this.fixture.clock.advance(20_000);
        this.algorithm.processExternalRequest(TestMessage.call("busy"));
        this.fixture.clock.advance(15_000);

        this.algorithm.evictIdle();

        assertEquals(1, this.algorithm.affinityCount());
    }

    @Test
    void serverInitiatedCallBelongsToTheNodeThatStartedIt() {
        this.fixture.node(1, "1");
        Node two = this.fixture.node(2, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());

        this.algorithm.processInternalRequest(TestMessage.call("from-server"), two);

        for (int i = 0; i < 4; i++) {
            assertSame(two, this.algorithm.processExternalRequest(TestMessage.call("from-server")));
        }
    }

    @Test
    void spreadIsEvenOverManyCalls() {
        this.fixture.node(1, "1");
        this.fixture.node(2, "1");
        this.fixture.node(3, "1");
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of());
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(this.algorithm.processExternalRequest(TestMessage.call("call-" + i)).name(), 1, Integer::sum);
        }
        counts.values().forEach(count -> assertEquals(1000, count));
        assertTrue(counts.size() == 3);
    }

    private String callOn(Node node) {
        for (int i = 0; i < 100; i++) {
            if (this.algorithm.processExternalRequest(TestMessage.call("on-" + i)) == node) {
                return "on-" + i;
            }
        }
        throw new AssertionError("no call landed on " + node);
    }

    @Test
    void twoBalancersSharingOneStoreSendEveryRequestOfACallToOneNode() {
        AlgorithmFixture other = new AlgorithmFixture();
        LocalAffinityStore shared = new LocalAffinityStore();
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
            other.node(host, "1");
        }
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of(), shared);
        CallIdAffinityAlgorithm two = other.start(new CallIdAffinityAlgorithm(), Map.of(), shared);
        try {
            two.processExternalRequest(TestMessage.call("offset the round robin"));
            for (int i = 0; i < 30; i++) {
                String first = this.algorithm.processExternalRequest(TestMessage.call("call-" + i)).name();
                assertEquals(first, two.processExternalRequest(TestMessage.call("call-" + i)).name(), "a retransmission reaching the other balancer");
            }
        } finally {
            two.stop();
        }
    }

    @Test
    void aBalancerThatClaimsACallSecondFollowsTheFirst() {
        AlgorithmFixture other = new AlgorithmFixture();
        LocalAffinityStore shared = new LocalAffinityStore();
        for (int host = 1; host <= 2; host++) {
            this.fixture.node(host, "1");
            other.node(host, "1");
        }
        this.algorithm = this.fixture.start(new CallIdAffinityAlgorithm(), Map.of(), shared);
        CallIdAffinityAlgorithm two = other.start(new CallIdAffinityAlgorithm(), Map.of(), new LateReaderStore(shared));
        try {
            two.processExternalRequest(TestMessage.call("offset the round robin"));
            Node winner = this.algorithm.processExternalRequest(TestMessage.call("raced"));
            assertEquals(winner.name(), two.processExternalRequest(TestMessage.call("raced")).name());
        } finally {
            two.stop();
        }
    }
}

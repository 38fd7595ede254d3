package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.HeaderConsistentHashAlgorithmTest.TestHttpRequest;
import org.restcomm.lb.node.Node;

class PersistentConsistentHashAlgorithmTest {

    private static final int KEYS = 3000;

    private final AlgorithmFixture fixture = new AlgorithmFixture();
    private final List<BalancerAlgorithm> started = new ArrayList<>();

    @AfterEach
    void stop() {
        this.started.forEach(BalancerAlgorithm::stop);
    }

    @Test
    void aJoiningNodeTakesOnlyNewKeys() {
        this.nodes(1, 3);
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of());
        Map<String, String> before = this.route(algorithm, "k", KEYS);

        Node joined = this.fixture.node(4, "1");

        assertEquals(before, this.route(algorithm, "k", KEYS), "no established key moves");
        Map<String, String> fresh = this.route(algorithm, "new", KEYS);
        long onJoined = fresh.values().stream().filter(joined.name()::equals).count();
        assertTrue(Math.abs(onJoined - KEYS / 4) < KEYS / 4 * 0.15, "new keys take the joined node as their rendezvous choice: " + onJoined);
    }

    @Test
    void aLeavingNodesKeysMoveToTheirNextRendezvousChoiceAndNoOtherKeyMoves() {
        this.nodes(1, 4);
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of());
        Map<String, String> before = this.route(algorithm, "k", KEYS);
        String lost = "10.0.0.2:5080";

        this.fixture.registry.removeNode(lost, "test");

        List<Node> survivors = List.copyOf(this.fixture.registry.nodes());
        Map<String, Integer> movedTo = new HashMap<>();
        this.route(algorithm, "k", KEYS).forEach((key, node) -> {
            if (before.get(key).equals(lost)) {
                assertEquals(RendezvousHash.choose(key, survivors).name(), node, "next rendezvous choice");
                movedTo.merge(node, 1, Integer::sum);
            } else {
                assertEquals(before.get(key), node, "a key of a surviving node never moves");
            }
        });
        assertEquals(3, movedTo.size(), "the lost keys spread over every survivor: " + movedTo);
    }

    @Test
    void aNodeComingBackDoesNotTakeItsOldKeysBack() {
        this.nodes(1, 3);
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of());
        Map<String, String> before = this.route(algorithm, "k", KEYS);
        this.fixture.registry.removeNode("10.0.0.1:5080", "test");
        Map<String, String> moved = this.route(algorithm, "k", KEYS);

        this.fixture.node(1, "1");

        assertEquals(moved, this.route(algorithm, "k", KEYS));
        assertTrue(before.containsValue("10.0.0.1:5080") && !moved.containsValue("10.0.0.1:5080"));
    }

    @Test
    void aBadNodeHandsItsKeysOverAndADrainingNodeKeepsThem() {
        this.nodes(1, 3);
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of());
        Map<String, String> before = this.route(algorithm, "k", KEYS);

        this.fixture.registry.drain("10.0.0.1:5080");
        this.fixture.registry.markBad("10.0.0.2:5080");

        this.route(algorithm, "k", KEYS).forEach((key, node) -> {
            if (before.get(key).equals("10.0.0.2:5080")) {
                assertNotEquals("10.0.0.2:5080", node);
            } else {
                assertEquals(before.get(key), node, "the draining node keeps its keys");
            }
        });
    }

    @Test
    void twoBalancersSharingOneStoreAgreeOnEveryKeyWhicheverServesIt() {
        AlgorithmFixture other = new AlgorithmFixture();
        LocalAffinityStore shared = new LocalAffinityStore();
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
            other.node(4 - host, "1");
        }
        PersistentConsistentHashAlgorithm one = this.start(this.fixture, Map.of(), shared);
        PersistentConsistentHashAlgorithm two = this.start(other, Map.of(), shared);
        for (int i = 0; i < KEYS; i++) {
            String key = "k" + i;
            PersistentConsistentHashAlgorithm first = (i % 2 == 0) ? one : two;
            PersistentConsistentHashAlgorithm second = (i % 2 == 0) ? two : one;
            assertEquals(this.route(first, key), this.route(second, key), key);
        }
        this.fixture.node(4, "1");
        other.node(4, "1");
        for (int i = 0; i < KEYS; i++) {
            assertEquals(this.route(one, "k" + i), this.route(two, "k" + i), "still after a join");
        }
    }

    @Test
    void theBalancerThatClaimsSecondFollowsTheFirst() {
        AlgorithmFixture other = new AlgorithmFixture();
        LocalAffinityStore shared = new LocalAffinityStore();
        this.nodes(1, 2);
        other.node(1, "1");
        other.node(2, "1");
        Node seenOnlyByTwo = other.node(3, "1");
        PersistentConsistentHashAlgorithm one = this.start(this.fixture, Map.of(), shared);
        PersistentConsistentHashAlgorithm two = this.start(other, Map.of(), new LateReaderStore(shared));
        String key = IntStream.range(0, 1000).mapToObj(i -> "k" + i)
                .filter(k -> RendezvousHash.choose(k, List.copyOf(other.registry.nodes())) == seenOnlyByTwo).findFirst().orElseThrow();

        String winner = this.route(one, key);

        assertEquals(winner, this.route(two, key), "two read no owner, chose " + seenOnlyByTwo + ", lost the claim and followed");
        assertEquals(winner, shared.owner(key, 0));
    }

    /** The simple rule for a node one balancer has not seen yet: a node absent from the registry counts as lost. */
    @Test
    void aKeyOnANodeThisBalancerDoesNotKnowMovesToOneItKnows() {
        AlgorithmFixture other = new AlgorithmFixture();
        LocalAffinityStore shared = new LocalAffinityStore();
        this.nodes(1, 2);
        other.node(1, "1");
        other.node(2, "1");
        Node seenOnlyByTwo = other.node(3, "1");
        PersistentConsistentHashAlgorithm one = this.start(this.fixture, Map.of(), shared);
        PersistentConsistentHashAlgorithm two = this.start(other, Map.of(), shared);
        String key = IntStream.range(0, 1000).mapToObj(i -> "k" + i)
                .filter(k -> RendezvousHash.choose(k, List.copyOf(other.registry.nodes())) == seenOnlyByTwo).findFirst().orElseThrow();
        assertEquals(seenOnlyByTwo.name(), this.route(two, key));

        String moved = this.route(one, key);

        assertNotEquals(seenOnlyByTwo.name(), moved);
        assertEquals(moved, this.route(two, key), "the other balancer follows the move");
    }

    @Test
    void aKeyIdleForMaxIdleTimeIsForgottenAndChosenAfresh() {
        this.nodes(1, 2);
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of(CallIdAffinityAlgorithm.MAX_IDLE_TIME, "30"));
        Map<String, String> before = this.route(algorithm, "k", 200);
        Node joined = this.fixture.node(3, "1");
        List<Node> all = List.copyOf(this.fixture.registry.nodes());
        String key = before.keySet().stream().filter(k -> RendezvousHash.choose(k, all) == joined).findFirst().orElseThrow();

        this.fixture.clock.advance(20_000);
        assertEquals(before.get(key), this.route(algorithm, key), "used within max idle time: kept");
        this.fixture.clock.advance(31_000);
        algorithm.evictIdle();

        assertEquals(0, algorithm.affinityCount());
        assertEquals(joined.name(), this.route(algorithm, key));
    }

    @Test
    void withAMaxLoadFactorANodeTakesNoKeyBeyondItsCap() {
        this.nodes(1, 3);
        List<Node> nodes = List.copyOf(this.fixture.registry.nodes());
        Node favoured = nodes.get(0);
        List<String> favouringKeys = IntStream.range(0, 10_000).mapToObj(i -> "k" + i)
                .filter(k -> RendezvousHash.choose(k, nodes) == favoured).limit(300).toList();
        PersistentConsistentHashAlgorithm bounded = this.start(this.fixture, Map.of(PersistentConsistentHashAlgorithm.MAX_LOAD_FACTOR, "1.25"));

        Map<String, Integer> perNode = new HashMap<>();
        favouringKeys.forEach(key -> perNode.merge(this.route(bounded, key), 1, Integer::sum));

        assertEquals(125, perNode.get(favoured.name()), "ceil(1.25 × 300 / 3): " + perNode);
        assertEquals(300, perNode.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void withoutAMaxLoadFactorEveryKeyTakesItsFirstChoice() {
        this.nodes(1, 3);
        List<Node> nodes = List.copyOf(this.fixture.registry.nodes());
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of());
        for (int i = 0; i < 300; i++) {
            assertEquals(RendezvousHash.choose("k" + i, nodes).name(), this.route(algorithm, "k" + i));
        }
    }

    @Test
    void aCallAndTheAppsessionWithTheSameValueShareOneNodeAfterNodesJoin() {
        this.nodes(1, 2);
        PersistentConsistentHashAlgorithm algorithm = this.start(this.fixture, Map.of(HeaderConsistentHashAlgorithm.SIP_AFFINITY_KEY, "to.user"));
        Map<String, Node> byHttp = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            byHttp.put("user" + i, algorithm.processHttpRequest(new TestHttpRequest(Map.of("appsession", "user" + i))));
        }
        this.nodes(3, 5);
        byHttp.forEach((user, node) -> assertSame(node, algorithm.processExternalRequest(TestMessage.between("cid-" + user, "caller", user)), user));
    }

    private void nodes(int from, int to) {
        for (int host = from; host <= to; host++) {
            this.fixture.node(host, "1");
        }
    }

    private PersistentConsistentHashAlgorithm start(AlgorithmFixture on, Map<String, String> properties) {
        return this.start(on, properties, null);
    }

    private PersistentConsistentHashAlgorithm start(AlgorithmFixture on, Map<String, String> properties, AffinityStore shared) {
        PersistentConsistentHashAlgorithm algorithm = on.start(new PersistentConsistentHashAlgorithm(), properties, shared);
        this.started.add(algorithm);
        return algorithm;
    }

    private String route(BalancerAlgorithm algorithm, String key) {
        return algorithm.processExternalRequest(TestMessage.call(key)).name();
    }

    private Map<String, String> route(BalancerAlgorithm algorithm, String prefix, int count) {
        Map<String, String> nodes = new HashMap<>();
        for (int i = 0; i < count; i++) {
            nodes.put(prefix + i, this.route(algorithm, prefix + i));
        }
        return nodes;
    }
}

package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.Node;

/**
 * The figures of persistent against stateless rendezvous hashing over a million keys: the share of keys that move
 * when a node leaves and when one joins, the spread (largest node over the mean), and bounded load's cap.
 */
class RendezvousSpreadTest {

    private static final int KEYS = 1_000_000;
    private static final int[] CLUSTER_SIZES = { 2, 3, 5, 8, 16, 64 };
    private static final double LOAD_FACTOR = 1.25;

    private record Row(int nodes, double statelessLeave, double persistentLeave, double statelessJoin, double persistentJoin, double spread,
            double boundedSpread, int boundedMax, long cap) {
    }

    @Test
    void onlyALeavingNodesKeysMoveAndPersistentKeysNeverMoveOnJoin() {
        String[] keys = IntStream.range(0, KEYS).mapToObj(i -> "key-" + i).toArray(String[]::new);
        StringBuilder table = new StringBuilder(String.format("%n%d keys; moved = share of all keys that change node%n", KEYS))
                .append(String.format("%4s | %-8s | %-15s | %-18s | %-15s | %-18s | %-12s | %-20s | %s%n", "N", "1/N", "leave stateless",
                        "leave persistent", "join stateless", "join persistent", "spread max/mean", "bounded 1.25 max/mean", "bounded max / cap"));
        for (int n : CLUSTER_SIZES) {
            Row row = this.measure(n, keys);
            table.append(String.format("%4d | %7.3f%% | %14.3f%% | %17.3f%% | %14.3f%% | %17.3f%% | %15.4f | %20.4f | %d / %d%n", n, 100.0 / n,
                    100 * row.statelessLeave(), 100 * row.persistentLeave(), 100 * row.statelessJoin(), 100 * row.persistentJoin(), row.spread(),
                    row.boundedSpread(), row.boundedMax(), row.cap()));
            assertWithinTenPercent(1.0 / n, row.statelessLeave(), "stateless, leave, N=" + n);
            assertWithinTenPercent(1.0 / n, row.persistentLeave(), "persistent, leave, N=" + n);
            assertWithinTenPercent(1.0 / (n + 1), row.statelessJoin(), "stateless, join, N=" + n);
            assertEquals(0.0, row.persistentJoin(), "persistent, join, N=" + n);
            assertTrue(row.spread() < 1.05, "spread N=" + n + ": " + row.spread());
            assertTrue(row.boundedMax() <= row.cap(), "bounded load cap N=" + n);
        }
        System.out.println(table);
    }

    private Row measure(int n, String[] keys) {
        AlgorithmFixture fixture = new AlgorithmFixture();
        for (int host = 1; host <= n; host++) {
            fixture.node(host, "1");
        }
        List<Node> nodes = List.copyOf(fixture.registry.nodes());
        String leaving = nodes.get(0).name();
        String joining = "10.0.0." + (n + 1) + ":5080";

        // stateless: each key's scores are worked out once and serve the three node sets
        String[] names = nodes.stream().map(Node::name).toArray(String[]::new);
        AtomicInteger statelessLeaves = new AtomicInteger();
        AtomicInteger statelessJoins = new AtomicInteger();
        IntStream.range(0, keys.length).parallel().forEach(i -> {
            long keyHash = RendezvousHash.keyHash(keys[i]);
            int best = 0;
            long bestScore = 0;
            for (int node = 0; node < names.length; node++) {
                long score = RendezvousHash.score(keyHash, names[node]);
                if (node == 0 || Long.compareUnsigned(score, bestScore) > 0) {
                    best = node;
                    bestScore = score;
                }
            }
            if (best == 0) {
                statelessLeaves.incrementAndGet();
            }
            if (Long.compareUnsigned(RendezvousHash.score(keyHash, joining), bestScore) > 0) {
                statelessJoins.incrementAndGet();
            }
        });

        PersistentConsistentHashAlgorithm persistent = fixture.start(new PersistentConsistentHashAlgorithm(), Map.of());
        String[] assigned = new String[keys.length];
        IntStream.range(0, keys.length).parallel().forEach(i -> assigned[i] = route(persistent, keys[i]));
        double spread = spread(assigned, n);
        fixture.registry.removeNode(leaving, "leaves");
        String[] afterLeave = new String[keys.length];
        IntStream.range(0, keys.length).parallel().forEach(i -> afterLeave[i] = route(persistent, keys[i]));
        fixture.node(n + 1, "1");
        long persistentJoins = IntStream.range(0, keys.length).parallel().filter(i -> !route(persistent, keys[i]).equals(afterLeave[i])).count();
        long persistentLeaves = IntStream.range(0, keys.length).filter(i -> !afterLeave[i].equals(assigned[i])).count();
        persistent.stop();

        AlgorithmFixture boundedFixture = new AlgorithmFixture();
        for (int host = 1; host <= n; host++) {
            boundedFixture.node(host, "1");
        }
        PersistentConsistentHashAlgorithm bounded = boundedFixture.start(new PersistentConsistentHashAlgorithm(),
                Map.of(PersistentConsistentHashAlgorithm.MAX_LOAD_FACTOR, String.valueOf(LOAD_FACTOR)));
        // one thread, as the cap is exact only for this balancer's own claims in sequence
        String[] boundedAssigned = Arrays.stream(keys).map(key -> route(bounded, key)).toArray(String[]::new);
        bounded.stop();
        Map<String, Integer> boundedCounts = counts(boundedAssigned);

        return new Row(n, statelessLeaves.get() / (double) keys.length, persistentLeaves / (double) keys.length,
                statelessJoins.get() / (double) keys.length, persistentJoins / (double) keys.length, spread, spread(boundedAssigned, n),
                boundedCounts.values().stream().mapToInt(Integer::intValue).max().orElseThrow(), (long) Math.ceil(LOAD_FACTOR * keys.length / n));
    }

    private static String route(BalancerAlgorithm algorithm, String key) {
        return algorithm.processExternalRequest(TestMessage.call(key)).name();
    }

    private static Map<String, Integer> counts(String[] assigned) {
        Map<String, Integer> counts = new HashMap<>();
        for (String node : assigned) {
            counts.merge(node, 1, Integer::sum);
        }
        return counts;
    }

    private static double spread(String[] assigned, int nodes) {
        int max = counts(assigned).values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        return max / ((double) assigned.length / nodes);
    }

    private static void assertWithinTenPercent(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 0.1 * expected, what + ": " + actual + " against " + expected);
    }
}

package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.Node;

class AffinityVariantsTest {

    private final AlgorithmFixture fixture = new AlgorithmFixture();

    @Test
    void failoverStaysInTheLostNodesSubcluster() {
        Node a1 = this.fixture.node(1, "1");
        Node a2 = this.fixture.node(2, "1");
        this.fixture.node(3, "1");
        this.fixture.node(4, "1");
        ClusterSubdomainAffinityAlgorithm algorithm = this.fixture.start(new ClusterSubdomainAffinityAlgorithm(),
                Map.of(ClusterSubdomainAffinityAlgorithm.SUBCLUSTER_MAP, "(10.0.0.1:5080, 10.0.0.2:5080) (10.0.0.3, 10.0.0.4)"));
        List<String> callsOnA1 = new java.util.ArrayList<>();
        for (int i = 0; callsOnA1.size() < 5; i++) {
            if (algorithm.processExternalRequest(TestMessage.call("c" + i)) == a1) {
                callsOnA1.add("c" + i);
            }
        }

        this.fixture.registry.removeNode(a1.name(), "test");

        callsOnA1.forEach(call -> assertSame(a2, algorithm.processExternalRequest(TestMessage.call(call))));
        algorithm.stop();
    }

    @Test
    void subclusterMapReadsTheOriginalFormat() {
        assertEquals(List.of(Set.of("10.0.0.1:5080", "10.0.0.2:5080"), Set.of("10.0.0.3")),
                ClusterSubdomainAffinityAlgorithm.parse("( 10.0.0.1:5080, 10.0.0.2:5080 ) ( 10.0.0.3 )"));
    }

    @Test
    void everyCallOfAUserGoesToOneNodeUnlessExcluded() {
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
        }
        UserBasedAlgorithm algorithm = this.fixture.start(new UserBasedAlgorithm(),
                Map.of(UserBasedAlgorithm.SIP_AFFINITY_KEY, "To", UserBasedAlgorithm.EXCLUSION_PATTERN, "conference-.*", UserBasedAlgorithm.FALLBACK_KEY, "From"));

        Node bob = algorithm.processExternalRequest(TestMessage.between("1", "alice", "bob"));
        for (int i = 2; i < 10; i++) {
            assertSame(bob, algorithm.processExternalRequest(TestMessage.between(Integer.toString(i), "caller" + i, "bob")));
        }
        Node carol = algorithm.processExternalRequest(TestMessage.between("20", "carol", "conference-1"));
        assertSame(carol, algorithm.processExternalRequest(TestMessage.between("21", "carol", "conference-2")), "excluded users fall back to From");
        algorithm.stop();
    }

    /** The original's RegexTest: /lbnoderegex sends the users an expression finds to one node, and taking it away ends that. */
    @Test
    void usersANodeRegexFindsGoToItsNode() {
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
        }
        UserBasedAlgorithm algorithm = this.fixture.start(new UserBasedAlgorithm(), Map.of(UserBasedAlgorithm.SIP_AFFINITY_KEY, "To"));
        this.fixture.registry.userRoutes().put("(-)", "10.0.0.2", 5080);
        for (int i = 0; i < 6; i++) {
            assertEquals("10.0.0.2:5080", algorithm.processExternalRequest(TestMessage.between("r" + i, "caller", "user-" + i)).name());
        }
        Set<String> others = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            others.add(algorithm.processExternalRequest(TestMessage.between("p" + i, "caller", "plain" + i)).name());
        }
        assertEquals(3, others.size(), "users it does not find are dealt as before: " + others);

        this.fixture.registry.markBad("10.0.0.2:5080");
        assertTrue(!algorithm.processExternalRequest(TestMessage.between("b", "caller", "user-b")).name().equals("10.0.0.2:5080"),
                "a node taking no new work is passed over");
        assertTrue(this.fixture.registry.userRoutes().remove("(-)"));
        assertTrue(this.fixture.registry.userRoutes().isEmpty());
        algorithm.stop();
    }

    @Test
    void originalClassNamesNameTheBuiltIns() {
        assertEquals(BuiltInAlgorithm.CALL_ID_AFFINITY, BuiltInAlgorithm.forName("org.mobicents.tools.sip.balancer.CallIDAffinityBalancerAlgorithm").orElseThrow());
        assertEquals(BuiltInAlgorithm.HEADER_CONSISTENT_HASH, BuiltInAlgorithm.forName("header-consistent-hash").orElseThrow());
        assertEquals(BuiltInAlgorithm.USER_BASED, BuiltInAlgorithm.forName(UserBasedAlgorithm.class.getName()).orElseThrow());
        assertEquals(BuiltInAlgorithm.PURE_CONSISTENT_HASH, BuiltInAlgorithm.forName("org.mobicents.tools.sip.balancer.PureConsistentHashBalancerAlgorithm").orElseThrow());
        assertEquals(BuiltInAlgorithm.ACTIVE_STANDBY, BuiltInAlgorithm.forName("org.mobicents.tools.sip.balancer.ActiveStandbyAlgorithm").orElseThrow());
        assertEquals(BuiltInAlgorithm.PERSISTENT_CONSISTENT_HASH, BuiltInAlgorithm.forName("org.mobicents.tools.sip.balancer.PersistentConsistentHashBalancerAlgorithm").orElseThrow());
        assertTrue(BuiltInAlgorithm.forName("com.example.Mine").isEmpty());
    }
}

package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.HeaderConsistentHashAlgorithmTest.TestHttpRequest;
import org.restcomm.lb.node.Node;

/** The scenarios of the original's PureConsistentHashNodeDeathTest, against the registry instead of a running balancer. */
class PureConsistentHashAlgorithmTest {

    private final AlgorithmFixture fixture = new AlgorithmFixture();

    @Test
    void aCallMovesToTheOtherNodeOnlyOnceItsNodeLeaves() {
        Node one = this.fixture.node(1, "1");
        Node two = this.fixture.node(2, "1");
        PureConsistentHashAlgorithm algorithm = this.fixture.start(new PureConsistentHashAlgorithm(), Map.of());
        Node invite = algorithm.processExternalRequest(TestMessage.call("call-1"));
        assertSame(invite, algorithm.processExternalRequest(TestMessage.call("call-1")), "the ACK goes where the INVITE went");

        this.fixture.registry.removeNode(invite.name(), "node died");

        Node bye = algorithm.processExternalRequest(TestMessage.call("call-1"));
        assertSame((invite == one) ? two : one, bye, "the BYE reaches the survivor");
    }

    @Test
    void whileItsOwnerTakesNoNewWorkAValueGetsNoNodeInsteadOfAnother() {
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
        }
        PureConsistentHashAlgorithm algorithm = this.fixture.start(new PureConsistentHashAlgorithm(), Map.of());
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            owners.put("call-" + i, algorithm.processExternalRequest(TestMessage.call("call-" + i)).name());
        }
        String draining = "10.0.0.2:5080";
        this.fixture.registry.drain(draining);

        owners.forEach((key, owner) -> {
            Node now = algorithm.processExternalRequest(TestMessage.call(key));
            if (owner.equals(draining)) {
                assertNull(now, key + " belongs to the draining node");
            } else {
                assertEquals(owner, now.name(), key + " stays on its owner");
            }
        });
        this.fixture.registry.enable(draining);
        owners.forEach((key, owner) -> assertEquals(owner, algorithm.processExternalRequest(TestMessage.call(key)).name(), "back on its owner"));
    }

    @Test
    void keysDoNotMoveWhenAnotherNodeTakesNoNewWorkWhereHeaderHashingMovesThem() {
        for (int host = 1; host <= 3; host++) {
            this.fixture.node(host, "1");
        }
        PureConsistentHashAlgorithm pure = this.fixture.start(new PureConsistentHashAlgorithm(), Map.of());
        HeaderConsistentHashAlgorithm header = this.fixture.start(new HeaderConsistentHashAlgorithm(), Map.of());
        String key = this.keyOwnedBy(pure, "10.0.0.2:5080");
        this.fixture.registry.disable("10.0.0.2:5080");

        assertNull(pure.processExternalRequest(TestMessage.call(key)));
        assertNotEquals("10.0.0.2:5080", header.processExternalRequest(TestMessage.call(key)).name());
    }

    @Test
    void noNodeRegisteredMeansNoNode() {
        PureConsistentHashAlgorithm algorithm = this.fixture.start(new PureConsistentHashAlgorithm(), Map.of());

        assertNull(algorithm.processExternalRequest(TestMessage.call("register-1")));
        assertNull(algorithm.processHttpRequest(new TestHttpRequest(Map.of("appsession", "a"))));
    }

    @Test
    void theConfiguredSipKeyAndTheHttpParameterHashAlike() {
        for (int host = 1; host <= 4; host++) {
            this.fixture.node(host, "1");
        }
        PureConsistentHashAlgorithm algorithm = this.fixture.start(new PureConsistentHashAlgorithm(),
                Map.of(HeaderConsistentHashAlgorithm.SIP_AFFINITY_KEY, "from.user", HeaderConsistentHashAlgorithm.HTTP_AFFINITY_KEY, "user"));
        for (int i = 0; i < 40; i++) {
            Node sip = algorithm.processExternalRequest(TestMessage.between("cid-" + i, "user" + i, "bob"));
            assertSame(sip, algorithm.processExternalRequest(TestMessage.between("other-cid-" + i, "user" + i, "carol")), "the From user decides");
            assertSame(sip, algorithm.processHttpRequest(new TestHttpRequest(Map.of("user", "user" + i))));
        }
    }

    private String keyOwnedBy(PureConsistentHashAlgorithm algorithm, String node) {
        for (int i = 0;; i++) {
            if (algorithm.processExternalRequest(TestMessage.call("k" + i)).name().equals(node)) {
                return "k" + i;
            }
        }
    }
}

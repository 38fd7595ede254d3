package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.HeaderConsistentHashAlgorithmTest.TestHttpRequest;

/** The scenarios of the original's ActiveStandbySipTest and ActiveStandbyHttpTest, against the registry. */
class ActiveStandbyAlgorithmTest {

    private final AlgorithmFixture fixture = new AlgorithmFixture();

    @Test
    void everyCallGoesToTheFirstRegisteredNode() {
        this.fixture.node(3, "1");
        this.fixture.clock.advance(1000);
        this.fixture.node(1, "1");
        this.fixture.node(2, "1");
        ActiveStandbyAlgorithm algorithm = this.fixture.start(new ActiveStandbyAlgorithm(), Map.of());

        for (int i = 0; i < 20; i++) {
            assertEquals("10.0.0.3:5080", algorithm.processExternalRequest(TestMessage.call("call-" + i)).name());
            assertEquals("10.0.0.3:5080", algorithm.processHttpRequest(new TestHttpRequest(Map.of())).name());
        }
    }

    @Test
    void theStandbyTakesOverWhenTheActiveNodeLeavesAndKeepsTheWorkWhenItComesBack() {
        this.fixture.node(1, "1");
        this.fixture.clock.advance(1000);
        this.fixture.node(2, "1");
        ActiveStandbyAlgorithm algorithm = this.fixture.start(new ActiveStandbyAlgorithm(), Map.of());
        assertEquals("10.0.0.1:5080", algorithm.processExternalRequest(TestMessage.call("invite")).name());

        this.fixture.registry.removeNode("10.0.0.1:5080", "node died");
        assertEquals("10.0.0.2:5080", algorithm.processExternalRequest(TestMessage.call("invite")).name(), "the BYE goes to the standby");

        this.fixture.node(1, "1");
        assertEquals("10.0.0.2:5080", algorithm.processExternalRequest(TestMessage.call("next")).name(), "no failback to the restarted node");
    }

    @Test
    void aDrainingOrUnreachableActiveNodeHandsOverAtOnce() {
        this.fixture.node(1, "1");
        this.fixture.clock.advance(1000);
        this.fixture.node(2, "1");
        this.fixture.clock.advance(1000);
        this.fixture.node(3, "1");
        ActiveStandbyAlgorithm algorithm = this.fixture.start(new ActiveStandbyAlgorithm(), Map.of());
        assertEquals("10.0.0.1:5080", algorithm.processExternalRequest(TestMessage.call("a")).name());

        this.fixture.registry.drain("10.0.0.1:5080");
        assertEquals("10.0.0.2:5080", algorithm.processExternalRequest(TestMessage.call("b")).name());

        this.fixture.registry.markUnreachable(this.fixture.registry.node("10.0.0.2:5080").orElseThrow(), "test");
        assertEquals("10.0.0.3:5080", algorithm.processExternalRequest(TestMessage.call("c")).name());

        this.fixture.registry.enable("10.0.0.1:5080");
        this.fixture.registry.reachable(this.fixture.registry.node("10.0.0.2:5080").orElseThrow());
        assertEquals("10.0.0.3:5080", algorithm.processExternalRequest(TestMessage.call("d")).name(), "the active node stays");
    }

    @Test
    void noNodeTakingWorkMeansNoNode() {
        this.fixture.node(1, "1");
        ActiveStandbyAlgorithm algorithm = this.fixture.start(new ActiveStandbyAlgorithm(), Map.of());
        this.fixture.registry.disable("10.0.0.1:5080");

        assertNull(algorithm.processExternalRequest(TestMessage.call("a")));
        assertNull(algorithm.processHttpRequest(new TestHttpRequest(Map.of())));
    }
}

package org.restcomm.lb.algorithm;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;

/** A registry of test nodes on 10.0.0.x and an algorithm started against it, with a hand-moved clock. */
final class AlgorithmFixture {

    final MovingClock clock = new MovingClock();
    final NodeRegistry registry = new NodeRegistry(this.clock, 10_000);

    Node node(int host, String version) {
        return this.registry.register(new NodeAdvertisement("node" + host, "10.0.0." + host,
                Map.of("udpPort", "5080", "sessionId", "s" + host + "-" + version, "version", version)), NodeSource.HTTP);
    }

    <A extends BalancerAlgorithm> A start(A algorithm, Map<String, String> properties) {
        algorithm.start(new AlgorithmContext(this.registry, this.clock, properties));
        this.registry.addListener(algorithm);
        return algorithm;
    }

    static final class MovingClock extends Clock {
        private long millis = 1_700_000_000_000L;

        void advance(long delta) {
            this.millis += delta;
        }

        @Override
        public long millis() {
            return this.millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(this.millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

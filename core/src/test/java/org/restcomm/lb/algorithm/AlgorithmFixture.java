package org.restcomm.lb.algorithm;

import java.util.Map;

import org.restcomm.lb.node.MutableClock;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;

/** A registry of test nodes on 10.0.0.x and an algorithm started against it, with a hand-moved clock. */
final class AlgorithmFixture {

    final MutableClock clock = new MutableClock();
    final NodeRegistry registry = new NodeRegistry(this.clock, 10_000);

    Node node(int host, String version) {
        return this.registry.register(new NodeAdvertisement("node" + host, "10.0.0." + host,
                Map.of("udpPort", "5080", "httpPort", "8080", "sessionId", "s" + host + "-" + version, "version", version)), NodeSource.HTTP);
    }

    <A extends BalancerAlgorithm> A start(A algorithm, Map<String, String> properties) {
        return this.start(algorithm, properties, null);
    }

    /** Started as the subsystem starts it on a balancer sharing its affinity store with others. */
    <A extends BalancerAlgorithm> A start(A algorithm, Map<String, String> properties, AffinityStore sharedStore) {
        algorithm.start(new AlgorithmContext(this.registry, this.clock, properties, sharedStore));
        this.registry.addListener(algorithm);
        return algorithm;
    }

}

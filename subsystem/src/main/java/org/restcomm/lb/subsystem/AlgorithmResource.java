package org.restcomm.lb.subsystem;

import static org.restcomm.lb.subsystem.AlgorithmAttribute.GROUP_FAILOVER;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.HTTP_AFFINITY_KEY;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.MAX_LOAD_FACTOR;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.MAX_IDLE_TIME;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.SIP_AFFINITY_KEY;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.SUBCLUSTERS;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.USER_AFFINITY_KEY;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.USER_EXCLUSION_PATTERN;
import static org.restcomm.lb.subsystem.AlgorithmAttribute.USER_FALLBACK_KEY;

import java.util.List;

import org.jboss.as.controller.PathElement;
import org.restcomm.lb.algorithm.BuiltInAlgorithm;

/** The {@code algorithm=<name>} resources: one per built-in, plus {@code custom}. */
enum AlgorithmResource {
    CALL_ID_AFFINITY(BuiltInAlgorithm.CALL_ID_AFFINITY, List.of(MAX_IDLE_TIME, GROUP_FAILOVER), true),
    HEADER_CONSISTENT_HASH(BuiltInAlgorithm.HEADER_CONSISTENT_HASH, List.of(SIP_AFFINITY_KEY, HTTP_AFFINITY_KEY)),
    CLUSTER_SUBDOMAIN_AFFINITY(BuiltInAlgorithm.CLUSTER_SUBDOMAIN_AFFINITY, List.of(SUBCLUSTERS, MAX_IDLE_TIME, GROUP_FAILOVER)),
    USER_BASED(BuiltInAlgorithm.USER_BASED, List.of(USER_AFFINITY_KEY, USER_EXCLUSION_PATTERN, USER_FALLBACK_KEY, MAX_IDLE_TIME)),
    PURE_CONSISTENT_HASH(BuiltInAlgorithm.PURE_CONSISTENT_HASH, List.of(SIP_AFFINITY_KEY, HTTP_AFFINITY_KEY)),
    ACTIVE_STANDBY(BuiltInAlgorithm.ACTIVE_STANDBY, List.of()),
    PERSISTENT_CONSISTENT_HASH(BuiltInAlgorithm.PERSISTENT_CONSISTENT_HASH, List.of(SIP_AFFINITY_KEY, HTTP_AFFINITY_KEY, MAX_IDLE_TIME, MAX_LOAD_FACTOR), true),
    /** Any class implementing the SPI, from a JBoss module; the original's class names select a built-in. */
    CUSTOM(null, List.of()),
    ;

    private final BuiltInAlgorithm builtIn;
    private final List<AlgorithmAttribute> attributes;
    private final boolean sharesAffinity;

    AlgorithmResource(BuiltInAlgorithm builtIn, List<AlgorithmAttribute> attributes) {
        this(builtIn, attributes, false);
    }

    /** @param sharesAffinity whether its cache-container/cache may name an Infinispan cache to keep its affinity in */
    AlgorithmResource(BuiltInAlgorithm builtIn, List<AlgorithmAttribute> attributes, boolean sharesAffinity) {
        this.builtIn = builtIn;
        this.attributes = attributes;
        this.sharesAffinity = sharesAffinity;
    }

    PathElement path() {
        return PathElement.pathElement("algorithm", (this.builtIn != null) ? this.builtIn.modelName() : "custom");
    }

    /** Null for custom. */
    BuiltInAlgorithm builtIn() {
        return this.builtIn;
    }

    List<AlgorithmAttribute> attributes() {
        return this.attributes;
    }

    boolean sharesAffinity() {
        return this.sharesAffinity;
    }
}

package org.restcomm.lb.algorithm;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/** The algorithms shipped with the balancer, by model name and by the original's class name. */
public enum BuiltInAlgorithm {
    CALL_ID_AFFINITY("call-id-affinity", "CallIDAffinityBalancerAlgorithm", CallIdAffinityAlgorithm::new),
    HEADER_CONSISTENT_HASH("header-consistent-hash", "HeaderConsistentHashBalancerAlgorithm", HeaderConsistentHashAlgorithm::new),
    CLUSTER_SUBDOMAIN_AFFINITY("cluster-subdomain-affinity", "ClusterSubdomainAffinityAlgorithm", ClusterSubdomainAffinityAlgorithm::new),
    USER_BASED("user-based", "UserBasedAlgorithm", UserBasedAlgorithm::new),
    PURE_CONSISTENT_HASH("pure-consistent-hash", "PureConsistentHashBalancerAlgorithm", PureConsistentHashAlgorithm::new),
    PERSISTENT_CONSISTENT_HASH("persistent-consistent-hash", "PersistentConsistentHashBalancerAlgorithm", PersistentConsistentHashAlgorithm::new),
    ACTIVE_STANDBY("active-standby", "ActiveStandbyAlgorithm", ActiveStandbyAlgorithm::new),
    ;

    private static final String ORIGINAL_PACKAGE = "org.mobicents.tools.sip.balancer.";

    private final String modelName;
    private final String originalClassName;
    private final Supplier<BalancerAlgorithm> factory;

    BuiltInAlgorithm(String modelName, String originalSimpleName, Supplier<BalancerAlgorithm> factory) {
        this.modelName = modelName;
        this.originalClassName = ORIGINAL_PACKAGE + originalSimpleName;
        this.factory = factory;
    }

    public String modelName() {
        return this.modelName;
    }

    public String originalClassName() {
        return this.originalClassName;
    }

    public BalancerAlgorithm create() {
        return this.factory.get();
    }

    /** A built-in named by its model name, its original class name, or its own class name. */
    public static Optional<BuiltInAlgorithm> forName(String name) {
        String trimmed = name.trim();
        return Arrays.stream(values())
                .filter(algorithm -> algorithm.modelName.equals(trimmed) || algorithm.originalClassName.equals(trimmed)
                        || algorithm.create().getClass().getName().equals(trimmed))
                .findFirst();
    }
}

package org.restcomm.lb.smpp;

import java.util.concurrent.atomic.AtomicInteger;

/** Which SMSC takes an ESME's bind (regular mode) or request (mux mode): the original's toProviderAlgorithmClass. */
public enum SmppToProviderAlgorithm {
    /** Each in turn; the original's SmppToProviderRoundRobinAlgorithm, its default. */
    ROUND_ROBIN("round-robin"),
    /** The first SMSC listed while it is bound, the next ones only while it is not; the original's SmppToProviderActiveStandbyAlgorithm. */
    ACTIVE_STANDBY("active-standby"),
    ;

    private final String modelName;

    SmppToProviderAlgorithm(String modelName) {
        this.modelName = modelName;
    }

    public String modelName() {
        return this.modelName;
    }

    /** Where in the SMSC list to start looking; the others follow in order. */
    int start(AtomicInteger turn) {
        return (this == ROUND_ROBIN) ? turn.getAndIncrement() : 0;
    }
}

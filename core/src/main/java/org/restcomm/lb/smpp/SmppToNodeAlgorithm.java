package org.restcomm.lb.smpp;

/** Which ESMEs of a mux group get an SMSC request (deliver_sm, data_sm, ...): the original's toNodeAlgorithmClass. */
public enum SmppToNodeAlgorithm {
    /** One receiving ESME, each in turn; the original's SmppToNodeRoundRobinAlgorithm, its default. */
    ROUND_ROBIN("round-robin"),
    /** Every receiving ESME; the SMSC hears the first answer. The original's SmppToNodeSubmitToAllAlgorithm. */
    SUBMIT_TO_ALL("submit-to-all"),
    ;

    private final String modelName;

    SmppToNodeAlgorithm(String modelName) {
        this.modelName = modelName;
    }

    public String modelName() {
        return this.modelName;
    }
}

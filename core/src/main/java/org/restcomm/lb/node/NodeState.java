package org.restcomm.lb.node;

import java.util.Locale;

/** Where a node stands for new and existing work; the vocabulary follows Kamailio's dispatcher. */
public enum NodeState {
    /** Takes new calls, sessions and binds. */
    ACTIVE,
    /** Graceful shutdown announced by the node: keeps its dialogs and sessions, gets nothing new. */
    DRAINING,
    /** Taken out by an operator: behaves as draining until enabled again. */
    DISABLED,
    /** Marked unhealthy by its answers (error statuses): gets nothing, its work fails over, until it registers again or is enabled. */
    BAD,
    /**
     * Marked by transport evidence (a refused or reset connection, INVITEs or probes left without any answer): gets
     * nothing, its work fails over, and it is active again as soon as anything from it arrives.
     */
    UNREACHABLE,
    ;

    public boolean acceptsNewWork() {
        return this == ACTIVE;
    }

    public boolean keepsExistingWork() {
        return this != BAD && this != UNREACHABLE;
    }

    /** The name shown in jboss-cli and JSON. */
    public String displayName() {
        return this.name().toLowerCase(Locale.ROOT);
    }
}

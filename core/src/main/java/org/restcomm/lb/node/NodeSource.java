package org.restcomm.lb.node;

import java.util.Locale;

/** How a node made itself known. */
public enum NodeSource {
    HTTP,
    SIP,
    RMI,
    /** Listed in static-nodes: never expires. */
    STATIC,
    ;

    public String displayName() {
        return this.name().toLowerCase(Locale.ROOT);
    }
}

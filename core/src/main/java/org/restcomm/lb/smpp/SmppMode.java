package org.restcomm.lb.smpp;

/** How ESME binds map onto SMSC binds. */
public enum SmppMode {
    /** One upstream bind per ESME bind: the guide's behaviour. */
    REGULAR,
    /** ESME binds with the same credentials share one upstream bind per SMSC (the original 10.x muxMode). */
    MUX
}

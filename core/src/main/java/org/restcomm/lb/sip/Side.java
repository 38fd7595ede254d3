package org.restcomm.lb.sip;

/** Which side of the balancer a listener faces: the clients (external) or the application-server nodes (internal). */
public enum Side {
    EXTERNAL,
    INTERNAL,
}

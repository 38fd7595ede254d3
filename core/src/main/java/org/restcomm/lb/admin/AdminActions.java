package org.restcomm.lb.admin;

/** What the original's admin endpoints changed, done by the server that runs the balancer. */
public interface AdminActions {

    /** Suspends the server, so new work goes elsewhere, and stops it once the work under way ended or the timeout passed. */
    void stopGracefully(long timeoutMillis);

    /** @throws IllegalArgumentException when the level is not one the server knows, with its message */
    void setLogLevel(String level);
}

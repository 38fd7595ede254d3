package org.restcomm.lb.admin;

/**
 * The balancer's configuration as its management layer holds it: the MBean reads and writes through it, so a write is
 * validated, persisted and visible like one from the command line, and a refused value fails the write.
 */
public interface ManagedSettings {

    /** The whole configuration, as text a remote client can show without the balancer's classes. */
    String configuration();

    /** @throws IllegalArgumentException naming the attribute when the value is refused */
    void setNodeTimeout(long millis);

    /** @throws IllegalArgumentException naming the attribute when the value is refused */
    void setHeartbeatInterval(long millis);
}

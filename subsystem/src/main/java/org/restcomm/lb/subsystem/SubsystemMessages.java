package org.restcomm.lb.subsystem;

/** Management error texts of the subsystem; each names what to change. */
final class SubsystemMessages {

    private SubsystemMessages() {
    }

    static String invalidHostAndPort(String attribute, String value, String reason) {
        return String.format("RLB0100: Invalid value '%s' for %s: %s. Use host, host:port or [IPv6]:port", value, attribute, reason);
    }

    static String noSuchNode(String node) {
        return String.format("RLB0101: No node %s is registered; read the children of /subsystem=load-balancer for the current names", node);
    }

    static String notRunning() {
        return "RLB0102: The load balancer is not running";
    }
}

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

    static String invalidIpAddress(String attribute, String value) {
        return String.format("RLB0110: Invalid value '%s' for %s: not an IP address", value, attribute);
    }

    static String loadFactorTooSmall(String attribute, String value) {
        return String.format("RLB0111: Invalid value '%s' for %s: a node's cap is this multiple of the average load, so it must be at least 1.0 (1.25 lets a node take a quarter more than the average); undefine it for no cap", value, attribute);
    }

    static String cacheWithoutContainer(String cache, String container) {
        return String.format("RLB0112: %s names a cache of %s, which is not set: write %s first, or add the resource with both", cache, container, container);
    }

    static String invalidPattern(String attribute, String value, String reason) {
        return String.format("RLB0103: Invalid value '%s' for %s: not a regular expression (%s)", value, attribute, reason);
    }

    static String algorithmClassNotLoadable(String className, String module, String reason) {
        return String.format("RLB0104: Cannot load the algorithm class %s from module %s: %s. Name a class implementing "
                + "org.restcomm.lb.algorithm.BalancerAlgorithm, with a public no-argument constructor, in a module that depends on org.restcomm.lb",
                className, (module != null) ? module : "(none given)", reason);
    }

    static String notARemoteDestination(String attribute, String name) {
        return String.format("RLB0105: %s names %s, which is not a remote-destination-outbound-socket-binding; "
                + "add one with /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=%s:add(host=.., port=..)", attribute, name, name);
    }

    static String invalidCidr(String attribute, String value, String reason) {
        return String.format("RLB0106: Invalid value '%s' for %s: %s", value, attribute, reason);
    }

    static String invalidRewriteRule(String attribute, String reason) {
        return String.format("RLB0109: Invalid value for %s: %s", attribute, reason);
    }

    static String sslContextRequired(String attribute, String transportAttribute, String transport) {
        return String.format("RLB0107: A listener with %s=%s needs %s, an Elytron server-ssl-context: "
                + "add one with /subsystem=elytron/server-ssl-context=NAME:add(key-manager=..) and name it here", transportAttribute, transport, attribute);
    }

    static String sslContextNotApplicable(String attribute, String transportAttribute, String transport) {
        return String.format("RLB0108: %s applies only to listeners with %s=tls or wss, not %s: undefine it or change the transport", attribute, transportAttribute, transport);
    }
}

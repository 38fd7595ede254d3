package org.restcomm.lb.node;

import java.util.Map;
import java.util.OptionalInt;

/** An application-server node as the registry knows it; identity is fixed, liveness and state change. */
public final class Node {

    private final String name;
    private final NodeSource source;
    private final long registeredAt;
    private final java.net.InetAddress origin;
    private volatile NodeAdvertisement advertisement;
    private volatile long lastSeen;
    private volatile NodeState state = NodeState.ACTIVE;
    private volatile boolean servesSip;
    private volatile boolean servesHttp;
    /** The transports' advertised ports, parsed once per advertisement rather than on every message. */
    private volatile Map<String, OptionalInt> ports;
    /** The ip as an address when it is a literal; null for a name, looked up when used. */
    private volatile java.net.InetAddress address;
    private final java.util.concurrent.atomic.LongAdder callsAssigned = new java.util.concurrent.atomic.LongAdder();

    Node(String name, NodeAdvertisement advertisement, NodeSource source, java.net.InetAddress origin, long now) {
        this.name = name;
        this.origin = origin;
        this.advertise(advertisement);
        this.source = source;
        this.registeredAt = now;
        this.lastSeen = now;
    }

    public String name() {
        return this.name;
    }

    public String hostName() {
        return this.advertisement.hostName();
    }

    public String ip() {
        return this.advertisement.ip();
    }

    public String sessionId() {
        return this.advertisement.sessionId();
    }

    public String version() {
        return this.advertisement.version();
    }

    /** The jvmRoute the node advertised, or null. */
    public String jvmRoute() {
        return this.advertisement.properties().get(NodeAdvertisement.JVM_ROUTE);
    }

    public Map<String, String> properties() {
        return this.advertisement.properties();
    }

    public OptionalInt port(String property) {
        OptionalInt port = this.ports.get(property);
        return (port != null) ? port : this.advertisement.port(property);
    }

    /** The node's ip as an address, made once: null when the ip is a host name, which the caller resolves. */
    public java.net.InetAddress address() {
        return this.address;
    }

    public NodeSource source() {
        return this.source;
    }

    /** The address that sent this session's start; null for static nodes. Only it may stop or replace the session. */
    public java.net.InetAddress origin() {
        return this.origin;
    }

    public boolean isStatic() {
        return this.source == NodeSource.STATIC;
    }

    public NodeState state() {
        return this.state;
    }

    public boolean acceptsNewWork() {
        return this.state.acceptsNewWork();
    }

    /** Wall-clock milliseconds of the last heartbeat or traffic from the node. */
    public long lastSeen() {
        return this.lastSeen;
    }

    public long registeredAt() {
        return this.registeredAt;
    }

    /** New calls (dialog-creating requests) the balancer sent to this node. */
    public long callsAssigned() {
        return this.callsAssigned.sum();
    }

    public void callAssigned() {
        this.callsAssigned.increment();
    }

    void seen(long now) {
        this.lastSeen = now;
    }

    void readvertise(NodeAdvertisement advertisement, long now) {
        this.advertise(advertisement);
        this.lastSeen = now;
    }

    private void advertise(NodeAdvertisement advertisement) {
        this.advertisement = advertisement;
        // read on every new call: worked out once per heartbeat, not per message
        this.servesSip = advertisement.hasAnyPort(NodeAdvertisement.SIP_PORT_PROPERTIES);
        this.servesHttp = advertisement.hasAnyPort(NodeAdvertisement.HTTP_PORT_PROPERTIES);
        Map<String, OptionalInt> ports = new java.util.HashMap<>();
        // the transports' ports, asked for per message; others (heartbeatPort) are parsed when asked
        for (String property : NodeAdvertisement.PORT_PROPERTIES) {
            ports.put(property, advertisement.port(property));
        }
        this.ports = Map.copyOf(ports);
        this.address = HostAndPort.literalAddress(advertisement.ip());
    }

    /** Whether the node advertises a SIP port: only such nodes are given SIP calls. */
    public boolean servesSip() {
        return this.servesSip;
    }

    /** Whether the node advertises an HTTP port: only such nodes are given HTTP sessions. */
    public boolean servesHttp() {
        return this.servesHttp;
    }

    NodeState state(NodeState state) {
        NodeState previous = this.state;
        this.state = state;
        return previous;
    }

    @Override
    public String toString() {
        return this.name;
    }
}

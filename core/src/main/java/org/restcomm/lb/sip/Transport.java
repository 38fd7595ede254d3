package org.restcomm.lb.sip;

import java.util.List;
import java.util.Locale;

import org.restcomm.lb.node.NodeAdvertisement;

/** A SIP transport: its name in Via and in a URI's transport parameter, its default port, and the node port it uses. */
public enum Transport {
    UDP(5060, NodeAdvertisement.UDP_PORT),
    TCP(5060, NodeAdvertisement.TCP_PORT),
    TLS(5061, NodeAdvertisement.TLS_PORT),
    WS(5060, NodeAdvertisement.WS_PORT),
    WSS(5060, NodeAdvertisement.WSS_PORT),
    ;

    private final int defaultPort;
    private final String nodePortProperty;
    private final String parameter;

    Transport(int defaultPort, String nodePortProperty) {
        this.defaultPort = defaultPort;
        this.nodePortProperty = nodePortProperty;
        this.parameter = this.name().toLowerCase(Locale.ROOT);
    }

    /** values() copies its array on every call; this runs for every message. */
    private static final Transport[] ALL = values();

    /** The transport of a Via or a {@code transport=} parameter, in any case; null for one the balancer does not speak. */
    public static Transport of(String name) {
        if (name == null) {
            return null;
        }
        for (Transport transport : ALL) {
            if (transport.name().equalsIgnoreCase(name)) {
                return transport;
            }
        }
        String trimmed = name.trim();
        return (trimmed.length() < name.length()) ? of(trimmed) : null;
    }

    /** As {@link #of}, refusing an unknown name. */
    public static Transport require(String name) {
        Transport transport = of(name);
        if (transport == null) {
            throw new IllegalArgumentException("unknown SIP transport " + name);
        }
        return transport;
    }

    /** The name in a Via's sent-protocol and jain-sip's listening points: {@code UDP}, {@code TCP}, ... */
    public String viaName() {
        return this.name();
    }

    /** The value of a URI's {@code transport=} parameter: {@code tcp}, {@code ws}, ... */
    public String parameter() {
        return this.parameter;
    }

    /** The port a URI or Via without one means: 5061 for TLS, 5060 otherwise, as jain-sip's {@code MessageProcessor.getDefaultPort}. */
    public int defaultPort() {
        return this.defaultPort;
    }

    /** The heartbeat property naming a node's port for this transport: {@code udpPort}, {@code tcpPort}, ... */
    public String nodePortProperty() {
        return this.nodePortProperty;
    }

    /** TLS and WSS: a listener needs an SSLContext. */
    public boolean isSecure() {
        return this == TLS || this == WSS;
    }

    /** The plain transport under a secure one (TCP for TLS, WS for WSS); itself for the others. */
    public Transport plain() {
        return switch (this) {
            case TLS -> TCP;
            case WSS -> WS;
            default -> this;
        };
    }

    /** Built once: they are read for every request a client sends to a node. */
    private static final java.util.Map<Transport, List<Transport>> TOWARDS_NODE = new java.util.EnumMap<>(Transport.class);
    private static final java.util.Map<Transport, List<Transport>> TOWARDS_NODE_TERMINATED = new java.util.EnumMap<>(Transport.class);

    static {
        for (Transport transport : ALL) {
            TOWARDS_NODE.put(transport, List.copyOf(new java.util.LinkedHashSet<>(List.of(transport, transport.plain(), UDP))));
            TOWARDS_NODE_TERMINATED.put(transport, List.copyOf(new java.util.LinkedHashSet<>(
                    transport.isSecure() ? List.of(transport.plain(), UDP) : List.of(transport, UDP))));
        }
    }

    /**
     * The transports a request that arrived over this one may take to a node, best first: itself, the plain one
     * under it, UDP; without the secure one when TLS ends at the balancer ({@code terminate}).
     */
    List<Transport> towardsNode(boolean terminate) {
        return (terminate ? TOWARDS_NODE_TERMINATED : TOWARDS_NODE).get(this);
    }

    /** Stream transports frame messages by Content-Length and keep connections. */
    public boolean isStream() {
        return this != UDP;
    }
}

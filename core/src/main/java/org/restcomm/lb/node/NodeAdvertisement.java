package org.restcomm.lb.node;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a node says about itself in a start message: identity, version, ports and free-form properties.
 * Properties hold every advertised key except hostName and ip, with values as strings.
 */
public record NodeAdvertisement(String hostName, String ip, Map<String, String> properties) {

    public static final String SESSION_ID = "sessionId";
    public static final String VERSION = "version";
    public static final String JVM_ROUTE = "jvmRoute";
    public static final String HEARTBEAT_PORT = "heartbeatPort";
    public static final String GRACEFUL_SHUTDOWN = "GRACEFUL_SHUTDOWN";
    public static final String RESTCOMM_INSTANCE_ID = "Restcomm-Instance-Id";
    public static final String DEFAULT_VERSION = "0";

    public static final String UDP_PORT = "udpPort";
    public static final String TCP_PORT = "tcpPort";
    public static final String TLS_PORT = "tlsPort";
    public static final String WS_PORT = "wsPort";
    public static final String WSS_PORT = "wssPort";
    public static final String HTTP_PORT = "httpPort";
    public static final String SSL_PORT = "sslPort";
    public static final String SMPP_PORT = "smppPort";

    /** Port properties in the order that picks the port of a node's name. */
    public static final List<String> PORT_PROPERTIES = List.of(UDP_PORT, TCP_PORT, TLS_PORT, WS_PORT, WSS_PORT, HTTP_PORT, SSL_PORT, SMPP_PORT);
    /** A node advertising one of these takes SIP traffic. */
    public static final List<String> SIP_PORT_PROPERTIES = PORT_PROPERTIES.subList(0, 5);
    /** A node advertising one of these takes HTTP traffic. */
    public static final List<String> HTTP_PORT_PROPERTIES = List.of(HTTP_PORT, SSL_PORT);

    public NodeAdvertisement {
        Objects.requireNonNull(ip, "ip");
        hostName = (hostName != null) ? hostName : ip;
        properties = Map.copyOf(properties);
    }

    public String sessionId() {
        return this.properties.getOrDefault(SESSION_ID, this.nodeName());
    }

    public String version() {
        return this.properties.getOrDefault(VERSION, DEFAULT_VERSION);
    }

    public boolean gracefulShutdown() {
        return Boolean.parseBoolean(this.properties.get(GRACEFUL_SHUTDOWN));
    }

    /** Whether any of the properties names a valid port. */
    public boolean hasAnyPort(List<String> properties) {
        for (String property : properties) {
            if (this.port(property).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** A port property as a number, empty when absent or not a valid port. */
    public OptionalInt port(String property) {
        String value = this.properties.get(property);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            int port = Integer.parseInt(value.trim());
            return (port > 0 && port <= 0xFFFF) ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** {@code <ip>:<first advertised port>}, IPv6 in brackets; just the address when no port is advertised. */
    public String nodeName() {
        String host = this.ip.contains(":") && !this.ip.startsWith("[") ? "[" + this.ip + "]" : this.ip;
        for (String property : PORT_PROPERTIES) {
            OptionalInt port = this.port(property);
            if (port.isPresent()) {
                return host + ":" + port.getAsInt();
            }
        }
        return host;
    }
}

package org.restcomm.lb.node.client;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.NodeAdvertisement;

/**
 * What a node tells its balancers: where they are, how often to beat, and the node's advertisement.
 *
 * @param balancers heartbeat endpoints of the balancers, {@code http://host:2610/} or {@code https://host:2610/}
 * @param ports advertised ports by their wire name ({@code httpPort}, {@code wsPort}, {@code udpPort}, ...)
 * @param jvmRoute the route suffix of the node's session ids; null advertises none
 * @param sslContext the TLS context of heartbeats to {@code https} balancers: its trust manager checks the balancers'
 *        certificates, its key manager presents the node's own; null uses the JDK's default context
 */
public record NodeHeartbeatSettings(List<URI> balancers, Duration interval, String hostName, String ip, Map<String, Integer> ports,
        String version, String jvmRoute, SSLContext sslContext) {

    /** The original balancer's heartbeat port. */
    public static final int DEFAULT_BALANCER_PORT = 2610;

    public NodeHeartbeatSettings {
        balancers = List.copyOf(balancers);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(ip, "ip");
        ports = Map.copyOf(ports);
        version = (version != null) ? version : NodeAdvertisement.DEFAULT_VERSION;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, not " + interval);
        }
    }

    /** Plain heartbeats, without a TLS context of their own. */
    public NodeHeartbeatSettings(List<URI> balancers, Duration interval, String hostName, String ip, Map<String, Integer> ports, String version,
            String jvmRoute) {
        this(balancers, interval, hostName, ip, ports, version, jvmRoute, null);
    }

    /** {@code host:port} of a balancer's heartbeat endpoint (port 2610 when omitted) as the URI to POST to. */
    public static URI balancerUri(String hostAndPort) {
        return balancerUri(hostAndPort, false);
    }

    /** @param secure {@code https} (a balancer whose heartbeat=http has an ssl-context) rather than {@code http} */
    public static URI balancerUri(String hostAndPort, boolean secure) {
        HostAndPort address = HostAndPort.parse(hostAndPort, DEFAULT_BALANCER_PORT);
        String host = address.host().contains(":") ? "[" + address.host() + "]" : address.host();
        return URI.create((secure ? "https://" : "http://") + host + ":" + address.port() + "/");
    }

    /** The fields of a start message, every value a string as the original sent them. */
    Map<String, String> startFields(String sessionId, boolean draining) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("hostName", (this.hostName != null) ? this.hostName : this.ip);
        fields.put("ip", this.ip);
        this.ports.forEach((name, port) -> fields.put(name, Integer.toString(port)));
        fields.put(NodeAdvertisement.VERSION, this.version);
        fields.put(NodeAdvertisement.SESSION_ID, sessionId);
        if (this.jvmRoute != null) {
            fields.put(NodeAdvertisement.JVM_ROUTE, this.jvmRoute);
        }
        if (draining) {
            // a balancer that forgot a draining node learns it again as draining
            fields.put(NodeAdvertisement.GRACEFUL_SHUTDOWN, "true");
        }
        return fields;
    }

    /** The name the balancers give this node: {@code ip:<first advertised port>}. */
    public String nodeName() {
        Map<String, String> properties = new LinkedHashMap<>();
        this.ports.forEach((name, port) -> properties.put(name, Integer.toString(port)));
        return new NodeAdvertisement(this.hostName, this.ip, properties).nodeName();
    }
}

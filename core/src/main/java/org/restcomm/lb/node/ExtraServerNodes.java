package org.restcomm.lb.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * {@code extra-server-nodes}: other addresses of the server nodes (a second interface, a node that never heartbeats
 * but sends requests through the balancer). They only tell direction: a SIP request from one travels towards the
 * clients, and a client's answer may return to one. They are not nodes and never receive new calls.
 */
public final class ExtraServerNodes {

    public static final ExtraServerNodes NONE = new ExtraServerNodes(List.of());

    /** One entry: its name and address as written and resolved; port 0 when none was given, matching any port. */
    private record Entry(String host, String ip, int port) {
        boolean matches(String otherHost, int otherPort) {
            return (this.port == 0 || this.port == otherPort) && (this.ip.equals(otherHost) || this.host.equalsIgnoreCase(otherHost));
        }
    }

    private final List<Entry> entries;

    private ExtraServerNodes(List<Entry> entries) {
        this.entries = entries;
    }

    /** Names are resolved once, here; an entry that cannot be read or resolved is logged and skipped. */
    public static ExtraServerNodes of(List<String> entries) {
        List<Entry> parsed = new ArrayList<>();
        for (String entry : entries) {
            try {
                HostAndPort target = HostAndPort.parse(entry, 0);
                parsed.add(new Entry(target.host(), InetAddress.getByName(target.host()).getHostAddress(), target.port()));
            } catch (IllegalArgumentException | UnknownHostException e) {
                LoadBalancerLogger.ROOT_LOGGER.invalidNodeEntry("extra-server-nodes", entry, e.toString());
            }
        }
        return parsed.isEmpty() ? NONE : new ExtraServerNodes(List.copyOf(parsed));
    }

    /** Whether a message from (or a Via naming) this host and port comes from the server side. */
    public boolean contains(String host, int port) {
        for (Entry entry : this.entries) {
            if (entry.matches(host, port)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return this.entries.isEmpty();
    }
}

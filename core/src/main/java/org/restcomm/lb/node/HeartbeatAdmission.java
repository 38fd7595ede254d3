package org.restcomm.lb.node;

import java.net.InetAddress;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may send heartbeats, as the operator configured it: source networks per heartbeat transport, the most
 * nodes the registry takes, and how many starts one source address may send per second. All apply live.
 */
public final class HeartbeatAdmission {

    public static final int DEFAULT_MAX_NODES = 500;
    public static final int DEFAULT_STARTS_PER_SECOND = 20;
    /** Beyond this many tracked sources, windows of past seconds are dropped. */
    private static final int MAX_TRACKED_SOURCES = 4096;

    private final Clock clock;
    private final OwnAddresses ownAddresses = new OwnAddresses();
    private final Map<NodeSource, List<Cidr>> allowedSources = new EnumMap<>(NodeSource.class);
    private final Map<InetAddress, Window> startWindows = new ConcurrentHashMap<>();
    private volatile int maxNodes = DEFAULT_MAX_NODES;
    private volatile int startsPerSecond = DEFAULT_STARTS_PER_SECOND;

    public HeartbeatAdmission(Clock clock) {
        this.clock = clock;
    }

    /** Addresses nodes may not advertise: the balancer's own listeners. */
    public OwnAddresses ownAddresses() {
        return this.ownAddresses;
    }

    /** Null (or no list) admits any source, the original's behaviour. */
    public synchronized void setAllowedSources(NodeSource source, List<Cidr> networks) {
        if (networks == null) {
            this.allowedSources.remove(source);
        } else {
            this.allowedSources.put(source, List.copyOf(networks));
        }
    }

    public void setMaxNodes(int maxNodes) {
        this.maxNodes = maxNodes;
    }

    public int maxNodes() {
        return this.maxNodes;
    }

    public void setStartsPerSecond(int startsPerSecond) {
        this.startsPerSecond = startsPerSecond;
    }

    /** Whether a heartbeat of this transport may come from this address; an unknown address (null) only when all may. */
    public boolean allows(NodeSource source, InetAddress address) {
        List<Cidr> networks;
        synchronized (this) {
            networks = this.allowedSources.get(source);
        }
        if (networks == null) {
            return true;
        }
        if (address == null) {
            return false;
        }
        InetAddress plain = unmapped(address);
        return networks.stream().anyMatch(network -> network.contains(plain));
    }

    /** Counts one start that adds or replaces a node; false when the address already sent its share this second. */
    public boolean tryStart(InetAddress address) {
        if (address == null) {
            return true;
        }
        long second = this.clock.millis() / 1000;
        if (this.startWindows.size() > MAX_TRACKED_SOURCES) {
            this.startWindows.values().removeIf(window -> window.second != second);
        }
        Window window = this.startWindows.compute(address, (key, current) -> (current == null || current.second != second) ? new Window(second, 1) : new Window(second, current.count + 1));
        return window.count <= this.startsPerSecond;
    }

    /** IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) match IPv4 networks. */
    private static InetAddress unmapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (bytes[i] != 0) {
                    return address;
                }
            }
            if (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] });
                } catch (java.net.UnknownHostException e) {
                    return address;
                }
            }
        }
        return address;
    }

    private record Window(long second, int count) {
    }
}

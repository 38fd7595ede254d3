package org.restcomm.lb.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses the balancer itself listens on, registered by each engine while it runs: a node advertising
 * one of them would make the balancer forward to itself.
 */
public final class OwnAddresses {


    private final Map<Object, List<InetSocketAddress>> addressesByOwner = new ConcurrentHashMap<>();

    /** Replaces what one engine (the key) listens on. */
    public void set(Object owner, Collection<InetSocketAddress> addresses) {
        this.addressesByOwner.put(owner, List.copyOf(addresses));
    }

    public void remove(Object owner) {
        this.addressesByOwner.remove(owner);
    }

    /** Whether {@code ip:port} reaches one of the balancer's listeners; a wildcard listener matches every local address. */
    public boolean contains(String ip, int port) {
        InetAddress address = null;
        boolean resolved = false;
        for (List<InetSocketAddress> addresses : this.addressesByOwner.values()) {
            for (InetSocketAddress own : addresses) {
                if (own.getPort() != port) {
                    continue;
                }
                if (!resolved) {
                    address = literal(ip);
                    resolved = true;
                }
                // an unresolved own address is an advertised name (ip-load-balancer-address) or a literal
                InetAddress ownAddress = (own.getAddress() != null) ? own.getAddress() : literal(own.getHostString());
                if (address == null || ownAddress == null) {
                    if (bare(own.getHostString()).equalsIgnoreCase(bare(ip))) {
                        return true;
                    }
                } else if (ownAddress.equals(address) || (ownAddress.isAnyLocalAddress() && isLocal(address))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** An IP literal as an address; null for a host name, which is never looked up here. */
    private static InetAddress literal(String ip) {
        String value = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        boolean v4 = value.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (!v4 && !value.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(value);
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}

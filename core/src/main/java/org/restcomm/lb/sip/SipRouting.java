package org.restcomm.lb.sip;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where messages go and which addresses they name, beyond the listeners: the transport forced towards the nodes
 * ({@code internal-transport}), another name of the balancer in Route headers ({@code route-hostname}), and NAT: the
 * public address clients see in the balancer's Record-Route and in the nodes' Contact ({@code public-address},
 * {@code public-address-v6}), except clients whose address matches one of {@code public-address-rules}, which are on
 * the balancer's own network and see its own address (the original's routingRulesIpv4/Ipv6 with patch=false).
 *
 * @param internalTransport the transport towards every node, or null for the client's own (the original's internalTransport)
 * @param routeHostname a host name that names the balancer in a Route header, or null (the original's matchingHostnameForRoute)
 * @param routeHostnameSubdomains whether the name's subdomains name it too (the original's isFilterSubdomain)
 * @param publicAddress the balancer's public IPv4 address behind NAT, or null (the original's publicIp)
 * @param publicAddressV6 the same for IPv6 clients, or null (the original's publicIpv6)
 * @param privateClients patterns of client addresses that see the balancer's own address
 */
public record SipRouting(Transport internalTransport, String routeHostname, boolean routeHostnameSubdomains, String publicAddress, String publicAddressV6,
        List<Pattern> privateClients) {

    public static final SipRouting DEFAULT = new SipRouting(null, null, false, null, null, List.of());

    public SipRouting {
        routeHostname = (routeHostname != null) ? routeHostname.toLowerCase(Locale.ROOT) : null;
        privateClients = List.copyOf(privateClients);
    }

    /** Whether a Route header's host is the balancer under its route-hostname. */
    boolean namesBalancer(String host) {
        if (this.routeHostname == null || host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals(this.routeHostname) || (this.routeHostnameSubdomains && name.endsWith("." + this.routeHostname));
    }

    /** Whether the client at this address sees another address than the listeners advertise, so the UDP fast path stays out. */
    boolean rewritesAddresses() {
        return this.publicAddress != null || this.publicAddressV6 != null || !this.privateClients.isEmpty();
    }

    /** Whether the UDP fast path can carry requests from clients: it sends to nodes over UDP and rewrites no address. */
    boolean allowsFastPath() {
        return (this.internalTransport == null || this.internalTransport == Transport.UDP) && !this.rewritesAddresses();
    }

    /** A client whose address matches a rule: it is on the balancer's network and sees the balancer's own address. */
    boolean isPrivateClient(String clientAddress) {
        for (Pattern pattern : this.privateClients) {
            if (pattern.matcher(clientAddress).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The public address the client at this address sees, by its address family; null when it sees the listener's own. */
    String publicAddressFor(String clientAddress) {
        if (clientAddress == null || this.isPrivateClient(clientAddress)) {
            return null;
        }
        return (clientAddress.indexOf(':') >= 0) ? this.publicAddressV6 : this.publicAddress;
    }
}

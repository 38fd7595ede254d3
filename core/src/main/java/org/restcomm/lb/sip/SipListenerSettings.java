package org.restcomm.lb.sip;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

import javax.net.ssl.SSLContext;

/**
 * One SIP listening point. The advertised address (an IP load balancer in front, when set) is what goes into
 * Record-Route; Via carries the balancer's own address unless {@code advertisedInVia} (the original's
 * useIpLoadBalancerAddressInViaHeaders), so responses come straight back to this balancer. The bind address is where
 * the socket listens. A TLS or WSS listener serves the certificate of its {@code sslContext} (an Elytron
 * server-ssl-context), which also decides client authentication, protocols and cipher suites.
 */
public record SipListenerSettings(Side side, Transport transport, InetSocketAddress bind, String advertisedHost, int advertisedPort, boolean advertisedInVia,
        SSLContext sslContext) {

    public SipListenerSettings {
        if (transport.isSecure() != (sslContext != null)) {
            throw new IllegalArgumentException(transport.isSecure() ? "a " + transport.parameter() + " listener needs an SSLContext"
                    : "a " + transport.parameter() + " listener takes no SSLContext");
        }
    }

    /** A plain listener (UDP, TCP, WS). */
    public SipListenerSettings(Side side, Transport transport, InetSocketAddress bind, String advertisedHost, int advertisedPort, boolean advertisedInVia) {
        this(side, transport, bind, advertisedHost, advertisedPort, advertisedInVia, null);
    }

    /** With the transport by name ({@code udp}, {@code TCP}, ...), as the management model and tests give it. */
    public SipListenerSettings(Side side, String transport, InetSocketAddress bind, String advertisedHost, int advertisedPort, boolean advertisedInVia) {
        this(side, Transport.require(transport), bind, advertisedHost, advertisedPort, advertisedInVia);
    }

    /** A TLS or WSS listener on its bound address. */
    public static SipListenerSettings secure(Side side, String transport, InetSocketAddress bind, SSLContext sslContext) {
        return new SipListenerSettings(side, Transport.require(transport), bind, bind.getAddress().getHostAddress(), bind.getPort(), false, sslContext);
    }

    public static SipListenerSettings of(Side side, String transport, InetSocketAddress bind) {
        return new SipListenerSettings(side, Transport.require(transport), bind, bind.getAddress().getHostAddress(), bind.getPort(), false);
    }

    /** Whether Record-Route names an address other than the bound one: an IP load balancer in front. */
    public boolean advertisesIpLoadBalancer() {
        return !this.advertisedHost.equals(this.ownHost()) || this.advertisedPort != this.bind.getPort();
    }

    /** This listener advertising its own address: what a client on the balancer's own network sees. */
    SipListenerSettings ownAddress() {
        return this.advertisesIpLoadBalancer() ? new SipListenerSettings(this.side, this.transport, this.bind, this.ownHost(), this.bind.getPort(), false, this.sslContext) : this;
    }

    /** This listener advertising another host (a public address behind NAT) on its own port. */
    SipListenerSettings advertising(String host) {
        return new SipListenerSettings(this.side, this.transport, this.bind, host, this.advertisedPort, this.advertisedInVia, this.sslContext);
    }

    private String ownHost() {
        return this.bind.getAddress().isAnyLocalAddress() ? this.advertisedHost : this.bind.getAddress().getHostAddress();
    }

    /** The host the balancer's Via names: its own, unless told to advertise, or bound to every interface. */
    public String viaHost() {
        return (this.advertisedInVia || this.bind.getAddress().isAnyLocalAddress()) ? this.advertisedHost : this.bind.getAddress().getHostAddress();
    }

    /** Whether the listener is bound to an IPv6 address: it serves IPv6 clients and reaches IPv6 nodes. */
    public boolean isIpv6() {
        return this.bind.getAddress() instanceof Inet6Address;
    }

    public int viaPort() {
        return this.advertisedInVia ? this.advertisedPort : this.bind.getPort();
    }
}

package org.restcomm.lb.sip;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * One SIP listening point. The advertised address (an IP load balancer in front, when set) is what goes into
 * Via and Record-Route; the bind address is where the socket listens.
 */
public record SipListenerSettings(Side side, String transport, InetSocketAddress bind, String advertisedHost, int advertisedPort) {

    public SipListenerSettings {
        transport = transport.toUpperCase(Locale.ROOT);
    }

    public static SipListenerSettings of(Side side, String transport, InetSocketAddress bind) {
        return new SipListenerSettings(side, transport, bind, bind.getAddress().getHostAddress(), bind.getPort());
    }
}

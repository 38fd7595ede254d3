package org.restcomm.lb.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import gov.nist.javax.sip.stack.MessageProcessor;

/** The balancer's listening points: which side each faces, and which addresses are the balancer's own. */
final class SipListeners {

    private final Map<MessageProcessor, SipListenerSettings> byProcessor = new IdentityHashMap<>();
    /** In the order the model lists them: a side's first listener is the same one on every start. */
    private final List<Map.Entry<MessageProcessor, SipListenerSettings>> inOrder = new ArrayList<>();
    /** A list, not a set of host:port texts: asked for each Via and Route of each message, it makes no key. */
    private final List<OwnAddress> ownAddresses = new ArrayList<>();
    private final Map<Side, Set<Transport>> transportsBySide = new java.util.EnumMap<>(Side.class);

    void add(MessageProcessor processor, SipListenerSettings listener) {
        this.byProcessor.put(processor, listener);
        this.inOrder.add(Map.entry(processor, listener));
        this.transportsBySide.computeIfAbsent(listener.side(), side -> java.util.EnumSet.noneOf(Transport.class)).add(listener.transport());
        this.ownAddresses.add(new OwnAddress(listener.advertisedHost(), listener.advertisedPort()));
        this.ownAddresses.add(new OwnAddress(listener.bind().getAddress().getHostAddress(), listener.bind().getPort()));
    }

    Side side(MessageProcessor processor) {
        SipListenerSettings listener = this.byProcessor.get(processor);
        return (listener != null) ? listener.side() : Side.EXTERNAL;
    }

    /** The IPv4 listener of a side for a transport, else that side's first listener. */
    SipListenerSettings advertised(Side side, Transport transport) {
        return this.find(side, transport, false).getValue();
    }

    /** The listener of a side for a transport and address family: a peer is reached from, and told of, its own family. */
    SipListenerSettings advertised(Side side, Transport transport, boolean ipv6) {
        return this.find(side, transport, ipv6).getValue();
    }

    /** Whether the side (the external one when single-entry) has a listener of exactly this transport. */
    boolean has(Side side, Transport transport) {
        Set<Transport> transports = this.transportsBySide.get(this.singleEntry() ? Side.EXTERNAL : side);
        return transports != null && transports.contains(transport);
    }

    MessageProcessor processor(Side side, Transport transport) {
        return this.find(side, transport, false).getKey();
    }

    MessageProcessor processor(Side side, Transport transport, boolean ipv6) {
        return this.find(side, transport, ipv6).getKey();
    }

    /** Whether host:port is one of the balancer's own addresses (bound or advertised). */
    boolean isOwn(String host, int port) {
        if (this.isOwnAddress(host, port)) {
            return true;
        }
        try {
            return this.isOwnAddress(InetAddress.getByName(host).getHostAddress(), port);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private boolean isOwnAddress(String host, int port) {
        for (int i = 0; i < this.ownAddresses.size(); i++) {
            OwnAddress own = this.ownAddresses.get(i);
            if (own.port() == port && own.host().equals(host)) {
                return true;
            }
        }
        return false;
    }

    List<SipListenerSettings> all() {
        return List.copyOf(this.byProcessor.values());
    }

    /** Without internal listeners the balancer runs single-entry: one address for clients and nodes alike. */
    boolean singleEntry() {
        return !this.transportsBySide.containsKey(Side.INTERNAL);
    }

    /** By preference: transport and family, then the family, then the transport, then the side's first listener. */
    private Map.Entry<MessageProcessor, SipListenerSettings> find(Side side, Transport transport, boolean ipv6) {
        if (this.singleEntry()) {
            side = Side.EXTERNAL;
        }
        Map.Entry<MessageProcessor, SipListenerSettings> sameFamily = null;
        Map.Entry<MessageProcessor, SipListenerSettings> sameTransport = null;
        Map.Entry<MessageProcessor, SipListenerSettings> first = null;
        // indexed: an iterator per call showed in the fast path's allocation profile
        for (int i = 0; i < this.inOrder.size(); i++) {
            Map.Entry<MessageProcessor, SipListenerSettings> entry = this.inOrder.get(i);
            SipListenerSettings listener = entry.getValue();
            if (listener.side() != side) {
                continue;
            }
            boolean family = listener.isIpv6() == ipv6;
            if (family && listener.transport() == transport) {
                return entry;
            }
            if (family && sameFamily == null) {
                sameFamily = entry;
            }
            if (listener.transport() == transport && sameTransport == null) {
                sameTransport = entry;
            }
            if (first == null) {
                first = entry;
            }
        }
        if (first == null) {
            throw new IllegalStateException("no " + side + " SIP listener");
        }
        return (sameFamily != null) ? sameFamily : (sameTransport != null) ? sameTransport : first;
    }

    private record OwnAddress(String host, int port) {
    }
}

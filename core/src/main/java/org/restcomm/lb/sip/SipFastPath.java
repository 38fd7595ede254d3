package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.LongAdder;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.stats.SipStatistics;

/**
 * The hot path: the traffic that makes up a call — new and in-dialog requests from clients, responses from nodes —
 * relayed by editing the message's bytes (two Vias and the Record-Routes spliced in, own Routes and Vias cut out,
 * Max-Forwards counted down) without jain-sip parsing it. It takes UDP datagrams, and whole messages read from TCP
 * and TLS connections that go on over the same transport on connections already open. It applies the same
 * {@link SipRules} as {@link SipForwarder} and gives up, before any side effect, on whatever those rules treat
 * specially (heartbeats, scanners, exhausted Max-Forwards, no node, requests from nodes, odd framing, a connection not
 * open yet); jain-sip and the forwarder then take the message.
 */
final class SipFastPath {

    private static final byte[] CRLF = { '\r', '\n' };
    /** The framer's lower-case names of the balancer's own headers, made once rather than per message. */
    private static final String INITIAL_REMOTE_ADDR = SipRules.INITIAL_REMOTE_ADDR.toLowerCase(Locale.ROOT);
    private static final String INITIAL_REMOTE_PORT = SipRules.INITIAL_REMOTE_PORT.toLowerCase(Locale.ROOT);

    private final SipRules rules;
    private final SipListeners listeners;
    private final SipStatistics statistics;
    private final LongAdder relayed = new LongAdder();
    /** The balancer's own headers by side and transport, remade when the listener changes; immutable, so shared without a lock. */
    private final OwnHeaders[] ownHeaders = new OwnHeaders[Side.values().length * Transport.values().length];
    /** What each selector thread of the stream listeners keeps from one message to the next. */
    private final ThreadLocal<Output> streamOutput = ThreadLocal.withInitial(Output::new);

    /** Where a relayed message leaves: a UDP listener's socket, or one stream connection. */
    interface Link {
        /** Sends the output to address:port (a connection sends to its own peer). */
        void send(Output out, InetAddress address, int port) throws IOException;
    }

    SipFastPath(SipRules rules, SipStatistics statistics) {
        this.rules = rules;
        this.listeners = rules.listeners();
        this.statistics = statistics;
    }

    /** Relays the datagram and returns true, or returns false having changed nothing, for the full path to take it. */
    boolean relay(DatagramPacket packet, FastUdpMessageProcessor arrivedOn, Output out) {
        // IPv6 takes the full path, which picks the listeners of each peer's family; so does NAT and a forced transport
        if (this.listeners.singleEntry() || arrivedOn.getIpAddress() instanceof Inet6Address || !this.rules.settings().routing().allowsFastPath()) {
            return false;
        }
        RawSipMessage message = out.message.read(packet.getData(), packet.getLength());
        return message != null && this.relay(message, Transport.UDP, this.listeners.side(arrivedOn), packet.getAddress(), packet.getPort(), arrivedOn, out);
    }

    /**
     * Relays a whole message read from a TCP or TLS connection, on the thread that read it, and returns true; or
     * returns false having changed nothing. The caller sends a connection's messages here only while none of its
     * earlier ones waits for the full path, so a connection's messages keep their order.
     */
    boolean relay(byte[] message, SipStreamLink arrivedOn) {
        if (this.listeners.singleEntry() || arrivedOn.processor.getIpAddress() instanceof Inet6Address || this.rules.settings().routing().rewritesAddresses()
                || !arrivedOn.usable()) {
            return false;
        }
        Output out = this.streamOutput.get();
        RawSipMessage read = out.message.read(message, message.length);
        return read != null && this.relay(read, arrivedOn.transport, this.listeners.side(arrivedOn.processor), arrivedOn.peerAddress(), arrivedOn.peerPort(),
                arrivedOn, out);
    }

    private boolean relay(RawSipMessage message, Transport transport, Side side, InetAddress peer, int peerPort, Link arrivedOn, Output out) {
        boolean relayed = (message.request && side == Side.EXTERNAL) ? this.fromClient(message, transport, peer, peerPort, arrivedOn, out)
                : (!message.request && side == Side.INTERNAL) && this.fromNode(message, transport, peer, peerPort, out);
        if (relayed) {
            this.relayed.increment();
        }
        return relayed;
    }

    /** Datagrams this fast path relayed; read by tests to prove the hot path is the one taken. */
    long relayedCount() {
        return this.relayed.sum();
    }

    /**
     * A client's request, in stages: whether it is ordinary call traffic at all, its top Via, the node it goes to,
     * then (the message is ours from there) 100 Trying back and the edited message to the node.
     */
    private boolean fromClient(RawSipMessage message, Transport transport, InetAddress peer, int peerPort, Link arrivedOn, Output out) {
        SipBalancerSettings settings = this.rules.settings();
        if (this.needsFullPath(message)) {
            return false;
        }
        int topVia = message.index("via");
        ViaEntry client = out.via;
        if (!clientVia(message, topVia, client, transport)) {
            return false;
        }
        ToNode route = this.route(message, transport, out);
        if (route == null) {
            return false;
        }
        // from here on the message is ours
        out.source(peer, peerPort);
        this.statistics.requestProcessed(message.method, message.length);
        if (settings.sendTrying() && SipRules.getsTrying(message.method)) {
            this.answerTrying(message, topVia, client, peer, peerPort, arrivedOn, out);
        }
        this.writeToNode(message, topVia, client, route, out);
        // counted before the send: the node's answer may be handled before the send returns
        this.rules.requestSent(route.node(), message.method);
        try {
            route.link().send(out, route.address(), route.port());
        } catch (IOException e) {
            this.rules.sendFailed(route.node(), e);
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(new String(message.bytes, 0, message.startLineEnd, StandardCharsets.UTF_8), e);
        }
        return true;
    }

    /**
     * Requests the full path's rules treat specially: new calls while suspended, heartbeats, scanners, requests already carrying the balancer's
     * own headers, and a Max-Forwards that is missing, unreadable or exhausted.
     */
    private boolean needsFullPath(RawSipMessage message) {
        if (this.rules.refusesNewWork(message.method, message.inDialog())
                || SipRules.isHeartbeat(message.method, name -> message.index(name.toLowerCase(Locale.ROOT)) >= 0)
                || this.rules.isBlocked(message)
                || message.index(INITIAL_REMOTE_ADDR) >= 0 || message.index(INITIAL_REMOTE_PORT) >= 0) {
            return true;
        }
        int maxForwards = message.maxForwards();
        return maxForwards < 0 || (maxForwards == 0 && !"CANCEL".equals(message.method));
    }

    /** Reads the client's single top Via over the transport it came by; false for anything else (several values in one line, another transport, unreadable). */
    private static boolean clientVia(RawSipMessage message, int topVia, ViaEntry client, Transport transport) {
        int from = message.valueStart[topVia];
        int to = message.valueEnd[topVia];
        return SipBytes.indexOf(message.bytes, from, to, (byte) ',') < 0 && client.read(message.bytes, from, to) && client.transport == transport;
    }

    /**
     * Where the request goes: the node its own Route's hint, its Request-URI or the algorithm names, the node's port
     * and address for the transport the request came by, and the internal UDP socket or the connection open to the
     * node; null when the full path must answer or connect (no node, no port for the transport, no socket or open
     * connection, an address that does not resolve) or the Routes are unreadable.
     */
    private ToNode route(RawSipMessage message, Transport transport, Output out) {
        Arrays.fill(out.dropped, 0, message.headerCount, false);
        if (!this.popOwnRoutes(message, out)) {
            return null;
        }
        Node node = (out.hintHost != null) ? this.rules.liveNode(out.hintHost, out.hintPort) : this.nodeAddressedDirectly(message, out);
        if (node == null) {
            node = this.rules.algorithm().processExternalRequest(message);
        }
        int nodePort = (node != null) ? this.nodePort(node, transport) : -1;
        SipListenerSettings external = this.listeners.advertised(Side.EXTERNAL, transport);
        SipListenerSettings internal = this.listeners.advertised(Side.INTERNAL, transport);
        if (nodePort < 0 || HostAndPort.isIpv6Literal(node.ip()) || external.transport() != transport || internal.transport() != transport) {
            return null;
        }
        try {
            InetAddress known = node.address();
            InetAddress address = (known != null) ? known : InetAddress.getByName(node.ip());
            Link toNode = this.link(Side.INTERNAL, transport, address, nodePort, out);
            return (toNode == null) ? null : out.route.set(node, nodePort, address, toNode, this.ownHeaders(external), this.ownHeaders(internal));
        } catch (IOException e) {
            // an address that does not resolve: the full path answers as configured (send-failure-status)
            return null;
        }
    }

    /** The node's port for the transport, when the full path would send over that transport too; else -1. */
    private int nodePort(Node node, Transport transport) {
        if (transport == Transport.UDP) {
            OptionalInt port = node.port(Transport.UDP.nodePortProperty());
            return port.isPresent() ? port.getAsInt() : -1;
        }
        SipRules.Leg leg = this.rules.towardsNode(node, transport);
        return (leg != null && leg.transport() == transport) ? leg.port() : -1;
    }

    /**
     * Where a message to address:port leaves a side's listener for the transport: the UDP socket, or the connection
     * jain-sip has open there; null when there is none (the full path opens connections).
     */
    private Link link(Side side, Transport transport, InetAddress address, int port, Output out) {
        MessageProcessor processor = this.listeners.processor(side, transport);
        if (transport == Transport.UDP) {
            return (processor instanceof FastUdpMessageProcessor socket) ? socket : null;
        }
        return (processor instanceof NioTcpMessageProcessor stream && Transport.of(stream.getTransport()) == transport) ? out.links.find(stream, address, port) : null;
    }

    /**
     * The message for the node: the balancer's two Vias on top, the client's Via as received, own Routes cut,
     * Max-Forwards counted down, two Record-Routes on a dialog-creating request, and where the client really is.
     */
    private void writeToNode(RawSipMessage message, int topVia, ViaEntry client, ToNode route, Output out) {
        String method = message.method;
        Node node = route.node();
        out.reset();
        out.write(message.bytes, 0, message.startLineEnd + 2);
        out.ownVia(route.internal(), client, message, Side.INTERNAL, node.version());
        out.ownVia(route.external(), client, message, Side.EXTERNAL, node.version());
        boolean recordRoute = SipRules.isRecordRouted(method, message.inDialog());
        if (recordRoute) {
            node.callAssigned();
        }
        boolean recordRouted = !recordRoute;
        boolean cancel = "CANCEL".equals(method);
        for (int i = 0; i < message.headerCount; i++) {
            if (out.dropped[i]) {
                continue;
            }
            String name = message.names[i];
            if (!recordRouted && name.equals("record-route")) {
                out.recordRoutes(route);
                recordRouted = true;
            }
            if (i == topVia) {
                out.clientVia(client);
            } else if (name.equals("max-forwards") && !cancel) {
                out.ascii("Max-Forwards: ");
                out.decimal(message.maxForwards() - 1);
                out.write(CRLF, 0, 2);
            } else {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        if (!recordRouted) {
            out.recordRoutes(route);
        }
        if (SipRules.carriesInitialRemote(method, message.length > message.bodyStart)) {
            out.ascii(SipRules.INITIAL_REMOTE_ADDR);
            out.ascii(": ");
            out.write(out.sourceText, 0, out.sourceLength);
            out.write(CRLF, 0, 2);
            out.ascii(SipRules.INITIAL_REMOTE_PORT);
            out.ascii(": ");
            // the full path's peer port: over UDP the one the Via names, over a stream the connection's
            out.decimal((client.transport == Transport.UDP) ? client.port : out.sourcePort);
            out.write(CRLF, 0, 2);
        }
        out.write(message.bytes, message.headersEnd, message.length);
    }

    /** 100 Trying back to the client: its Vias (the top one as received), From, To, Call-ID and CSeq. */
    private void answerTrying(RawSipMessage message, int topVia, ViaEntry client, InetAddress peer, int peerPort, Link arrivedOn, Output out) {
        out.reset();
        out.ascii("SIP/2.0 100 Trying\r\n");
        for (int i = 0; i < message.headerCount; i++) {
            String name = message.names[i];
            if (i == topVia) {
                out.clientVia(client);
            } else if (name.equals("via") || name.equals("from") || name.equals("to") || name.equals("call-id") || name.equals("cseq")) {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        out.ascii("Content-Length: 0\r\n\r\n");
        try {
            arrivedOn.send(out, peer, client.rport ? peerPort : client.port);
            this.statistics.responseProcessed(100, out.length());
        } catch (IOException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("SIP/2.0 100 Trying", e);
        }
    }

    /**
     * A node's response: the balancer's two Vias cut, out of the external side to the next Via. The Vias may come
     * one per line or several in one comma-separated line, as sipp's [last_Via:] and many stacks write them: a line
     * holding only the balancer's entries is dropped, one that goes on to the client's is written again without them.
     */
    private boolean fromNode(RawSipMessage message, Transport transport, InetAddress peer, int peerPort, Output out) {
        byte[] bytes = message.bytes;
        boolean[] dropped = out.dropped;
        int[] rest = out.rest;
        Arrays.fill(dropped, 0, message.headerCount, false);
        Arrays.fill(rest, 0, message.headerCount, -1);
        ViaEntry via = out.via;
        boolean nextFound = false;
        boolean probeAnswer = false;
        int own = 0;
        for (int i = 0; i < message.headerCount && !nextFound; i++) {
            if (!message.names[i].equals("via")) {
                continue;
            }
            int to = message.valueEnd[i];
            for (int start = message.valueStart[i]; start < to && !nextFound; ) {
                int end = SipBytes.entryEnd(bytes, start, to);
                if (end < 0 || !via.read(bytes, start, end)) {
                    return false;
                }
                if (own < 2 && this.rules.isOwn(out.text(bytes, via.hostStart, via.hostEnd), via.port)) {
                    if (own++ == 0) {
                        probeAnswer = via.branch != SipBytes.NONE
                                && SipBytes.startsWith(bytes, SipBytes.start(via.branch), SipBytes.end(via.branch), SipRules.PROBE_BRANCH);
                    }
                    start = end + 1;
                    dropped[i] = start >= to;
                    rest[i] = dropped[i] ? -1 : SipBytes.trimStart(bytes, start, to);
                } else {
                    // the entry after the balancer's own: via holds it from here on
                    nextFound = true;
                }
            }
        }
        if (!nextFound && own > 0 && probeAnswer) {
            this.rules.probeAnswered(peer.getHostAddress(), peerPort);
            return true;
        }
        Node node = (nextFound && own > 0) ? this.rules.nodeAt(peer, peerPort) : null;
        String targetHost = (node != null) ? via.responseHost(out) : null;
        if (node == null || via.transport != transport || HostAndPort.isIpv6Literal(targetHost)) {
            // anything but a registered node's answer through the balancer: the full path's rules decide
            return false;
        }
        InetAddress target;
        try {
            target = out.address(targetHost);
        } catch (UnknownHostException e) {
            return false;
        }
        Link toClient = this.link(Side.EXTERNAL, transport, target, via.responsePort(), out);
        if (toClient == null) {
            return false;
        }
        this.statistics.responseProcessed(message.statusCode, message.length);
        this.rules.nodeResponded(node, message.statusCode, message);
        out.reset();
        out.write(bytes, 0, message.startLineEnd + 2);
        for (int i = 0; i < message.headerCount; i++) {
            if (rest[i] >= 0) {
                out.ascii("Via: ");
                out.write(bytes, rest[i], message.valueEnd[i]);
                out.write(CRLF, 0, 2);
            } else if (!dropped[i]) {
                out.write(bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        out.write(bytes, message.headersEnd, message.length);
        try {
            toClient.send(out, target, via.responsePort());
        } catch (IOException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(new String(bytes, 0, message.startLineEnd, StandardCharsets.UTF_8), e);
        }
        return true;
    }

    /**
     * Marks the leading Route lines that name the balancer in {@link Output#dropped} and keeps the first node hint
     * among them in {@link Output#hintHost} and {@link Output#hintPort}; false when the Routes are unreadable. A line
     * may carry the whole route set, comma-separated, as most user agents send it (sipp's [routes] among them):
     * dropped when every entry names the balancer; a line that names the balancer and then another hop is left to
     * the full path, which rewrites it.
     */
    private boolean popOwnRoutes(RawSipMessage message, Output out) {
        byte[] bytes = message.bytes;
        SipUri uri = out.uri;
        out.hintHost = null;
        for (int i = 0; i < message.headerCount; i++) {
            if (!message.names[i].equals("route")) {
                continue;
            }
            int to = message.valueEnd[i];
            int own = 0;
            int entries = 0;
            for (int start = message.valueStart[i]; start < to; entries++) {
                int end = SipBytes.entryEnd(bytes, start, to);
                int open = (end < 0) ? -1 : SipBytes.indexOf(bytes, start, to, (byte) '<');
                int close = (open >= 0) ? SipBytes.indexOf(bytes, open, to, (byte) '>') : -1;
                if (close < 0 || close >= end || !uri.read(bytes, open + 1, close)) {
                    return false;
                }
                if (own == entries && this.rules.isOwnRoute(out.text(bytes, uri.hostStart, uri.hostEnd), uri.port)) {
                    own++;
                    if (out.hintHost == null && !this.readHint(uri, out)) {
                        return false;
                    }
                }
                start = end + 1;
            }
            if (own == 0) {
                break;
            }
            if (own < entries) {
                return false;
            }
            out.dropped[i] = true;
        }
        return true;
    }

    /** The node_host and node_port of one of the balancer's own Routes, when it has both; false when the port is no number. */
    private static boolean readHint(SipUri uri, Output out) {
        long host = uri.parameter(SipRules.NODE_HOST);
        long port = uri.parameter(SipRules.NODE_PORT);
        if (host == SipBytes.NONE || port == SipBytes.NONE) {
            return true;
        }
        int portValue = SipBytes.decimal(uri.bytes, SipBytes.start(port), SipBytes.end(port));
        if (portValue < 0) {
            return false;
        }
        out.hintHost = out.text(uri.bytes, SipBytes.start(host), SipBytes.end(host));
        out.hintPort = portValue;
        return true;
    }

    private Node nodeAddressedDirectly(RawSipMessage message, Output out) {
        SipUri uri = out.uri;
        int space = SipBytes.indexOf(message.bytes, 0, message.startLineEnd, (byte) ' ');
        if (!uri.read(message.bytes, space + 1, message.startLineEnd - " SIP/2.0".length()) || !uri.explicitPort) {
            return null;
        }
        return this.rules.nodeAddressedDirectly(out.text(message.bytes, uri.hostStart, uri.hostEnd), uri.port, true);
    }

    /** The balancer's own Via and Record-Route of a listener, kept as the bytes they are for as long as the listener is. */
    private OwnHeaders ownHeaders(SipListenerSettings listener) {
        int slot = listener.side().ordinal() * Transport.values().length + listener.transport().ordinal();
        OwnHeaders headers = this.ownHeaders[slot];
        if (headers == null || headers.listener != listener) {
            headers = new OwnHeaders(listener);
            this.ownHeaders[slot] = headers;
        }
        return headers;
    }

    /** The node a client's request goes to, and the sockets and listeners on the way; one per receiving thread, set per request. */
    static final class ToNode {
        private Node node;
        private int port;
        private InetAddress address;
        private Link link;
        private OwnHeaders external;
        private OwnHeaders internal;

        ToNode set(Node node, int port, InetAddress address, Link link, OwnHeaders external, OwnHeaders internal) {
            this.node = node;
            this.port = port;
            this.address = address;
            this.link = link;
            this.external = external;
            this.internal = internal;
            return this;
        }

        Node node() {
            return this.node;
        }

        int port() {
            return this.port;
        }

        InetAddress address() {
            return this.address;
        }

        Link link() {
            return this.link;
        }

        OwnHeaders external() {
            return this.external;
        }

        OwnHeaders internal() {
            return this.internal;
        }
    }

    /** As {@link SipRules#via} and {@link SipRules#recordRouteUri} write them, up to the parts that change per message. */
    static final class OwnHeaders {
        final SipListenerSettings listener;
        final byte[] viaUpToBranch;
        final byte[] viaEnd;
        final byte[] recordRouteUpToNode;
        final byte[] recordRouteEnd;

        OwnHeaders(SipListenerSettings listener) {
            this.listener = listener;
            this.viaUpToBranch = utf8("Via: " + SipRules.viaUpToBranch(listener));
            this.viaEnd = utf8(SipRules.VIA_END + "\r\n");
            this.recordRouteUpToNode = utf8("Record-Route: <" + SipRules.recordRouteUpToNode(listener));
            this.recordRouteEnd = utf8(SipRules.recordRouteEnd(listener) + ">\r\n");
        }

        private static byte[] utf8(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * One Via entry read in place: the offsets of what routing needs ({@code sent-by}, branch, received, rport), the
     * message's bytes untouched. Reused from one message to the next by the receiving thread.
     */
    static final class ViaEntry {
        byte[] bytes;
        int start;
        int end;
        /** UDP, TCP or TLS; null for any other. */
        Transport transport;
        int hostStart;
        int hostEnd;
        int port;
        long branch;
        long received;
        boolean rport;
        int rportValue;

        /** Reads the entry between from and to; false when it is no {@code SIP/2.0/transport sent-by} Via or a number in it is unreadable. */
        boolean read(byte[] bytes, int from, int to) {
            from = SipBytes.trimStart(bytes, from, to);
            to = SipBytes.trimEnd(bytes, from, to);
            int space = SipBytes.indexOf(bytes, from, to, (byte) ' ');
            if (!SipBytes.startsWithIgnoreCase(bytes, from, to, "SIP/2.0/") || space < from + 8) {
                return false;
            }
            int transportStart = SipBytes.trimStart(bytes, from + 8, space);
            this.transport = transport(bytes, transportStart, SipBytes.trimEnd(bytes, transportStart, space));
            int semicolon = SipBytes.indexOf(bytes, space, to, (byte) ';');
            int sentByStart = SipBytes.trimStart(bytes, space + 1, (semicolon < 0) ? to : semicolon);
            int sentByEnd = SipBytes.trimEnd(bytes, sentByStart, (semicolon < 0) ? to : semicolon);
            if (sentByStart < sentByEnd && bytes[sentByStart] == '[') {
                // IPv6 references: the full path knows them
                return false;
            }
            int colon = SipBytes.indexOf(bytes, sentByStart, sentByEnd, (byte) ':');
            this.port = (colon < 0) ? SipRules.defaultPort(this.transport) : SipBytes.decimal(bytes, SipBytes.trimStart(bytes, colon + 1, sentByEnd), sentByEnd);
            if (this.port < 0) {
                return false;
            }
            this.hostStart = sentByStart;
            this.hostEnd = (colon < 0) ? sentByEnd : SipBytes.trimEnd(bytes, sentByStart, colon);
            long rport = SipBytes.parameter(bytes, from, to, "rport");
            this.rport = rport != SipBytes.NONE;
            this.rportValue = (this.rport && SipBytes.end(rport) > SipBytes.start(rport)) ? SipBytes.decimal(bytes, SipBytes.start(rport), SipBytes.end(rport)) : 0;
            if (this.rportValue < 0) {
                return false;
            }
            this.branch = SipBytes.parameter(bytes, from, to, "branch");
            this.received = SipBytes.parameter(bytes, from, to, "received");
            this.bytes = bytes;
            this.start = from;
            this.end = to;
            return true;
        }

        private static Transport transport(byte[] bytes, int from, int to) {
            return SipBytes.equalsIgnoreCase(bytes, from, to, "UDP") ? Transport.UDP
                    : SipBytes.equalsIgnoreCase(bytes, from, to, "TCP") ? Transport.TCP
                    : SipBytes.equalsIgnoreCase(bytes, from, to, "TLS") ? Transport.TLS : null;
        }

        /** The host a response to this Via goes to, by {@link SipRules#responseTarget}. */
        String responseHost(Output out) {
            String received = (this.received != SipBytes.NONE && SipBytes.end(this.received) > SipBytes.start(this.received))
                    ? out.text(this.bytes, SipBytes.start(this.received), SipBytes.end(this.received)) : null;
            return SipRules.responseHost(out.text(this.bytes, this.hostStart, this.hostEnd), received);
        }

        /** The port a response to this Via goes to, by {@link SipRules#responseTarget}. */
        int responsePort() {
            return SipRules.responsePort(this.port, this.rportValue, this.transport);
        }

        private boolean hostIs(byte[] text, int length) {
            return Arrays.equals(this.bytes, this.hostStart, this.hostEnd, text, 0, length);
        }
    }

    /** A sip: URI read in place: host, port and where its parameters are; reused as {@link ViaEntry} is. */
    static final class SipUri {
        byte[] bytes;
        int hostStart;
        int hostEnd;
        int port;
        boolean explicitPort;
        int parametersStart;
        int parametersEnd;

        /** Reads the URI between from and to; false for anything but a sip: URI with a readable port (IPv6 references too). */
        boolean read(byte[] bytes, int from, int to) {
            if (!SipBytes.startsWithIgnoreCase(bytes, from, to, "sip:")) {
                return false;
            }
            int semicolon = SipBytes.indexOf(bytes, from, to, (byte) ';');
            int question = SipBytes.indexOf(bytes, from, to, (byte) '?');
            int end = (semicolon >= 0) ? semicolon : (question >= 0 ? question : to);
            int at = SipBytes.lastIndexOf(bytes, from + 4, end, (byte) '@');
            int hostStart = (at >= 0) ? at + 1 : from + 4;
            if (hostStart < end && bytes[hostStart] == '[') {
                return false;
            }
            int colon = SipBytes.indexOf(bytes, hostStart, end, (byte) ':');
            this.port = (colon >= 0) ? SipBytes.decimal(bytes, colon + 1, end) : Transport.UDP.defaultPort();
            if (this.port < 0) {
                return false;
            }
            this.bytes = bytes;
            this.hostStart = hostStart;
            this.hostEnd = (colon >= 0) ? colon : end;
            this.explicitPort = colon >= 0;
            this.parametersStart = (semicolon >= 0) ? semicolon : to;
            this.parametersEnd = to;
            return true;
        }

        long parameter(String name) {
            return SipBytes.uriParameter(this.bytes, this.parametersStart, this.parametersEnd, name);
        }
    }

    /**
     * A reusable message under construction, and what the receiving thread keeps from one message to the next so
     * that relaying one allocates nothing: the header offsets, the Via and URI read in place, the texts of hosts and
     * the addresses they name, the packet sent. One per receiving thread.
     */
    static final class Output {
        private static final int TEXTS = 64;
        private static final int ADDRESSES = 16;

        final RawSipMessage message = new RawSipMessage();
        /** The header lines the message loses: the balancer's own Routes, or Vias of a response. */
        final boolean[] dropped = new boolean[RawSipMessage.MAX_HEADERS];
        /** Where a response's Via line goes on after the balancer's own entries, -1 where it does not. */
        final int[] rest = new int[RawSipMessage.MAX_HEADERS];
        final ViaEntry via = new ViaEntry();
        final SipUri uri = new SipUri();
        final ToNode route = new ToNode();
        /** The node hint of the balancer's own Route, null when the request has none. */
        String hintHost;
        int hintPort;
        /** The client's address as text, as {@link InetAddress#getHostAddress()} writes it, and its port. */
        final byte[] sourceText = new byte[64];
        int sourceLength;
        int sourcePort;
        private InetAddress source;
        private final String[] texts = new String[TEXTS];
        private final byte[][] textBytes = new byte[TEXTS][];
        private final String[] addressHosts = new String[ADDRESSES];
        private final InetAddress[] addresses = new InetAddress[ADDRESSES];
        private final DatagramPacket packet = new DatagramPacket(new byte[0], 0);
        /** The stream connections this thread sends on, and where their TLS records are written. */
        final SipStreamLink.Cache links = new SipStreamLink.Cache();
        private ByteBuffer records;
        private byte[] buffer = new byte[4096];
        private int length;

        void reset() {
            this.length = 0;
        }

        int length() {
            return this.length;
        }

        byte[] buffer() {
            return this.buffer;
        }

        /**
         * The datagram as the packet to send to address:port; the same packet object every time. (A channel would
         * spare the JDK's socket address per send, but an interrupted sender closes a channel for good, and jain-sip
         * sends through this socket from its own threads too.)
         */
        DatagramPacket packet(InetAddress address, int port) {
            this.packet.setData(this.buffer, 0, this.length);
            this.packet.setAddress(address);
            this.packet.setPort(port);
            return this.packet;
        }

        /** A buffer of at least the capacity for TLS records, kept by the thread. */
        ByteBuffer records(int capacity) {
            if (this.records == null || this.records.capacity() < capacity) {
                this.records = ByteBuffer.allocate(capacity);
            }
            return this.records;
        }

        void write(byte[] bytes, int from, int to) {
            int count = to - from;
            this.ensure(count);
            System.arraycopy(bytes, from, this.buffer, this.length, count);
            this.length += count;
        }

        private void write(byte[] bytes) {
            this.write(bytes, 0, bytes.length);
        }

        /** The text in UTF-8; character by character while it is ASCII, as the balancer's own headers are, to spare a byte[] per write. */
        void ascii(String text) {
            this.ensure(text.length() * 3);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    byte[] rest = text.substring(i).getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(rest, 0, this.buffer, this.length, rest.length);
                    this.length += rest.length;
                    return;
                }
                this.buffer[this.length++] = (byte) c;
            }
        }

        void header(String name, String value) {
            this.ascii(name);
            this.ascii(": ");
            this.ascii(value);
            this.write(CRLF, 0, 2);
        }

        /** A number in decimal, without a String. */
        void decimal(int value) {
            this.ensure(11);
            if (value < 0) {
                this.buffer[this.length++] = '-';
                value = -value;
            }
            int digits = 1;
            for (int rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            for (int i = this.length + digits - 1; i >= this.length; i--) {
                this.buffer[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            this.length += digits;
        }

        /**
         * The text of a byte range (a host, mostly), from a small cache of the texts this thread saw last: the same
         * few addresses come in every message, so each is made once.
         */
        String text(byte[] bytes, int from, int to) {
            int hash = 1;
            for (int i = from; i < to; i++) {
                hash = 31 * hash + bytes[i];
            }
            int slot = (hash ^ (hash >>> 16)) & (TEXTS - 1);
            byte[] cached = this.textBytes[slot];
            if (cached != null && Arrays.equals(cached, 0, cached.length, bytes, from, to)) {
                return this.texts[slot];
            }
            byte[] copy = Arrays.copyOfRange(bytes, from, to);
            String text = new String(copy, StandardCharsets.UTF_8);
            this.textBytes[slot] = copy;
            this.texts[slot] = text;
            return text;
        }

        /** The address of a host; IPv4 literals from a small cache, names resolved each time as the JVM's DNS cache allows. */
        InetAddress address(String host) throws UnknownHostException {
            int slot = host.hashCode() & (ADDRESSES - 1);
            if (host.equals(this.addressHosts[slot])) {
                return this.addresses[slot];
            }
            InetAddress address = InetAddress.getByName(host);
            if (HostAndPort.isDottedQuad(host)) {
                this.addressHosts[slot] = host;
                this.addresses[slot] = address;
            }
            return address;
        }

        /** Keeps the client's address as text: its Via may need it in received=, and the node in X-Sip-Balancer-InitialRemoteAddr. */
        void source(InetAddress address, int port) {
            this.sourcePort = port;
            if (address == this.source) {
                // the socket hands over the same address object while the sender stays the same
                return;
            }
            this.source = address;
            if (!(address instanceof Inet4Address)) {
                byte[] text = address.getHostAddress().getBytes(StandardCharsets.US_ASCII);
                this.sourceLength = Math.min(text.length, this.sourceText.length);
                System.arraycopy(text, 0, this.sourceText, 0, this.sourceLength);
                return;
            }
            byte[] octets = address.getAddress();
            int at = 0;
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    this.sourceText[at++] = '.';
                }
                int octet = octets[i] & 0xff;
                if (octet >= 100) {
                    this.sourceText[at++] = (byte) ('0' + octet / 100);
                }
                if (octet >= 10) {
                    this.sourceText[at++] = (byte) ('0' + octet / 10 % 10);
                }
                this.sourceText[at++] = (byte) ('0' + octet % 10);
            }
            this.sourceLength = at;
        }

        /**
         * The client's Via as a server records it on arrival, as jain-sip does: received= when the client asked for
         * rport or sent from another address than it says; rport= filled in when asked for, and over TCP and TLS
         * always (jain-sip's stream channels do, and the answer finds the connection by it). {@link #source} first.
         */
        void clientVia(ViaEntry via) {
            this.ascii("Via: ");
            byte[] bytes = via.bytes;
            boolean received = via.rport || !via.hostIs(this.sourceText, this.sourceLength);
            boolean rport = via.rport || via.transport != Transport.UDP;
            if (!received && !rport) {
                this.write(bytes, via.start, via.end);
                this.write(CRLF, 0, 2);
                return;
            }
            int semicolon = SipBytes.indexOf(bytes, via.start, via.end, (byte) ';');
            this.write(bytes, via.start, (semicolon < 0) ? via.end : semicolon);
            boolean receivedWritten = false;
            boolean rportWritten = false;
            for (int start = (semicolon < 0) ? via.end : semicolon + 1; start < via.end; ) {
                int end = SipBytes.indexOf(bytes, start, via.end, (byte) ';');
                end = (end < 0) ? via.end : end;
                int equals = SipBytes.indexOf(bytes, start, end, (byte) '=');
                int keyStart = SipBytes.trimStart(bytes, start, (equals < 0) ? end : equals);
                int keyEnd = SipBytes.trimEnd(bytes, keyStart, (equals < 0) ? end : equals);
                if (received && SipBytes.equalsIgnoreCase(bytes, keyStart, keyEnd, "received")) {
                    this.received();
                    receivedWritten = true;
                } else if (SipBytes.equalsIgnoreCase(bytes, keyStart, keyEnd, "rport")) {
                    this.rport();
                    rportWritten = true;
                } else if (end > start) {
                    this.ascii(";");
                    this.write(bytes, start, end);
                }
                start = end + 1;
            }
            if (received && !receivedWritten) {
                this.received();
            }
            if (rport && !rportWritten) {
                this.rport();
            }
            this.write(CRLF, 0, 2);
        }

        private void received() {
            this.ascii(";received=");
            this.write(this.sourceText, 0, this.sourceLength);
        }

        private void rport() {
            this.ascii(";rport=");
            this.decimal(this.sourcePort);
        }

        /**
         * The balancer's Via on one side, as {@link SipRules#via} with {@link SipRules#branch} writes it: the client's
         * branch and the Call-ID's first five characters, the side's marker and the node's version, token characters
         * only. A Call-ID beyond ASCII takes the text's way, where a character may be several bytes.
         */
        void ownVia(OwnHeaders headers, ViaEntry client, RawSipMessage message, Side side, String version) {
            this.write(headers.viaUpToBranch);
            int callId = message.index("call-id");
            if (!SipBytes.isAscii(message.bytes, message.valueStart[callId], message.valueEnd[callId])) {
                // characters are counted as the text decodes them, malformed UTF-8 included
                String branch = (client.branch != SipBytes.NONE)
                        ? new String(client.bytes, SipBytes.start(client.branch), SipBytes.end(client.branch) - SipBytes.start(client.branch), StandardCharsets.UTF_8)
                        : null;
                this.ascii(SipRules.branch(branch, message.callId(), side, version));
                this.write(headers.viaEnd);
                return;
            }
            if (client.branch != SipBytes.NONE) {
                this.token(client.bytes, SipBytes.start(client.branch), SipBytes.end(client.branch));
            } else {
                this.token(SipRules.DEFAULT_BRANCH);
            }
            this.token(message.bytes, message.valueStart[callId], Math.min(message.valueEnd[callId], message.valueStart[callId] + 5));
            this.token((side == Side.INTERNAL) ? SipRules.INTERNAL_BRANCH_MARKER : "_");
            this.token(String.valueOf(version));
            this.write(headers.viaEnd);
        }

        /** The balancer's two Record-Routes, internal side first, as {@link SipRules#recordRouteUri} writes them. */
        private void recordRoutes(ToNode route) {
            this.recordRoute(route.internal(), route.node(), route.port());
            this.recordRoute(route.external(), route.node(), route.port());
        }

        void recordRoute(OwnHeaders headers, Node node, int nodePort) {
            this.write(headers.recordRouteUpToNode);
            this.ascii(node.ip());
            this.ascii(SipRules.RECORD_ROUTE_NODE_PORT);
            this.decimal(nodePort);
            this.ascii(SipRules.RECORD_ROUTE_VERSION);
            this.ascii(String.valueOf(node.version()));
            this.write(headers.recordRouteEnd);
        }

        private void token(byte[] bytes, int from, int to) {
            this.ensure(to - from);
            for (int i = from; i < to; i++) {
                if (SipRules.isTokenChar(bytes[i])) {
                    this.buffer[this.length++] = bytes[i];
                }
            }
        }

        private void token(String text) {
            this.ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (SipRules.isTokenChar(c)) {
                    this.buffer[this.length++] = (byte) c;
                }
            }
        }

        private void ensure(int more) {
            if (this.length + more > this.buffer.length) {
                this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.length + more));
            }
        }
    }
}

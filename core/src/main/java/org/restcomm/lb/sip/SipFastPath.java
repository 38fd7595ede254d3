package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.LongAdder;

import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.stats.SipStatistics;

/**
 * The UDP hot path: the traffic that makes up a call — new and in-dialog requests from clients, responses from
 * nodes — relayed by editing the datagram's bytes (two Vias and the Record-Routes spliced in, own Routes and Vias
 * cut out, Max-Forwards counted down) without jain-sip parsing it. It applies the same {@link SipRules} as {@link SipForwarder}
 * and gives up, before any side effect, on whatever those rules treat specially (heartbeats, scanners, exhausted
 * Max-Forwards, no node, requests from nodes, odd framing); jain-sip and the forwarder then take the message.
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
        RawSipMessage message = RawSipMessage.frame(packet.getData(), packet.getLength(), out.lines);
        if (message == null) {
            return false;
        }
        Side side = this.listeners.side(arrivedOn);
        boolean relayed = (message.request && side == Side.EXTERNAL) ? this.fromClient(message, packet, arrivedOn, out)
                : (!message.request && side == Side.INTERNAL) && this.fromNode(message, packet, out);
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
     * then (the message is ours from there) 100 Trying back and the edited datagram to the node.
     */
    private boolean fromClient(RawSipMessage message, DatagramPacket packet, FastUdpMessageProcessor arrivedOn, Output out) {
        SipBalancerSettings settings = this.rules.settings();
        if (this.needsFullPath(message)) {
            return false;
        }
        int topVia = message.index("via");
        TopVia client = clientVia(message, topVia);
        if (client == null) {
            return false;
        }
        ToNode route = this.route(message);
        if (route == null) {
            return false;
        }
        // from here on the message is ours
        InetAddress source = packet.getAddress();
        String clientVia = client.received(source.getHostAddress(), packet.getPort());
        this.statistics.requestProcessed(message.method, message.length);
        if (settings.sendTrying() && SipRules.getsTrying(message.method)) {
            this.answerTrying(message, topVia, clientVia, client, packet, arrivedOn, out);
        }
        this.writeToNode(message, topVia, clientVia, client, source, route, out);
        // counted before the send: the node's answer may be handled before the send returns
        this.rules.requestSent(route.node(), message.method);
        try {
            route.socket().send(out, route.address(), route.port());
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
                || this.rules.isBlocked(String.valueOf(message.value("user-agent")), message.value("from"), message.value("to"))
                || message.index(INITIAL_REMOTE_ADDR) >= 0 || message.index(INITIAL_REMOTE_PORT) >= 0) {
            return true;
        }
        int maxForwards = message.maxForwards();
        return maxForwards < 0 || (maxForwards == 0 && !"CANCEL".equals(message.method));
    }

    /** The client's single top Via over UDP; null for anything else (several values in one line, TCP, unreadable). */
    private static TopVia clientVia(RawSipMessage message, int topVia) {
        String value = message.value(topVia);
        if (value.indexOf(',') >= 0) {
            return null;
        }
        TopVia client = TopVia.of(value);
        return (client != null && Transport.of(client.transport) == Transport.UDP) ? client : null;
    }

    /**
     * Where the request goes: the node its own Route's hint, its Request-URI or the algorithm names, the node's UDP
     * port and address, and the internal UDP socket; null when the full path must answer (no node, no UDP port or
     * socket, an address that does not resolve) or the Routes are unreadable.
     */
    private ToNode route(RawSipMessage message) {
        boolean[] dropped = new boolean[message.headerCount];
        SipRules.NodeHint hint = this.popOwnRoutes(message, dropped);
        if (hint == NodeHints.UNREADABLE) {
            return null;
        }
        Node node = (hint != null) ? this.rules.liveNode(hint) : this.nodeAddressedDirectly(message);
        if (node == null) {
            node = this.rules.algorithm().processExternalRequest(message);
        }
        OptionalInt nodePort = (node != null) ? node.port(Transport.UDP.nodePortProperty()) : OptionalInt.empty();
        SipListenerSettings external = this.listeners.advertised(Side.EXTERNAL, Transport.UDP);
        SipListenerSettings internal = this.listeners.advertised(Side.INTERNAL, Transport.UDP);
        if (nodePort.isEmpty() || HostAndPort.isIpv6Literal(node.ip()) || !(this.listeners.processor(Side.INTERNAL, Transport.UDP) instanceof FastUdpMessageProcessor toNodes)
                || external.transport() != Transport.UDP || internal.transport() != Transport.UDP) {
            return null;
        }
        try {
            InetAddress address = node.address();
            return new ToNode(node, nodePort.getAsInt(), (address != null) ? address : InetAddress.getByName(node.ip()), toNodes, external, internal, dropped);
        } catch (IOException e) {
            // an address that does not resolve: the full path answers as configured (send-failure-status)
            return null;
        }
    }

    /**
     * The datagram for the node: the balancer's two Vias on top, the client's Via as received, own Routes cut,
     * Max-Forwards counted down, two Record-Routes on a dialog-creating request, and where the client really is.
     */
    private void writeToNode(RawSipMessage message, int topVia, String clientVia, TopVia client, InetAddress source, ToNode route, Output out) {
        String method = message.method;
        Node node = route.node();
        String callId = message.callId();
        out.reset();
        out.write(message.bytes, 0, message.startLineEnd + 2);
        out.header("Via", SipRules.via(route.internal(), SipRules.branch(client.branch, callId, Side.INTERNAL, node.version())));
        out.header("Via", SipRules.via(route.external(), SipRules.branch(client.branch, callId, Side.EXTERNAL, node.version())));
        boolean recordRoute = SipRules.isRecordRouted(method, message.inDialog());
        if (recordRoute) {
            node.callAssigned();
        }
        boolean recordRouted = !recordRoute;
        boolean cancel = "CANCEL".equals(method);
        for (int i = 0; i < message.headerCount; i++) {
            if (route.dropped()[i]) {
                continue;
            }
            String name = message.names[i];
            if (!recordRouted && name.equals("record-route")) {
                out.recordRoutes(route);
                recordRouted = true;
            }
            if (i == topVia) {
                out.header("Via", clientVia);
            } else if (name.equals("max-forwards") && !cancel) {
                out.header("Max-Forwards", Integer.toString(message.maxForwards() - 1));
            } else {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        if (!recordRouted) {
            out.recordRoutes(route);
        }
        if (SipRules.carriesInitialRemote(method, message.length > message.bodyStart)) {
            out.header(SipRules.INITIAL_REMOTE_ADDR, source.getHostAddress());
            out.header(SipRules.INITIAL_REMOTE_PORT, Integer.toString(client.port));
        }
        out.write(message.bytes, message.headersEnd, message.length);
    }

    /** 100 Trying back to the client: its Vias (the top one as received), From, To, Call-ID and CSeq. */
    private void answerTrying(RawSipMessage message, int topVia, String clientVia, TopVia client, DatagramPacket packet, FastUdpMessageProcessor arrivedOn,
            Output out) {
        out.reset();
        out.ascii("SIP/2.0 100 Trying\r\n");
        for (int i = 0; i < message.headerCount; i++) {
            String name = message.names[i];
            if (i == topVia) {
                out.header("Via", clientVia);
            } else if (name.equals("via") || name.equals("from") || name.equals("to") || name.equals("call-id") || name.equals("cseq")) {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        out.ascii("Content-Length: 0\r\n\r\n");
        try {
            arrivedOn.send(out, packet.getAddress(), client.rport ? packet.getPort() : client.port);
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
    private boolean fromNode(RawSipMessage message, DatagramPacket packet, Output out) {
        boolean[] dropped = new boolean[message.headerCount];
        String[] rest = new String[message.headerCount];
        TopVia next = null;
        String ownBranch = null;
        int own = 0;
        for (int i = 0; i < message.headerCount && next == null; i++) {
            if (!message.names[i].equals("via")) {
                continue;
            }
            String value = message.value(i);
            for (int start = 0; start < value.length() && next == null; ) {
                int end = entryEnd(value, start);
                TopVia via = (end < 0) ? null : TopVia.of(value.substring(start, end).trim());
                if (via == null) {
                    return false;
                }
                if (own < 2 && this.rules.isOwn(via.host, via.port)) {
                    if (own++ == 0) {
                        ownBranch = via.branch;
                    }
                    start = end + 1;
                    dropped[i] = start >= value.length();
                    rest[i] = dropped[i] ? null : value.substring(start).trim();
                } else {
                    next = via;
                }
            }
        }
        if (next == null && own > 0 && SipRules.isProbeAnswer(ownBranch)) {
            this.rules.probeAnswered(packet.getAddress().getHostAddress(), packet.getPort());
            return true;
        }
        Node node = (next != null && own > 0) ? this.rules.nodeAt(packet.getAddress(), packet.getPort()) : null;
        if (node == null || Transport.of(next.transport) != Transport.UDP || HostAndPort.isIpv6Literal(next.responseTarget().host())
                || !(this.listeners.processor(Side.EXTERNAL, Transport.UDP) instanceof FastUdpMessageProcessor toClients)) {
            // anything but a registered node's answer through the balancer: the full path's rules decide
            return false;
        }
        this.statistics.responseProcessed(message.statusCode, message.length);
        this.rules.nodeResponded(node, message.statusCode, message);
        out.reset();
        out.write(message.bytes, 0, message.startLineEnd + 2);
        for (int i = 0; i < message.headerCount; i++) {
            if (rest[i] != null) {
                out.header("Via", rest[i]);
            } else if (!dropped[i]) {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        out.write(message.bytes, message.headersEnd, message.length);
        SipRules.HostPort target = next.responseTarget();
        try {
            toClients.send(out, InetAddress.getByName(target.host()), target.port());
        } catch (IOException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(new String(message.bytes, 0, message.startLineEnd, StandardCharsets.UTF_8), e);
        }
        return true;
    }

    /**
     * Marks the leading Route lines that name the balancer and returns the first node hint among them. A line may
     * carry the whole route set, comma-separated, as most user agents send it (sipp's [routes] among them): dropped
     * when every entry names the balancer; a line that names the balancer and then another hop is left to the full
     * path, which rewrites it.
     */
    private SipRules.NodeHint popOwnRoutes(RawSipMessage message, boolean[] dropped) {
        SipRules.NodeHint hint = null;
        for (int i = 0; i < message.headerCount; i++) {
            if (!message.names[i].equals("route")) {
                continue;
            }
            String value = message.value(i);
            int own = 0;
            int entries = 0;
            for (int start = 0; start < value.length(); entries++) {
                int end = entryEnd(value, start);
                if (end < 0) {
                    return NodeHints.UNREADABLE;
                }
                SipUriParts uri = routeUri(value, start, end);
                if (uri == null) {
                    return NodeHints.UNREADABLE;
                }
                if (own == entries && this.rules.isOwnRoute(uri.host, uri.port)) {
                    own++;
                    if (hint == null) {
                        try {
                            hint = SipRules.hint(uri.parameter(SipRules.NODE_HOST), uri.parameter(SipRules.NODE_PORT));
                        } catch (NumberFormatException e) {
                            return NodeHints.UNREADABLE;
                        }
                    }
                }
                start = end + 1;
            }
            if (own == 0) {
                break;
            }
            if (own < entries) {
                return NodeHints.UNREADABLE;
            }
            dropped[i] = true;
        }
        return hint;
    }

    /** Where the route entry starting at from ends: the next comma outside quotes and angle brackets, or the end; -1 if unbalanced. */
    private static int entryEnd(String value, int from) {
        boolean quoted = false;
        boolean bracketed = false;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                bracketed = true;
            } else if (c == '>') {
                bracketed = false;
            } else if (c == ',' && !bracketed) {
                return i;
            }
        }
        return (quoted || bracketed) ? -1 : value.length();
    }

    /** The sip: URI in angle brackets of one route entry; null when it has none. */
    private static SipUriParts routeUri(String value, int from, int to) {
        int open = value.indexOf('<', from);
        int close = (open >= 0) ? value.indexOf('>', open) : -1;
        return (open < 0 || close < 0 || close >= to) ? null : SipUriParts.of(value.substring(open + 1, close));
    }

    private Node nodeAddressedDirectly(RawSipMessage message) {
        SipUriParts uri = SipUriParts.of(message.requestUri());
        return (uri != null) ? this.rules.nodeAddressedDirectly(uri.host, uri.port, uri.explicitPort) : null;
    }

    /** The node a client's request goes to, and the sockets and listeners on the way. */
    private record ToNode(Node node, int port, InetAddress address, FastUdpMessageProcessor socket, SipListenerSettings external, SipListenerSettings internal,
            boolean[] dropped) {
    }

    private static final class NodeHints {
        /** Routes the fast path cannot read: the full path takes the request. */
        static final SipRules.NodeHint UNREADABLE = new SipRules.NodeHint("", -1);
    }

    /** host, port and parameters of a sip: URI; null for anything else. */
    private record SipUriParts(String host, int port, boolean explicitPort, String parameters) {
        static SipUriParts of(String uri) {
            if (!uri.regionMatches(true, 0, "sip:", 0, 4)) {
                return null;
            }
            int semicolon = uri.indexOf(';');
            int question = uri.indexOf('?');
            int end = (semicolon >= 0) ? semicolon : (question >= 0 ? question : uri.length());
            String hostPort = uri.substring(4, end);
            int at = hostPort.lastIndexOf('@');
            if (at >= 0) {
                hostPort = hostPort.substring(at + 1);
            }
            if (hostPort.startsWith("[")) {
                // IPv6 references: the full path knows them
                return null;
            }
            int colon = hostPort.indexOf(':');
            try {
                int port = (colon >= 0) ? Integer.parseInt(hostPort.substring(colon + 1)) : 5060;
                return new SipUriParts((colon >= 0) ? hostPort.substring(0, colon) : hostPort, port, colon >= 0,
                        (semicolon >= 0) ? uri.substring(semicolon) : "");
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** A name=value parameter's value; a scan rather than a split, as it runs for every in-dialog request. */
        String parameter(String name) {
            String parameters = this.parameters;
            for (int start = 0; start < parameters.length(); ) {
                int end = parameters.indexOf(';', start);
                end = (end < 0) ? parameters.length() : end;
                int equals = parameters.indexOf('=', start);
                if (equals > start && equals < end && parameters.substring(start, equals).trim().equalsIgnoreCase(name)) {
                    return parameters.substring(equals + 1, end).trim();
                }
                start = end + 1;
            }
            return null;
        }
    }

    /** The parts of one Via value routing needs. */
    static final class TopVia {
        final String value;
        final String transport;
        final String host;
        final int port;
        final String branch;
        final String received;
        final boolean rport;
        final int rportValue;

        private TopVia(String value, String transport, String host, int port, String branch, String received, boolean rport, int rportValue) {
            this.value = value;
            this.transport = transport;
            this.host = host;
            this.port = port;
            this.branch = branch;
            this.received = received;
            this.rport = rport;
            this.rportValue = rportValue;
        }

        static TopVia of(String value) {
            int space = value.indexOf(' ');
            if (!value.regionMatches(true, 0, "SIP/2.0/", 0, 8) || space < 8) {
                return null;
            }
            String transport = value.substring(8, space).trim().toUpperCase(Locale.ROOT);
            int semicolon = value.indexOf(';', space);
            String sentBy = value.substring(space + 1, (semicolon < 0) ? value.length() : semicolon).trim();
            if (sentBy.startsWith("[")) {
                return null;
            }
            int colon = sentBy.indexOf(':');
            int port;
            try {
                port = (colon >= 0) ? Integer.parseInt(sentBy.substring(colon + 1).trim()) : 5060;
            } catch (NumberFormatException e) {
                return null;
            }
            String host = (colon >= 0) ? sentBy.substring(0, colon).trim() : sentBy;
            String rport = RawSipMessage.parameter(value, "rport");
            int rportValue = 0;
            if (rport != null && !rport.isEmpty()) {
                try {
                    rportValue = Integer.parseInt(rport);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return new TopVia(value, transport, host, port, RawSipMessage.parameter(value, "branch"), RawSipMessage.parameter(value, "received"),
                    rport != null, rportValue);
        }

        /** Where a response to this Via goes, by {@link SipRules#responseTarget}. */
        SipRules.HostPort responseTarget() {
            return SipRules.responseTarget(this.host, this.port, this.received, this.rportValue, Transport.of(this.transport));
        }

        String target() {
            return this.responseTarget().host();
        }

        int targetPort() {
            return this.responseTarget().port();
        }

        /**
         * The Via as a server records it on arrival, as jain-sip does: received= when the client asked for rport or
         * sent from another address than it says, rport= filled in when asked for.
         */
        String received(String sourceAddress, int sourcePort) {
            boolean tagReceived = this.rport || !this.host.equals(sourceAddress);
            if (!tagReceived) {
                return this.value;
            }
            StringBuilder via = new StringBuilder(this.value.length() + 40);
            int semicolon = this.value.indexOf(';');
            via.append(this.value, 0, (semicolon < 0) ? this.value.length() : semicolon);
            boolean receivedWritten = false;
            boolean rportWritten = false;
            if (semicolon >= 0) {
                for (String parameter : this.value.substring(semicolon + 1).split(";")) {
                    String key = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')).trim() : parameter.trim();
                    if (key.equalsIgnoreCase("received")) {
                        via.append(";received=").append(sourceAddress);
                        receivedWritten = true;
                    } else if (key.equalsIgnoreCase("rport")) {
                        via.append(";rport=").append(sourcePort);
                        rportWritten = true;
                    } else {
                        via.append(';').append(parameter);
                    }
                }
            }
            if (!receivedWritten) {
                via.append(";received=").append(sourceAddress);
            }
            if (this.rport && !rportWritten) {
                via.append(";rport=").append(sourcePort);
            }
            return via.toString();
        }
    }

    /** A reusable datagram under construction, and the header offsets of the one received; one per receiving thread. */
    static final class Output {
        final RawSipMessage.Lines lines = new RawSipMessage.Lines();
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

        void write(byte[] bytes, int from, int to) {
            int count = to - from;
            this.ensure(count);
            System.arraycopy(bytes, from, this.buffer, this.length, count);
            this.length += count;
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

        /** The balancer's two Record-Routes, internal side first, as {@link SipRules#recordRouteUri} writes them. */
        private void recordRoutes(ToNode route) {
            this.header("Record-Route", "<" + SipRules.recordRouteUri(route.internal(), route.node(), route.port()) + ">");
            this.header("Record-Route", "<" + SipRules.recordRouteUri(route.external(), route.node(), route.port()) + ">");
        }

        private void ensure(int more) {
            if (this.length + more > this.buffer.length) {
                this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.length + more));
            }
        }
    }
}

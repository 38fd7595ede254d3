package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.SipStatistics;

/**
 * The UDP hot path: the traffic that makes up a call — new and in-dialog requests from clients, responses from
 * nodes — relayed by editing the datagram's bytes (two Vias and the Record-Routes spliced in, own Routes and Vias
 * cut out, Max-Forwards counted down) without jain-sip parsing it. It applies the same rules as {@link SipForwarder}
 * and gives up, before any side effect, on whatever those rules treat specially (heartbeats, scanners, exhausted
 * Max-Forwards, no node, requests from nodes, odd framing); jain-sip and the forwarder then take the message.
 */
final class SipFastPath {

    private static final Set<String> TRYING_METHODS = Set.of("INVITE", "SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "PUBLISH", "UPDATE");
    private static final byte[] CRLF = { '\r', '\n' };
    /** The framer's lower-case names of the balancer's own headers, made once rather than per message. */
    private static final String INITIAL_REMOTE_ADDR = SipForwarder.INITIAL_REMOTE_ADDR.toLowerCase(Locale.ROOT);
    private static final String INITIAL_REMOTE_PORT = SipForwarder.INITIAL_REMOTE_PORT.toLowerCase(Locale.ROOT);

    private final SipListeners listeners;
    private final NodeRegistry registry;
    private final Supplier<BalancerAlgorithm> algorithm;
    private final SipStatistics statistics;
    private final Supplier<SipBalancerSettings> settings;
    private final Supplier<BadNodeDetector> badNodes;
    private final java.util.concurrent.atomic.LongAdder relayed = new java.util.concurrent.atomic.LongAdder();

    SipFastPath(SipListeners listeners, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, SipStatistics statistics,
            Supplier<SipBalancerSettings> settings, Supplier<BadNodeDetector> badNodes) {
        this.listeners = listeners;
        this.registry = registry;
        this.algorithm = algorithm;
        this.statistics = statistics;
        this.settings = settings;
        this.badNodes = badNodes;
    }

    /** Relays the datagram and returns true, or returns false having changed nothing, for the full path to take it. */
    boolean relay(DatagramPacket packet, FastUdpMessageProcessor arrivedOn, Output out) {
        if (this.listeners.singleEntry()) {
            return false;
        }
        RawSipMessage message = RawSipMessage.frame(packet.getData(), packet.getLength());
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

    private boolean fromClient(RawSipMessage message, DatagramPacket packet, FastUdpMessageProcessor arrivedOn, Output out) {
        String method = message.method;
        SipBalancerSettings settings = this.settings.get();
        if ((("OPTIONS".equals(method) || "INFO".equals(method)) && (message.index("mobicents-heartbeat") >= 0 || message.index("restcomm-heartbeat") >= 0))
                || this.isBlocked(message, settings) || message.index(INITIAL_REMOTE_ADDR) >= 0
                || message.index(INITIAL_REMOTE_PORT) >= 0) {
            return false;
        }
        int maxForwards = message.maxForwards();
        boolean cancel = "CANCEL".equals(method);
        if (maxForwards < 0 || (maxForwards == 0 && !cancel)) {
            return false;
        }
        int topVia = message.index("via");
        String topViaValue = message.value(topVia);
        if (topViaValue.indexOf(',') >= 0) {
            return false;
        }
        TopVia client = TopVia.of(topViaValue);
        if (client == null || !"UDP".equals(client.transport)) {
            return false;
        }
        boolean[] dropped = new boolean[message.headerCount];
        NodeHint hint = this.popOwnRoutes(message, dropped);
        if (hint == NodeHint.UNREADABLE) {
            return false;
        }
        Node node = (hint != null) ? this.liveNode(hint.host(), hint.port()) : this.nodeAddressedDirectly(message);
        if (node == null) {
            node = this.algorithm.get().processExternalRequest(message);
        }
        OptionalInt nodePort = (node != null) ? node.port("udpPort") : OptionalInt.empty();
        SipListenerSettings external = this.listeners.advertised(Side.EXTERNAL, "udp");
        SipListenerSettings internal = this.listeners.advertised(Side.INTERNAL, "udp");
        if (nodePort.isEmpty() || !(this.listeners.processor(Side.INTERNAL, "udp") instanceof FastUdpMessageProcessor toNodes)
                || !"UDP".equalsIgnoreCase(external.transport()) || !"UDP".equalsIgnoreCase(internal.transport())) {
            // no node: the full path answers as configured
            return false;
        }
        InetAddress nodeAddress;
        try {
            nodeAddress = InetAddress.getByName(node.ip());
        } catch (IOException e) {
            // an address that does not resolve: the full path answers as configured (send-failure-status)
            return false;
        }
        // from here on the message is ours
        InetAddress source = packet.getAddress();
        String clientVia = client.received(source.getHostAddress(), packet.getPort());
        this.statistics.requestProcessed(method, message.length);
        if (settings.sendTrying() && TRYING_METHODS.contains(method)) {
            this.answerTrying(message, topVia, clientVia, client, packet, arrivedOn, out);
        }
        String callId = message.callId();
        String branch = ((client.branch != null) ? client.branch : "z9hG4bK") + callId.substring(0, Math.min(5, callId.length()));
        out.reset();
        out.write(message.bytes, 0, message.startLineEnd + 2);
        out.via(internal, SipForwarder.token(branch + "zsd_" + node.version()));
        out.via(external, SipForwarder.token(branch + "_" + node.version()));
        boolean recordRoute = ("INVITE".equals(method) || "SUBSCRIBE".equals(method)) && !message.inDialog();
        if (recordRoute) {
            node.callAssigned();
        }
        boolean recordRouted = !recordRoute;
        for (int i = 0; i < message.headerCount; i++) {
            if (dropped[i]) {
                continue;
            }
            String name = message.names[i];
            if (!recordRouted && name.equals("record-route")) {
                out.recordRoute(internal, node, nodePort.getAsInt());
                out.recordRoute(external, node, nodePort.getAsInt());
                recordRouted = true;
            }
            if (i == topVia) {
                out.header("Via", clientVia);
            } else if (name.equals("max-forwards") && !cancel) {
                out.header("Max-Forwards", Integer.toString(maxForwards - 1));
            } else {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        if (!recordRouted) {
            out.recordRoute(internal, node, nodePort.getAsInt());
            out.recordRoute(external, node, nodePort.getAsInt());
        }
        if ("REGISTER".equals(method) || message.length > message.bodyStart) {
            out.header(SipForwarder.INITIAL_REMOTE_ADDR, source.getHostAddress());
            out.header(SipForwarder.INITIAL_REMOTE_PORT, Integer.toString(client.port));
        }
        out.write(message.bytes, message.headersEnd, message.length);
        try {
            toNodes.send(out, nodeAddress, nodePort.getAsInt());
        } catch (IOException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(new String(message.bytes, 0, message.startLineEnd, StandardCharsets.UTF_8), e);
        }
        return true;
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

    /** A node's response: the balancer's two Vias cut, out of the external side to the next Via. */
    private boolean fromNode(RawSipMessage message, DatagramPacket packet, Output out) {
        boolean[] dropped = new boolean[message.headerCount];
        TopVia next = null;
        int own = 0;
        for (int i = 0; i < message.headerCount && next == null; i++) {
            if (!message.names[i].equals("via")) {
                continue;
            }
            String value = message.value(i);
            if (value.indexOf(',') >= 0) {
                return false;
            }
            TopVia via = TopVia.of(value);
            if (via == null) {
                return false;
            }
            if (own < 2 && this.listeners.isOwn(via.host, via.port)) {
                dropped[i] = true;
                own++;
            } else {
                next = via;
            }
        }
        if (next == null || !"UDP".equals(next.transport)
                || !(this.listeners.processor(Side.EXTERNAL, "udp") instanceof FastUdpMessageProcessor toClients)) {
            return false;
        }
        this.statistics.responseProcessed(message.statusCode, message.length);
        this.registry.nodeAt(packet.getAddress().getHostAddress(), packet.getPort()).ifPresent(node -> {
            this.registry.seen(node.name());
            this.badNodes.get().responded(node, message.statusCode);
            this.algorithm.get().processInternalResponse(message, node);
        });
        out.reset();
        out.write(message.bytes, 0, message.startLineEnd + 2);
        for (int i = 0; i < message.headerCount; i++) {
            if (!dropped[i]) {
                out.write(message.bytes, message.lineStart[i], message.lineEnd[i]);
            }
        }
        out.write(message.bytes, message.headersEnd, message.length);
        try {
            toClients.send(out, InetAddress.getByName(next.target()), next.targetPort());
        } catch (IOException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(new String(message.bytes, 0, message.startLineEnd, StandardCharsets.UTF_8), e);
        }
        return true;
    }

    private boolean isBlocked(RawSipMessage message, SipBalancerSettings settings) {
        return settings.blocks(String.valueOf(message.value("user-agent")), message.value("from"), message.value("to"));
    }

    /** Marks the leading Route lines that name the balancer and returns the first node hint among them. */
    private NodeHint popOwnRoutes(RawSipMessage message, boolean[] dropped) {
        NodeHint hint = null;
        for (int i = 0; i < message.headerCount; i++) {
            if (!message.names[i].equals("route")) {
                continue;
            }
            String value = message.value(i);
            int open = value.indexOf('<');
            int close = value.indexOf('>');
            if (open < 0 || close < open || value.indexOf(',') >= 0) {
                return NodeHint.UNREADABLE;
            }
            SipUriParts uri = SipUriParts.of(value.substring(open + 1, close));
            if (uri == null) {
                return NodeHint.UNREADABLE;
            }
            if (!this.listeners.isOwn(uri.host, uri.port)) {
                break;
            }
            dropped[i] = true;
            String nodeHost = uri.parameter(SipForwarder.NODE_HOST);
            String nodePort = uri.parameter(SipForwarder.NODE_PORT);
            if (hint == null && nodeHost != null && nodePort != null) {
                try {
                    hint = new NodeHint(nodeHost, Integer.parseInt(nodePort));
                } catch (NumberFormatException e) {
                    return NodeHint.UNREADABLE;
                }
            }
        }
        return hint;
    }

    private Node liveNode(String host, int port) {
        return SipForwarder.liveNode(this.registry, host, port);
    }

    private Node nodeAddressedDirectly(RawSipMessage message) {
        SipUriParts uri = SipUriParts.of(message.requestUri());
        return (uri != null && uri.explicitPort) ? this.liveNode(uri.host, uri.port) : null;
    }

    private record NodeHint(String host, int port) {
        static final NodeHint UNREADABLE = new NodeHint("", -1);
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

        String parameter(String name) {
            for (String parameter : this.parameters.split(";")) {
                int equals = parameter.indexOf('=');
                if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase(name)) {
                    return parameter.substring(equals + 1).trim();
                }
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

        /** Where a response to this Via goes: received/rport when present (RFC 3581), else sent-by. */
        String target() {
            return (this.received != null && !this.received.isEmpty()) ? this.received : this.host;
        }

        int targetPort() {
            return (this.rportValue > 0) ? this.rportValue : this.port;
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

    /** A reusable datagram under construction; one per receiving thread. */
    static final class Output {
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

        void ascii(String text) {
            this.ensure(text.length() * 3);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(bytes, 0, this.buffer, this.length, bytes.length);
            this.length += bytes.length;
        }

        void header(String name, String value) {
            this.ascii(name);
            this.ascii(": ");
            this.ascii(value);
            this.write(CRLF, 0, 2);
        }

        /** The balancer's Via as jain-sip writes it: {@code SIP/2.0/UDP host:port;branch=...;rport}. */
        void via(SipListenerSettings listener, String branch) {
            this.header("Via", "SIP/2.0/" + listener.transport().toUpperCase(Locale.ROOT) + " " + listener.viaHost() + ":" + listener.viaPort()
                    + ";branch=" + branch + ";rport");
        }

        /** {@code <sip:host:port;node_host=..;node_port=..;version=..;lr>}, as the full path writes it. */
        void recordRoute(SipListenerSettings listener, Node node, int nodePort) {
            this.header("Record-Route", "<sip:" + listener.advertisedHost() + ":" + listener.advertisedPort() + ";" + SipForwarder.NODE_HOST + "=" + node.ip()
                    + ";" + SipForwarder.NODE_PORT + "=" + nodePort + ";" + SipForwarder.VERSION + "=" + node.version() + ";lr>");
        }

        private void ensure(int more) {
            if (this.length + more > this.buffer.length) {
                this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.length + more));
            }
        }
    }
}

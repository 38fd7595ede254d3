package org.restcomm.lb.sip;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.SipMessageView;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * The forwarding rules that the UDP fast path ({@link SipFastPath}) and the full path ({@link SipForwarder}) share,
 * each decided once: which requests get 100 Trying and Record-Route, the balancer's own Routes and their node hint,
 * branches, the text of the Vias and Record-Routes the balancer writes, where a response goes, and what a node's
 * response tells the registry.
 */
final class SipRules {

    static final String NODE_HOST = "node_host";
    static final String NODE_PORT = "node_port";
    static final String VERSION = "version";
    static final String RECORD_ROUTE_NODE_PORT = ";" + NODE_PORT + "=";
    static final String RECORD_ROUTE_VERSION = ";" + VERSION + "=";
    /** What the balancer's Via carries after its branch. */
    static final String VIA_END = ";rport";
    static final String INITIAL_REMOTE_ADDR = "X-Sip-Balancer-InitialRemoteAddr";
    static final String INITIAL_REMOTE_PORT = "X-Sip-Balancer-InitialRemotePort";
    /** The headers that make an OPTIONS or INFO on the internal side a node's heartbeat. */
    static final Set<String> HEARTBEAT_HEADERS = Set.of("Mobicents-Heartbeat", "Restcomm-Heartbeat");
    static final int DEFAULT_MAX_FORWARDS = 70;
    /** Marks the branch of the Via the balancer adds on its internal side. */
    static final String INTERNAL_BRANCH_MARKER = "zsd_";
    private static final Set<String> TRYING_METHODS = Set.of("INVITE", "SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "PUBLISH", "UPDATE");
    /** The headers a scanner is recognised by, as {@link RawSipMessage} names them. */
    private static final String[] SCANNER_HEADERS = { "user-agent", "from", "to" };
    /** What the text comparison sees of a missing header: the full path writes it as "null". */
    private static final byte[] ABSENT = "null".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Set<String> DIALOG_CREATING = Set.of("INVITE", "SUBSCRIBE");
    static final String DEFAULT_BRANCH = "z9hG4bK";
    /** Starts the branch of the balancer's OPTIONS probes: their answers end at the balancer. */
    static final String PROBE_BRANCH = "z9hG4bK-lbprobe-";

    private final SipListeners listeners;
    private final NodeRegistry registry;
    private final Supplier<BalancerAlgorithm> algorithm;
    private volatile SipBalancerSettings settings;
    private volatile BlockedScanners blockedScanners;
    private volatile BadNodeDetector badNodes;
    private final NodeReachability reachability;
    private final Intake intake;

    SipRules(SipListeners listeners, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, SipBalancerSettings settings, Intake intake) {
        this.listeners = listeners;
        this.registry = registry;
        this.algorithm = algorithm;
        this.intake = intake;
        this.reachability = new NodeReachability(registry, System::currentTimeMillis);
        this.reconfigure(settings);
    }

    /** New behaviour (answers, scanners, health detection) for the next message. */
    void reconfigure(SipBalancerSettings settings) {
        SipBalancerSettings.BadNodeDetection detection = settings.badNodeDetection();
        this.badNodes = new BadNodeDetector(this.registry, java.time.Clock.systemUTC(), detection);
        this.blockedScanners = new BlockedScanners(settings.blockedUserAgents());
        this.settings = settings;
    }

    SipBalancerSettings settings() {
        return this.settings;
    }

    SipListeners listeners() {
        return this.listeners;
    }

    BalancerAlgorithm algorithm() {
        return this.algorithm.get();
    }

    /**
     * A client's request that would start new work while the balancer is suspended: anything outside a dialog but ACK
     * and CANCEL, which belong to a transaction already under way.
     */
    boolean refusesNewWork(String method, boolean inDialog) {
        return !this.intake.accepting() && !inDialog && !"ACK".equals(method) && !"CANCEL".equals(method);
    }

    /** Methods the balancer answers with 100 Trying at once, when {@code send-trying} is on. */
    static boolean getsTrying(String method) {
        return TRYING_METHODS.contains(method);
    }

    /** A dialog-creating request outside a dialog: the balancer records its route and assigns the call to a node. */
    static boolean isRecordRouted(String method, boolean inDialog) {
        return DIALOG_CREATING.contains(method) && !inDialog;
    }

    /** REGISTER and requests with a body tell the node where the client really is. */
    static boolean carriesInitialRemote(String method, boolean hasBody) {
        return "REGISTER".equals(method) || hasBody;
    }

    /** An OPTIONS or INFO carrying one of the heartbeat headers (names compared as the caller's lookup does). */
    static boolean isHeartbeat(String method, java.util.function.Predicate<String> hasHeader) {
        return ("OPTIONS".equals(method) || "INFO".equals(method)) && HEARTBEAT_HEADERS.stream().anyMatch(hasHeader);
    }

    /**
     * As {@link #isBlocked(String, String, String)} for a message read in place: its values' bytes, no text made. A
     * value or a header beyond ASCII takes the text comparison, whose lower case maps some letters onto ASCII ones.
     */
    boolean isBlocked(RawSipMessage message) {
        BlockedScanners blocked = this.blockedScanners;
        if (!blocked.any()) {
            return false;
        }
        boolean ascii = blocked.ascii();
        for (int i = 0; i < SCANNER_HEADERS.length && ascii; i++) {
            int index = message.index(SCANNER_HEADERS[i]);
            ascii = index < 0 || SipBytes.isAscii(message.bytes, message.valueStart[index], message.valueEnd[index]);
        }
        if (!ascii) {
            return this.isBlocked(String.valueOf(message.value("user-agent")), message.value("from"), message.value("to"));
        }
        for (String header : SCANNER_HEADERS) {
            int index = message.index(header);
            if ((index >= 0) ? blocked.foundIn(message.bytes, message.valueStart[index], message.valueEnd[index]) : blocked.foundIn(ABSENT, 0, ABSENT.length)) {
                return true;
            }
        }
        return false;
    }

    /** Scanners the settings block, by User-Agent, From or To. */
    boolean isBlocked(String userAgent, String from, String to) {
        return this.settings.blocks(userAgent, from, to);
    }

    /** Whether host:port (5060 when the URI named none) is one of the balancer's own addresses. */
    boolean isOwn(String host, int port) {
        return this.listeners.isOwn(host, port);
    }

    /** Whether a Route names the balancer: one of its own addresses, or its route-hostname. */
    boolean isOwnRoute(String host, int port) {
        return this.isOwn(host, port) || this.settings.routing().namesBalancer(host);
    }

    /**
     * The external listener as the client at this address sees it in Record-Route and Via: behind NAT, the public
     * address (unless an IP load balancer is advertised); for a client on the balancer's own network (a
     * public-address-rules match), the listener's own address, without the IP load balancer.
     */
    SipListenerSettings towardsClient(SipListenerSettings listener, String clientAddress) {
        SipRouting routing = this.settings.routing();
        if (!routing.rewritesAddresses() || clientAddress == null) {
            return listener;
        }
        if (routing.isPrivateClient(clientAddress)) {
            return listener.ownAddress();
        }
        String publicAddress = routing.publicAddressFor(clientAddress);
        return (publicAddress != null && !listener.advertisesIpLoadBalancer()) ? listener.advertising(publicAddress) : listener;
    }

    /** The node hint of one of the balancer's own Routes: its node_host and node_port parameters, null when absent. */
    static NodeHint hint(String nodeHost, String nodePort) {
        return (nodeHost != null && nodePort != null) ? new NodeHint(nodeHost, Integer.parseInt(nodePort)) : null;
    }

    /** The node at host:port while it keeps its work; else null so the algorithm fails the call over. */
    Node liveNode(String host, int port) {
        Node node = this.registry.findNodeAt(host, port);
        return (node != null && node.state().keepsExistingWork()) ? node : null;
    }

    Node liveNode(NodeHint hint) {
        return this.liveNode(hint.host(), hint.port());
    }

    /** A Request-URI naming a node with an explicit port sends the request there while the node lives. */
    Node nodeAddressedDirectly(String host, int port, boolean explicitPort) {
        return explicitPort ? this.liveNode(host, port) : null;
    }

    Optional<Node> nodeAt(String ip, int port) {
        return this.registry.nodeAt(ip, port);
    }

    /** The node a datagram came from, or null. */
    Node nodeAt(InetAddress address, int port) {
        return this.registry.nodeAt(address, port);
    }

    /** A registered node's address: its ip and one of the ports it advertises. */
    boolean isNode(String ip, int port) {
        return this.registry.nodeAt(ip, port).isPresent();
    }

    /** A node or another address of the servers (extra-server-nodes): the cluster's side of a message. */
    boolean isServer(String ip, int port) {
        return this.isNode(ip, port) || this.registry.isExtraServer(ip, port);
    }

    /**
     * Whether a response may be relayed: it passed through the balancer (its own Via was on top), and either comes
     * from the servers (a node, or an extra-server-nodes address) on the internal side, towards a client, or comes from a
     * client and goes next to one of them (the Via
     * after the balancer's names one). Anything else was never asked for by the balancer.
     */
    boolean mayRelayResponse(Side side, boolean fromServer, int ownVias, String nextHost, int nextPort, String received, int rport) {
        if (ownVias == 0) {
            return false;
        }
        if (side == Side.INTERNAL) {
            return fromServer;
        }
        HostPort target = responseTarget(nextHost, nextPort, received, rport, Transport.UDP);
        return this.isServer(target.host(), target.port()) || this.isServer(nextHost, (nextPort > 0) ? nextPort : Transport.UDP.defaultPort());
    }

    /** A response from a node: it counts as a heartbeat, shows the node reachable, feeds bad-node detection, and tells the algorithm. */
    void nodeResponded(Node node, int statusCode, SipMessageView response) {
        this.registry.seen(node.name());
        this.reachability.answered(node);
        this.badNodes.responded(node, statusCode);
        this.algorithm.get().processInternalResponse(response, node);
    }

    /** A request from a node counts as a heartbeat, shows the node reachable and tells the algorithm. */
    void nodeRequested(Node node, SipMessageView request) {
        this.registry.seen(node.name());
        this.reachability.answered(node);
        this.algorithm.get().processInternalRequest(request, node);
    }

    /** Whether a response's own (top) Via branch is one of the balancer's OPTIONS probes. */
    static boolean isProbeAnswer(String branch) {
        return branch != null && branch.startsWith(PROBE_BRANCH);
    }

    /** The answer to an OPTIONS probe, from ip:port: the node is reachable. It ends here. */
    void probeAnswered(String ip, int port) {
        this.registry.nodeAt(ip, port).ifPresent(node -> {
            this.registry.seen(node.name());
            this.reachability.answered(node);
        });
    }

    /**
     * Both paths call this for every request they send to a node: unanswered INVITEs make it unreachable, and
     * unanswered requests of any kind but ACK can make it bad.
     */
    void requestSent(Node node, String method) {
        if ("INVITE".equals(method)) {
            this.reachability.inviteSent(node, this.settings.reachability());
        }
        if (!"ACK".equals(method)) {
            this.badNodes.requestSent(node);
        }
    }

    void probeSent(Node node) {
        this.reachability.probeSent(node);
    }

    /** Sending to a node failed (refused or reset connection): it is unreachable from now on. */
    void sendFailed(Node node, Exception failure) {
        this.reachability.sendFailed(node, failure);
    }

    /** The periodic part of reachability: unanswered INVITEs and probes past node-response-timeout. */
    void checkReachability() {
        this.reachability.check(this.settings.reachability());
    }

    /**
     * How a request from a client that arrived over {@code arrival} goes to the node: over internal-transport when set
     * (null when the node has no port for it); else over the same transport when the
     * node advertises a port for it and the balancer listens on it towards the nodes, a secure one only without
     * terminate-tls; else over the plain transport under it (TCP for TLS, WS for WSS), else UDP. Null when the node
     * advertises none of those on which the balancer listens towards the nodes.
     */
    Leg towardsNode(Node node, Transport arrival) {
        Transport forced = this.settings.routing().internalTransport();
        if (forced != null) {
            OptionalInt port = node.port(forced.nodePortProperty());
            return (port.isPresent() && this.listeners.has(Side.INTERNAL, forced)) ? new Leg(forced, port.getAsInt()) : null;
        }
        Transport transport = (arrival != null) ? arrival : Transport.UDP;
        for (Transport candidate : transport.towardsNode(this.settings.tls().terminate())) {
            OptionalInt port = node.port(candidate.nodePortProperty());
            if (port.isPresent() && this.listeners.has(Side.INTERNAL, candidate)) {
                return new Leg(candidate, port.getAsInt());
            }
        }
        return null;
    }

    /** The node's port for the transport a message arrived on, else its UDP port. */
    static OptionalInt nodePort(Node node, Transport transport) {
        OptionalInt port = (transport != null) ? node.port(transport.nodePortProperty()) : OptionalInt.empty();
        return port.isPresent() ? port : node.port(Transport.UDP.nodePortProperty());
    }

    /**
     * The branch of a Via the balancer adds: the arriving top branch and the Call-ID's first 5 characters, then
     * {@code zsd_<version>} on the internal side or {@code _<version>} on the external one, kept to token characters.
     */
    static String branch(String arrivingBranch, String callId, Side side, String version) {
        String base = ((arrivingBranch != null) ? arrivingBranch : DEFAULT_BRANCH) + callId.substring(0, Math.min(5, callId.length()));
        return token(base + ((side == Side.INTERNAL) ? INTERNAL_BRANCH_MARKER : "_") + version);
    }

    /** Keeps the RFC 3261 token characters a branch may hold; a loop, as a regex here compiled a Pattern per message. */
    static String token(String value) {
        StringBuilder token = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = isTokenChar(c);
            if (!allowed && token == null) {
                token = new StringBuilder(value.length()).append(value, 0, i);
            } else if (allowed && token != null) {
                token.append(c);
            }
        }
        return (token != null) ? token.toString() : value;
    }

    /** The balancer's Via value as jain-sip writes it: {@code SIP/2.0/UDP host:port;branch=...;rport}. */
    static String via(SipListenerSettings listener, String branch) {
        return viaUpToBranch(listener) + branch + VIA_END;
    }

    /** The RFC 3261 token characters, those a branch keeps. */
    static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".!%*_+`'~-".indexOf(c) >= 0;
    }

    /** The balancer's Via up to its branch's value, the same for every message of a listener. */
    static String viaUpToBranch(SipListenerSettings listener) {
        return "SIP/2.0/" + listener.transport().viaName() + " " + HostAndPort.bracketed(listener.viaHost()) + ":" + listener.viaPort() + ";branch=";
    }

    /** The balancer's Record-Route URI: {@code sip:host:port;node_host=..;node_port=..;version=..[;transport=..];lr}. */
    static String recordRouteUri(SipListenerSettings listener, Node node, int nodePort) {
        return recordRouteUpToNode(listener) + node.ip() + RECORD_ROUTE_NODE_PORT + nodePort + RECORD_ROUTE_VERSION + node.version()
                + recordRouteEnd(listener);
    }

    /** The balancer's Record-Route URI up to the node_host value, the same for every message of a listener. */
    static String recordRouteUpToNode(SipListenerSettings listener) {
        return "sip:" + HostAndPort.bracketed(listener.advertisedHost()) + ":" + listener.advertisedPort() + ";" + NODE_HOST + "=";
    }

    /** The balancer's Record-Route URI after the version value: the transport when not UDP, then lr. */
    static String recordRouteEnd(SipListenerSettings listener) {
        return ((listener.transport() != Transport.UDP) ? ";transport=" + listener.transport().parameter() : "") + ";lr";
    }

    /** Where a response to a Via goes: received/rport when present (RFC 3581), else sent-by, else the default port. */
    static HostPort responseTarget(String host, int port, String received, int rport, Transport transport) {
        return new HostPort(responseHost(host, received), responsePort(port, rport, transport));
    }

    /** The host part of {@link #responseTarget}: received when present. */
    static String responseHost(String host, String received) {
        return (received != null && !received.isEmpty()) ? received : host;
    }

    /** The port part of {@link #responseTarget}: rport when filled in, else the Via's port, else the default. */
    static int responsePort(int port, int rport, Transport transport) {
        return (rport > 0) ? rport : (port > 0 ? port : defaultPort(transport));
    }

    static int defaultPort(Transport transport) {
        return (transport != null) ? transport.defaultPort() : Transport.UDP.defaultPort();
    }

    /** The transport a URI's {@code transport=} parameter names, UDP when it names none. */
    static Transport uriTransport(String parameter) {
        return (parameter != null) ? Transport.of(parameter.toLowerCase(Locale.ROOT)) : Transport.UDP;
    }

    record NodeHint(String host, int port) {
    }

    /** The transport and node port a request takes towards a node. */
    record Leg(Transport transport, int port) {
    }

    record HostPort(String host, int port) {
    }
}

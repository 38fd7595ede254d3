package org.restcomm.lb.sip;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.ExtensionHeaderImpl;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.header.RouteList;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.SIPMessageValve;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.SipMessageView;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HeartbeatCommand;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.HeartbeatReply;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.SipStatistics;

/**
 * The stateless forwarding rules, run as jain-sip's message valve so the stack never creates a transaction or a
 * dialog for relayed traffic. Direction comes from the listener a message arrived on.
 */
final class SipForwarder implements SIPMessageValve {

    static final String NODE_HOST = "node_host";
    static final String NODE_PORT = "node_port";
    static final String VERSION = "version";
    static final String INITIAL_REMOTE_ADDR = "X-Sip-Balancer-InitialRemoteAddr";
    static final String INITIAL_REMOTE_PORT = "X-Sip-Balancer-InitialRemotePort";
    static final Set<String> HEARTBEAT_HEADERS = Set.of("Mobicents-Heartbeat", "Restcomm-Heartbeat");
    private static final Set<String> TRYING_METHODS = Set.of(Request.INVITE, Request.SUBSCRIBE, Request.NOTIFY, Request.MESSAGE, Request.REFER, Request.PUBLISH, Request.UPDATE);
    private static final Set<String> DIALOG_CREATING = Set.of(Request.INVITE, Request.SUBSCRIBE);
    private static final int DEFAULT_MAX_FORWARDS = 70;

    private volatile SipBalancerSettings settings;
    private final SipListeners listeners;
    private final NodeRegistry registry;
    private final Supplier<BalancerAlgorithm> algorithm;
    private final HeartbeatProtocol heartbeats;
    private final SipStatistics statistics;
    private volatile BadNodeDetector badNodes;

    SipForwarder(SipBalancerSettings settings, SipListeners listeners, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, HeartbeatProtocol heartbeats,
            SipStatistics statistics) {
        this.settings = settings;
        this.listeners = listeners;
        this.registry = registry;
        this.algorithm = algorithm;
        this.heartbeats = heartbeats;
        this.statistics = statistics;
        this.badNodes = badNodeDetector(registry, settings);
    }

    /** The UDP hot path, applying these rules to the messages it can relay without a full parse. */
    SipFastPath fastPath() {
        return new SipFastPath(this.listeners, this.registry, this.algorithm, this.statistics, () -> this.settings, () -> this.badNodes);
    }

    /** New behaviour (answers, scanners, health detection) for the next message; listeners are not touched. */
    void reconfigure(SipBalancerSettings settings) {
        this.badNodes = badNodeDetector(this.registry, settings);
        this.settings = settings;
    }

    private static BadNodeDetector badNodeDetector(NodeRegistry registry, SipBalancerSettings settings) {
        SipBalancerSettings.BadNodeDetection detection = settings.badNodeDetection();
        return new BadNodeDetector(registry, java.time.Clock.systemUTC(), detection.statusCodes(), detection.maxErrors(), detection.windowMillis());
    }

    @Override
    public void init(SipStack stack) {
    }

    @Override
    public void destroy() {
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        try {
            this.route(request, channel);
        } catch (IOException | ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(request.getFirstLine().trim(), e);
        }
        // relayed statelessly: the stack's transaction layer never sees it
        return false;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        try {
            this.relay((SIPResponse) response, channel);
        } catch (IOException | RuntimeException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed(((SIPResponse) response).getFirstLine().trim(), e);
        }
        return false;
    }

    private void route(SIPRequest request, MessageChannel channel) throws IOException, ParseException, InvalidArgumentException, SipException {
        Side side = this.listeners.singleEntry() ? this.directionOf(request, channel) : this.listeners.side(channel.getMessageProcessor());
        String method = request.getMethod();
        if (side == Side.INTERNAL && !this.listeners.singleEntry() && isHeartbeat(request)) {
            this.heartbeat(request, channel);
            return;
        }
        if (this.isBlocked(request)) {
            return;
        }
        if (!this.countDownMaxForwards(request, channel)) {
            return;
        }
        this.statistics.requestProcessed(method, request.getSize());
        if (side == Side.EXTERNAL) {
            this.fromClient(request, channel);
        } else {
            this.fromNode(request, channel);
        }
    }

    /** Single-entry mode: a request whose top Via (or source) is a known node comes from the cluster. */
    private Side directionOf(SIPRequest request, MessageChannel channel) {
        Via top = request.getTopmostVia();
        int port = (top != null && top.getPort() > 0) ? top.getPort() : MessageProcessor.getDefaultPort(channel.getTransport());
        boolean fromNode = (top != null && this.registry.nodeAt(top.getHost(), port).isPresent())
                || this.registry.nodeAt(channel.getPeerAddress(), channel.getPeerPort()).isPresent()
                // extra-server-nodes name whole servers: any port of theirs is the cluster
                || (top != null && this.registry.nodes().stream().anyMatch(node -> node.isStatic() && (node.ip().equals(top.getHost()) || node.hostName().equals(top.getHost()))));
        return fromNode ? Side.INTERNAL : Side.EXTERNAL;
    }

    /** A request from a client: to the node its route hint, its dialog or the algorithm names. */
    private void fromClient(SIPRequest request, MessageChannel channel) throws IOException, ParseException, InvalidArgumentException, SipException {
        String method = request.getMethod();
        NodeHint hint = this.popOwnRoutes(request);
        SipMessageView view = new JainSipMessageView(request);
        Node node = (hint != null) ? this.liveNode(hint) : this.nodeAddressedDirectly(request);
        if (node == null) {
            node = this.algorithm.get().processExternalRequest(view);
        }
        if (node == null) {
            if (!Request.ACK.equals(method)) {
                this.answer(request, channel, this.settings.noNodeStatus(), this.settings.noNodeReason());
            }
            return;
        }
        if (this.settings.sendTrying() && TRYING_METHODS.contains(method)) {
            this.answer(request, channel, Response.TRYING, null);
        }
        if (Request.REGISTER.equals(method) || request.getContentLength().getContentLength() > 0) {
            request.setHeader(extensionHeader(INITIAL_REMOTE_ADDR, channel.getPeerAddress()));
            request.setHeader(extensionHeader(INITIAL_REMOTE_PORT, Integer.toString(channel.getPeerPort())));
        }
        String transport = channel.getTransport();
        if (DIALOG_CREATING.contains(method) && request.getToTag() == null) {
            node.callAssigned();
            this.addRecordRoute(request, this.listeners.advertised(Side.EXTERNAL, transport), node);
            this.addRecordRoute(request, this.listeners.advertised(Side.INTERNAL, transport), node);
        }
        String branch = branchBase(request);
        this.addVia(request, this.listeners.advertised(Side.EXTERNAL, transport), branch + "_" + node.version());
        this.addVia(request, this.listeners.advertised(Side.INTERNAL, transport), branch + "zsd_" + node.version());
        OptionalInt port = nodePort(node, transport);
        if (port.isEmpty()) {
            this.answer(request, channel, this.settings.noNodeStatus(), this.settings.noNodeReason());
            return;
        }
        try {
            this.send(request, Side.INTERNAL, transport, node.ip(), port.getAsInt());
        } catch (IOException e) {
            this.answerFailure(request, channel, e);
        }
    }

    /** Forwarding failed: the configured 5xx with a Reason header, or silence (and the log) as the original's default. */
    private void answerFailure(SIPRequest request, MessageChannel channel, IOException failure) throws IOException, ParseException, InvalidArgumentException {
        SipBalancerSettings.FailureAnswer answer = this.settings.failureAnswer();
        if (!answer.enabled() || Request.ACK.equals(request.getMethod())) {
            throw failure;
        }
        SIPResponse response = request.createResponse(answer.status(), answer.reason());
        gov.nist.javax.sip.header.Reason reason = new gov.nist.javax.sip.header.Reason();
        reason.setProtocol("SIP");
        reason.setCause(answer.status());
        reason.setText((answer.reason() != null) ? answer.reason() : failure.getMessage());
        response.setHeader(reason);
        channel.sendMessage(response);
        this.statistics.responseProcessed(answer.status(), response.getSize());
    }

    /** A request from a node towards the clients: its own dialog stays on it; the next hop is Route or Request-URI. */
    private void fromNode(SIPRequest request, MessageChannel channel) throws IOException, ParseException, InvalidArgumentException, SipException {
        request.removeHeader(INITIAL_REMOTE_ADDR);
        request.removeHeader(INITIAL_REMOTE_PORT);
        NodeHint hint = this.popOwnRoutes(request);
        Node from = this.registry.nodeAt(channel.getPeerAddress(), channel.getPeerPort())
                .or(() -> (hint != null) ? this.registry.nodeAt(hint.host(), hint.port()) : java.util.Optional.empty())
                .orElse(null);
        String transport = channel.getTransport();
        if (from != null) {
            this.registry.seen(from.name());
            this.algorithm.get().processInternalRequest(new JainSipMessageView(request), from);
            if (DIALOG_CREATING.contains(request.getMethod()) && request.getToTag() == null) {
                this.addRecordRoute(request, this.listeners.advertised(Side.INTERNAL, transport), from);
                this.addRecordRoute(request, this.listeners.advertised(Side.EXTERNAL, transport), from);
            }
        }
        String version = (from != null) ? from.version() : NodeAdvertisement.DEFAULT_VERSION;
        String branch = branchBase(request);
        this.addVia(request, this.listeners.advertised(Side.INTERNAL, transport), branch + "zsd_" + version);
        this.addVia(request, this.listeners.advertised(Side.EXTERNAL, transport), branch + "_" + version);
        Hop hop = nextHop(request);
        if (this.listeners.isOwn(hop.getHost(), hop.getPort())) {
            // still addressed to the balancer: a loop
            return;
        }
        this.send(request, Side.EXTERNAL, hop.getTransport(), hop.getHost(), hop.getPort());
    }

    /** Responses return by Via: drop the balancer's own, send to the next one out of the other side. */
    private void relay(SIPResponse response, MessageChannel channel) throws IOException {
        Side side = this.listeners.side(channel.getMessageProcessor());
        for (int i = 0; i < 2; i++) {
            Via top = response.getTopmostVia();
            if (top != null && this.listeners.isOwn(top.getHost(), top.getPort())) {
                response.removeFirst(Via.NAME);
            }
        }
        Via next = response.getTopmostVia();
        if (next == null) {
            return;
        }
        this.statistics.responseProcessed(response.getStatusCode(), response.getSize());
        if (side == Side.INTERNAL) {
            this.registry.nodeAt(channel.getPeerAddress(), channel.getPeerPort()).ifPresent(node -> {
                this.registry.seen(node.name());
                this.badNodes.responded(node, response.getStatusCode());
                this.algorithm.get().processInternalResponse(new JainSipMessageView(response), node);
            });
        } else {
            this.algorithm.get().processExternalResponse(new JainSipMessageView(response));
        }
        String host = (next.getReceived() != null) ? next.getReceived() : next.getHost();
        int port = (next.getRPort() > 0) ? next.getRPort() : (next.getPort() > 0 ? next.getPort() : MessageProcessor.getDefaultPort(next.getTransport()));
        this.send(response, (side == Side.INTERNAL) ? Side.EXTERNAL : Side.INTERNAL, next.getTransport(), host, port);
    }

    private void heartbeat(SIPRequest request, MessageChannel channel) throws IOException, ParseException, InvalidArgumentException, SipException {
        Properties body = new Properties();
        byte[] content = request.getRawContent();
        if (content != null) {
            body.load(new StringReader(new String(content, java.nio.charset.StandardCharsets.UTF_8)));
        }
        Map<String, String> properties = new HashMap<>();
        body.stringPropertyNames().forEach(key -> properties.put(key, body.getProperty(key).trim()));
        String ip = properties.remove("ip");
        String hostName = properties.remove("hostname");
        properties.putIfAbsent(NodeAdvertisement.VERSION, NodeAdvertisement.DEFAULT_VERSION);
        NodeAdvertisement advertisement = new NodeAdvertisement(hostName, (ip != null && !ip.isBlank()) ? ip : channel.getPeerAddress(), properties);
        HeartbeatReply reply = this.heartbeats.apply(new HeartbeatCommand.Start(advertisement), NodeSource.SIP,
                new InetSocketAddress(channel.getPeerAddress(), channel.getPeerPort()));
        this.answer(request, channel, reply.refused() ? Response.FORBIDDEN : Response.OK, null);
    }

    /** Add 70 when absent, else decrement; 483 when exhausted (never to an ACK). CANCEL keeps its INVITE's value. */
    private boolean countDownMaxForwards(SIPRequest request, MessageChannel channel) throws IOException, InvalidArgumentException, ParseException, SipException {
        MaxForwards maxForwards = (MaxForwards) request.getMaxForwards();
        if (maxForwards == null) {
            MaxForwards added = new MaxForwards();
            added.setMaxForwards(DEFAULT_MAX_FORWARDS);
            request.setHeader(added);
            return true;
        }
        if (Request.CANCEL.equals(request.getMethod())) {
            return true;
        }
        if (maxForwards.getMaxForwards() <= 0) {
            if (!Request.ACK.equals(request.getMethod())) {
                this.answer(request, channel, Response.TOO_MANY_HOPS, null);
            }
            return false;
        }
        maxForwards.decrementMaxForwards();
        return true;
    }

    private boolean isBlocked(SIPRequest request) {
        return this.settings.blocks(String.valueOf(request.getHeader("User-Agent")), String.valueOf(request.getFrom()), String.valueOf(request.getTo()));
    }

    /** Removes the top Route headers that point at the balancer and returns the node hint they carried. */
    private NodeHint popOwnRoutes(SIPRequest request) {
        NodeHint hint = null;
        RouteList routes = request.getRouteHeaders();
        while (routes != null && !routes.isEmpty()) {
            Route route = (Route) routes.getFirst();
            SipURI uri = (SipURI) route.getAddress().getURI();
            int port = (uri.getPort() > 0) ? uri.getPort() : 5060;
            if (!this.listeners.isOwn(uri.getHost(), port)) {
                break;
            }
            String nodeHost = uri.getParameter(NODE_HOST);
            String nodePort = uri.getParameter(NODE_PORT);
            if (hint == null && nodeHost != null && nodePort != null) {
                hint = new NodeHint(nodeHost, Integer.parseInt(nodePort));
            }
            routes.removeFirst();
            if (routes.isEmpty()) {
                request.removeHeader(RouteHeader.NAME);
            }
        }
        return hint;
    }

    /** The node at host:port while it keeps its work; else null so the algorithm fails the call over. */
    static Node liveNode(NodeRegistry registry, String host, int port) {
        return registry.nodeAt(host, port).filter(node -> node.state().keepsExistingWork()).orElse(null);
    }

    private Node liveNode(NodeHint hint) {
        return liveNode(this.registry, hint.host(), hint.port());
    }

    private Node nodeAddressedDirectly(SIPRequest request) {
        URI uri = request.getRequestURI();
        return (uri instanceof SipURI sip && sip.getPort() > 0) ? liveNode(this.registry, sip.getHost(), sip.getPort()) : null;
    }

    private void addRecordRoute(SIPRequest request, SipListenerSettings listener, Node node) throws ParseException, SipException {
        SipUri uri = new SipUri();
        uri.setHost(listener.advertisedHost());
        uri.setPort(listener.advertisedPort());
        uri.setParameter(NODE_HOST, node.ip());
        uri.setParameter(NODE_PORT, Integer.toString(nodePort(node, listener.transport()).orElse(0)));
        uri.setParameter(VERSION, node.version());
        if (!"UDP".equals(listener.transport())) {
            uri.setTransportParam(listener.transport().toLowerCase(Locale.ROOT));
        }
        uri.setLrParam();
        AddressImpl address = new AddressImpl();
        address.setURI(uri);
        RecordRoute recordRoute = new RecordRoute();
        recordRoute.setAddress(address);
        request.addFirst((RecordRouteHeader) recordRoute);
    }

    /** The arriving top branch and the Call-ID's first 5 characters; each side's Via adds its marker and the node version. */
    private static String branchBase(SIPRequest request) {
        Via top = request.getTopmostVia();
        String callId = request.getCallId().getCallId();
        return ((top != null && top.getBranch() != null) ? top.getBranch() : "z9hG4bK") + callId.substring(0, Math.min(5, callId.length()));
    }

    private void addVia(SIPRequest request, SipListenerSettings listener, String branch) throws ParseException, InvalidArgumentException, SipException {
        Via via = new Via();
        via.setHost(listener.viaHost());
        via.setPort(listener.viaPort());
        via.setTransport(listener.transport());
        via.setBranch(token(branch));
        via.setRPort();
        request.addFirst(via);
    }

    /** Keeps the RFC 3261 token characters a branch may hold; a loop, as a regex here compiled a Pattern per message. */
    static String token(String value) {
        StringBuilder token = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".!%*_+`'~-".indexOf(c) >= 0;
            if (!allowed && token == null) {
                token = new StringBuilder(value.length()).append(value, 0, i);
            } else if (allowed && token != null) {
                token.append(c);
            }
        }
        return (token != null) ? token.toString() : value;
    }

    private void answer(SIPRequest request, MessageChannel channel, int status, String reason) throws IOException {
        SIPResponse response = request.createResponse(status, reason);
        channel.sendMessage(response);
        this.statistics.responseProcessed(status, response.getSize());
    }

    private void send(SIPMessage message, Side side, String transport, String host, int port) throws IOException {
        MessageProcessor processor = this.listeners.processor(side, transport);
        MessageChannel channel = processor.createMessageChannel(InetAddress.getByName(host), port);
        channel.sendMessage(message);
    }

    private static ExtensionHeaderImpl extensionHeader(String name, String value) {
        ExtensionHeaderImpl header = new ExtensionHeaderImpl(name);
        header.setValue(value);
        return header;
    }

    private static boolean isHeartbeat(SIPRequest request) {
        String method = request.getMethod();
        if (!Request.OPTIONS.equals(method) && !Request.INFO.equals(method)) {
            return false;
        }
        return HEARTBEAT_HEADERS.stream().anyMatch(name -> request.getHeader(name) != null);
    }

    private static OptionalInt nodePort(Node node, String transport) {
        OptionalInt port = node.port(transport.toLowerCase(Locale.ROOT) + "Port");
        return port.isPresent() ? port : node.port("udpPort");
    }

    /** Route first (loose routing), else the Request-URI; transport from the URI, UDP when absent. */
    private static Hop nextHop(SIPRequest request) {
        URI target = request.getRequestURI();
        RouteList routes = request.getRouteHeaders();
        if (routes != null && !routes.isEmpty()) {
            target = ((Route) routes.getFirst()).getAddress().getURI();
        }
        SipURI sip = (SipURI) target;
        String transport = (sip.getTransportParam() != null) ? sip.getTransportParam().toUpperCase(Locale.ROOT) : "UDP";
        int port = (sip.getPort() > 0) ? sip.getPort() : MessageProcessor.getDefaultPort(transport);
        return new gov.nist.javax.sip.stack.HopImpl(sip.getHost(), port, transport);
    }

    record NodeHint(String host, int port) {
    }

}

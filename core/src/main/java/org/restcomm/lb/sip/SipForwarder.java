package org.restcomm.lb.sip;

import java.io.IOException;
import java.io.StringReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.ExtensionHeaderImpl;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.RecordRouteList;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.header.RouteList;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.RecordRouteParser;
import gov.nist.javax.sip.parser.ViaParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.SIPMessageValve;
import org.restcomm.lb.algorithm.SipMessageView;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HeartbeatCommand;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.HeartbeatReply;
import org.restcomm.lb.node.HostAndPort;
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

    /** A request whose node cannot be reached tries this many nodes in all before the client hears of the failure. */
    private static final int MAX_SEND_ATTEMPTS = 3;
    private static final String SUSPENDED = "Load Balancer Suspended";

    private final SipRules rules;
    private final SipListeners listeners;
    private final NodeRegistry registry;
    private final HeartbeatProtocol heartbeats;
    private final SipStatistics statistics;

    SipForwarder(SipRules rules, NodeRegistry registry, HeartbeatProtocol heartbeats, SipStatistics statistics) {
        this.rules = rules;
        this.listeners = rules.listeners();
        this.registry = registry;
        this.heartbeats = heartbeats;
        this.statistics = statistics;
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
        if (side == Side.INTERNAL && !this.listeners.singleEntry() && SipRules.isHeartbeat(method, name -> request.getHeader(name) != null)) {
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

    /** Single-entry mode: a request whose top Via (or source) is a known node, or an extra-server-nodes entry, comes from the cluster. */
    private Side directionOf(SIPRequest request, MessageChannel channel) {
        Via top = request.getTopmostVia();
        int port = (top != null && top.getPort() > 0) ? top.getPort() : SipRules.defaultPort(Transport.of(channel.getTransport()));
        boolean fromServer = (top != null && this.rules.isServer(top.getHost(), port)) || this.rules.isServer(channel.getPeerAddress(), channel.getPeerPort());
        return fromServer ? Side.INTERNAL : Side.EXTERNAL;
    }

    /** A request from a client: to the node its route hint, its dialog or the algorithm names. */
    private void fromClient(SIPRequest request, MessageChannel channel) throws IOException, ParseException, InvalidArgumentException, SipException {
        String method = request.getMethod();
        SipBalancerSettings settings = this.rules.settings();
        if (this.rules.refusesNewWork(method, request.getToTag() != null)) {
            this.answer(request, channel, Response.SERVICE_UNAVAILABLE, SUSPENDED);
            return;
        }
        SipRules.NodeHint hint = this.popOwnRoutes(request);
        boolean overIpv6 = overIpv6(channel);
        SipMessageView view = new JainSipMessageView(request, overIpv6);
        Node node = (hint != null) ? this.rules.liveNode(hint) : this.nodeAddressedDirectly(request);
        if (node == null) {
            node = this.rules.algorithm().processExternalRequest(view);
        }
        if (node == null) {
            if (!Request.ACK.equals(method)) {
                this.answer(request, channel, settings.noNodeStatus(), settings.noNodeReason());
            }
            return;
        }
        if (settings.sendTrying() && SipRules.getsTrying(method)) {
            this.answer(request, channel, Response.TRYING, null);
        }
        if (SipRules.carriesInitialRemote(method, request.getContentLength().getContentLength() > 0)) {
            request.setHeader(extensionHeader(SipRules.INITIAL_REMOTE_ADDR, channel.getPeerAddress()));
            request.setHeader(extensionHeader(SipRules.INITIAL_REMOTE_PORT, Integer.toString(channel.getPeerPort())));
        }
        Transport arrival = Transport.of(channel.getTransport());
        boolean recordRouted = SipRules.isRecordRouted(method, request.getToTag() != null);
        IOException failure = null;
        for (int attempt = 0; node != null && attempt < MAX_SEND_ATTEMPTS; attempt++) {
            SipRules.Leg leg = this.rules.towardsNode(node, arrival);
            if (leg == null) {
                this.answer(request, channel, settings.noNodeStatus(), settings.noNodeReason());
                return;
            }
            // each side's Record-Route and Via name the transport used on that side: TLS to the client, maybe TCP to the node
            SipListenerSettings towardsClient = this.rules.towardsClient(this.listeners.advertised(Side.EXTERNAL, arrival, overIpv6), channel.getPeerAddress());
            if (recordRouted) {
                node.callAssigned();
                this.addRecordRoute(request, towardsClient, node, leg.port());
                this.addRecordRoute(request, this.listeners.advertised(Side.INTERNAL, leg.transport(), HostAndPort.isIpv6Literal(node.ip())), node, leg.port());
            }
            String arriving = topBranch(request);
            this.addVia(request, towardsClient, arriving, Side.EXTERNAL, node.version());
            this.addVia(request, this.listeners.advertised(Side.INTERNAL, leg.transport(), HostAndPort.isIpv6Literal(node.ip())), arriving, Side.INTERNAL, node.version());
            // counted before the send: the node's answer may be handled before the send returns
            this.rules.requestSent(node, method);
            try {
                this.send(request, Side.INTERNAL, leg.transport(), node.ip(), leg.port());
                return;
            } catch (IOException e) {
                // a refused or reset connection: the node is unreachable, and the request goes to a live node instead
                failure = e;
                this.rules.sendFailed(node, e);
                this.removeOwnHeaders(request, recordRouted);
                node = this.rules.algorithm().processExternalRequest(view);
            }
        }
        this.answerFailure(request, channel, failure);
    }

    /** Takes back the two Vias and Record-Routes added for a node the request could not be sent to. */
    private void removeOwnHeaders(SIPRequest request, boolean recordRouted) {
        request.removeFirst(Via.NAME);
        request.removeFirst(Via.NAME);
        if (recordRouted) {
            request.removeFirst(RecordRouteHeader.NAME);
            request.removeFirst(RecordRouteHeader.NAME);
        }
    }

    /** Forwarding failed: the configured 5xx with a Reason header, or silence (and the log) as the original's default. */
    private void answerFailure(SIPRequest request, MessageChannel channel, IOException failure) throws IOException, ParseException, InvalidArgumentException {
        SipBalancerSettings.FailureAnswer answer = this.rules.settings().failureAnswer();
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
        request.removeHeader(SipRules.INITIAL_REMOTE_ADDR);
        request.removeHeader(SipRules.INITIAL_REMOTE_PORT);
        SipRules.NodeHint hint = this.popOwnRoutes(request);
        Node from = this.rules.nodeAt(channel.getPeerAddress(), channel.getPeerPort())
                .or(() -> (hint != null) ? this.rules.nodeAt(hint.host(), hint.port()) : java.util.Optional.empty())
                .orElse(null);
        Transport arrival = Transport.of(channel.getTransport());
        NextHop hop = nextHop(request);
        SipListenerSettings towardsClient = this.rules.towardsClient(this.listeners.advertised(Side.EXTERNAL, hop.transport(), HostAndPort.isIpv6Literal(hop.host())),
                hop.host());
        if (from != null) {
            this.rules.nodeRequested(from, new JainSipMessageView(request));
            if (SipRules.isRecordRouted(request.getMethod(), request.getToTag() != null)) {
                int nodePort = SipRules.nodePort(from, arrival).orElse(0);
                this.addRecordRoute(request, this.listeners.advertised(Side.INTERNAL, arrival, overIpv6(channel)), from, nodePort);
                this.addRecordRoute(request, towardsClient, from, nodePort);
                this.contactTowardsClient(request, towardsClient, hop.host());
            }
        }
        String version = (from != null) ? from.version() : NodeAdvertisement.DEFAULT_VERSION;
        String arriving = topBranch(request);
        this.addVia(request, this.listeners.advertised(Side.INTERNAL, arrival, overIpv6(channel)), arriving, Side.INTERNAL, version);
        this.addVia(request, towardsClient, arriving, Side.EXTERNAL, version);
        if (this.rules.isOwn(hop.host(), hop.port())) {
            // still addressed to the balancer: a loop
            return;
        }
        this.send(request, Side.EXTERNAL, hop.transport(), hop.host(), hop.port());
    }

    /** Responses return by Via: drop the balancer's own, send to the next one out of the other side. */
    private void relay(SIPResponse response, MessageChannel channel) throws IOException {
        boolean fromServer = this.rules.isServer(channel.getPeerAddress(), channel.getPeerPort());
        Side side = this.listeners.singleEntry() ? (fromServer ? Side.INTERNAL : Side.EXTERNAL) : this.listeners.side(channel.getMessageProcessor());
        Via first = response.getTopmostVia();
        String ownBranch = (first != null) ? first.getBranch() : null;
        int own = 0;
        for (int i = 0; i < 2; i++) {
            Via top = response.getTopmostVia();
            if (top != null && this.rules.isOwn(top.getHost(), top.getPort())) {
                response.removeFirst(Via.NAME);
                own++;
            }
        }
        Via next = response.getTopmostVia();
        if (next == null && own > 0 && SipRules.isProbeAnswer(ownBranch)) {
            this.rules.probeAnswered(channel.getPeerAddress(), channel.getPeerPort());
            return;
        }
        boolean relayable = next != null && this.rules.mayRelayResponse(side, fromServer, own, next.getHost(), next.getPort(), next.getReceived(), next.getRPort());
        if (!relayable && side == Side.EXTERNAL && own == 2 && next != null && this.failOver(response, next)) {
            relayable = this.rules.mayRelayResponse(side, fromServer, own, next.getHost(), next.getPort(), next.getReceived(), next.getRPort());
        }
        if (!relayable) {
            // a response the balancer never asked for: relaying it would make the balancer a reflector
            this.statistics.malformedMessage();
            return;
        }
        this.statistics.responseProcessed(response.getStatusCode(), response.getSize());
        if (side == Side.INTERNAL) {
            this.rules.nodeAt(channel.getPeerAddress(), channel.getPeerPort())
                    .ifPresent(node -> this.rules.nodeResponded(node, response.getStatusCode(), new JainSipMessageView(response)));
        } else {
            this.rules.algorithm().processExternalResponse(new JainSipMessageView(response));
        }
        Transport transport = Transport.of(next.getTransport());
        SipRules.HostPort target = SipRules.responseTarget(next.getHost(), next.getPort(), next.getReceived(), next.getRPort(), transport);
        if (side == Side.INTERNAL && response.getRecordRouteHeaders() != null && SipRules.isRecordRouted(response.getCSeq().getMethod(), false)) {
            this.contactTowardsClient(response, this.rules.towardsClient(this.listeners.advertised(Side.EXTERNAL, transport, HostAndPort.isIpv6Literal(target.host())), target.host()), target.host());
        }
        this.send(response, (side == Side.INTERNAL) ? Side.EXTERNAL : Side.INTERNAL, transport, target.host(), target.port());
    }

    /**
     * Behind NAT (public-address) a node's Contact in a dialog the balancer record-routes names the balancer's public
     * address, as the original did, so a client that targets the Contact still reaches the balancer.
     */
    private void contactTowardsClient(SIPMessage message, SipListenerSettings towardsClient, String clientAddress) {
        if (this.rules.settings().routing().publicAddressFor(clientAddress) == null) {
            return;
        }
        ContactList contacts = message.getContactHeaders();
        if (contacts == null || contacts.isEmpty() || !(((Contact) contacts.getFirst()).getAddress().getURI() instanceof SipURI uri)) {
            return;
        }
        try {
            uri.setHost(towardsClient.advertisedHost());
            uri.setPort(towardsClient.advertisedPort());
        } catch (ParseException e) {
            throw new IllegalStateException("public-address is checked to be an IP address", e);
        }
    }

    /**
     * Ringing failover: a client answers (180, 200, ...) a request that a node sent out through both of the balancer's
     * sides, and that node is gone. The answer goes to the node the algorithm now gives the call, as a request of the
     * call would, by rewriting the node's Via; false, and the answer is dropped, without a live node.
     */
    private boolean failOver(SIPResponse response, Via nodeVia) {
        Node node = this.rules.algorithm().processExternalRequest(new JainSipMessageView(response));
        if (node == null) {
            return false;
        }
        Transport transport = Transport.of(nodeVia.getTransport());
        int port = SipRules.nodePort(node, transport).orElse(0);
        if (port == 0) {
            return false;
        }
        LoadBalancerLogger.ROOT_LOGGER.ringingFailover(response.getStatusCode(), nodeVia.getHost(), nodeVia.getPort(), node.name());
        try {
            nodeVia.setHost(node.ip());
            nodeVia.setPort(port);
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("a registered node's address is always a valid Via host", e);
        }
        nodeVia.removeParameter("received");
        nodeVia.removeParameter("rport");
        return true;
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
            added.setMaxForwards(SipRules.DEFAULT_MAX_FORWARDS);
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
        return this.rules.isBlocked(String.valueOf(request.getHeader("User-Agent")), String.valueOf(request.getFrom()), String.valueOf(request.getTo()));
    }

    /** Removes the top Route headers that point at the balancer and returns the node hint they carried. */
    private SipRules.NodeHint popOwnRoutes(SIPRequest request) {
        SipRules.NodeHint hint = null;
        RouteList routes = request.getRouteHeaders();
        while (routes != null && !routes.isEmpty()) {
            Route route = (Route) routes.getFirst();
            SipURI uri = (SipURI) route.getAddress().getURI();
            int port = (uri.getPort() > 0) ? uri.getPort() : 5060;
            if (!this.rules.isOwnRoute(uri.getHost(), port)) {
                break;
            }
            if (hint == null) {
                hint = SipRules.hint(uri.getParameter(SipRules.NODE_HOST), uri.getParameter(SipRules.NODE_PORT));
            }
            routes.removeFirst();
            if (routes.isEmpty()) {
                request.removeHeader(RouteHeader.NAME);
            }
        }
        return hint;
    }

    private Node nodeAddressedDirectly(SIPRequest request) {
        URI uri = request.getRequestURI();
        return (uri instanceof SipURI sip) ? this.rules.nodeAddressedDirectly(sip.getHost(), sip.getPort(), sip.getPort() > 0) : null;
    }

    /** The Record-Route text of {@link SipRules#recordRouteUri}, parsed into the request's header list. */
    private void addRecordRoute(SIPRequest request, SipListenerSettings listener, Node node, int nodePort) throws ParseException, SipException {
        String uri = SipRules.recordRouteUri(listener, node, nodePort);
        RecordRoute recordRoute = (RecordRoute) ((RecordRouteList) new RecordRouteParser("Record-Route: <" + uri + ">\n").parse()).getFirst();
        request.addFirst((RecordRouteHeader) recordRoute);
    }

    /** The branch of the request's top Via as it arrived; both of the balancer's Vias are made from it, as the original's are. */
    private static String topBranch(SIPRequest request) {
        Via top = request.getTopmostVia();
        return (top != null) ? top.getBranch() : null;
    }

    /** The Via text of {@link SipRules#via}, parsed, with the branch {@link SipRules#branch} gives for the side. */
    private void addVia(SIPRequest request, SipListenerSettings listener, String arrivingBranch, Side side, String version) throws ParseException, SipException {
        String branch = SipRules.branch(arrivingBranch, request.getCallId().getCallId(), side, version);
        Via via = (Via) ((ViaList) new ViaParser("Via: " + SipRules.via(listener, branch) + "\n").parse()).getFirst();
        request.addFirst(via);
    }

    private void answer(SIPRequest request, MessageChannel channel, int status, String reason) throws IOException {
        SIPResponse response = request.createResponse(status, reason);
        channel.sendMessage(response);
        this.statistics.responseProcessed(status, response.getSize());
    }

    private void send(SIPMessage message, Side side, Transport transport, String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        // out of the listener of the peer's own family: an IPv4 socket cannot reach an IPv6 peer
        MessageProcessor processor = this.listeners.processor(side, transport, address instanceof Inet6Address);
        MessageChannel channel = processor.createMessageChannel(address, port);
        channel.sendMessage(message);
    }

    /** Whether the message arrived on an IPv6 listener. */
    private static boolean overIpv6(MessageChannel channel) {
        return channel.getMessageProcessor().getIpAddress() instanceof Inet6Address;
    }

    private static ExtensionHeaderImpl extensionHeader(String name, String value) {
        ExtensionHeaderImpl header = new ExtensionHeaderImpl(name);
        header.setValue(value);
        return header;
    }

    /** Route first (loose routing), else the Request-URI; transport from the URI, UDP when absent (TLS for sips:). */
    private static NextHop nextHop(SIPRequest request) {
        URI target = request.getRequestURI();
        RouteList routes = request.getRouteHeaders();
        if (routes != null && !routes.isEmpty()) {
            target = ((Route) routes.getFirst()).getAddress().getURI();
        }
        SipURI sip = (SipURI) target;
        // a sips: URI without a transport parameter means TLS (RFC 3261, 26.2)
        Transport transport = (sip.isSecure() && sip.getTransportParam() == null) ? Transport.TLS : SipRules.uriTransport(sip.getTransportParam());
        int port = (sip.getPort() > 0) ? sip.getPort() : SipRules.defaultPort(transport);
        return new NextHop(sip.getHost(), port, transport);
    }

    private record NextHop(String host, int port, Transport transport) {
    }

}

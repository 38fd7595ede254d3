package org.restcomm.lb.algorithm;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.restcomm.lb.node.Node;

/**
 * Stateless: hashes an affinity value over the newest-version nodes that take work, so a SIP call and the HTTP
 * requests carrying the same value land on one node (sipHeaderAffinityKey: Call-ID, from.user, to.user or a
 * header name; httpAffinityKey: a query parameter, appsession by default).
 */
public class HeaderConsistentHashAlgorithm implements BalancerAlgorithm {

    public static final String SIP_AFFINITY_KEY = "sipHeaderAffinityKey";
    public static final String HTTP_AFFINITY_KEY = "httpAffinityKey";
    public static final String DEFAULT_SIP_AFFINITY_KEY = "Call-ID";
    public static final String DEFAULT_HTTP_AFFINITY_KEY = "appsession";

    private final AtomicInteger roundRobin = new AtomicInteger();
    private CandidateNodes candidates;
    private volatile String sipAffinityKey = DEFAULT_SIP_AFFINITY_KEY;
    private volatile String httpAffinityKey = DEFAULT_HTTP_AFFINITY_KEY;

    @Override
    public void start(AlgorithmContext context) {
        this.candidates = new CandidateNodes(context.registry());
        this.configurationChanged(context);
    }

    @Override
    public void configurationChanged(AlgorithmContext context) {
        this.sipAffinityKey = context.property(SIP_AFFINITY_KEY, DEFAULT_SIP_AFFINITY_KEY);
        this.httpAffinityKey = context.property(HTTP_AFFINITY_KEY, DEFAULT_HTTP_AFFINITY_KEY);
    }

    @Override
    public Node processExternalRequest(SipMessageView request) {
        String value = this.sipAffinityValue(request);
        return this.sipNodeFor((value != null) ? value : request.callId(), request.overIpv6());
    }

    @Override
    public Node processHttpRequest(HttpRequestView request) {
        String value = request.queryParameter(this.httpAffinityKey);
        if (value != null) {
            return this.httpNodeFor(value);
        }
        List<Node> candidates = this.candidates.http();
        return candidates.isEmpty() ? null : candidates.get(Math.floorMod(this.roundRobin.getAndIncrement(), candidates.size()));
    }

    /** The node a SIP affinity value hashes to, among the nodes of the client's address family taking new work. */
    protected Node sipNodeFor(String value, boolean ipv6) {
        return RendezvousHash.choose(value, this.candidates.sip(ipv6));
    }

    /** The node an HTTP affinity value hashes to; a converged node is in both lists, so a call and its appsession meet there. */
    protected Node httpNodeFor(String value) {
        return RendezvousHash.choose(value, this.candidates.http());
    }

    CandidateNodes candidates() {
        return this.candidates;
    }

    private String sipAffinityValue(SipMessageView request) {
        switch (this.sipAffinityKey.toLowerCase(Locale.ROOT)) {
            case "call-id":
                return request.callId();
            case "from.user":
                return request.fromUser();
            case "to.user":
                return request.toUser();
            default:
                return request.header(this.sipAffinityKey);
        }
    }
}

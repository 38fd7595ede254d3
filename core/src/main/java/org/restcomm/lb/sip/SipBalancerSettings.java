package org.restcomm.lb.sip;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;

/** Behaviour of the SIP engine, from {@code sip=default} and its listeners. */
public record SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
        List<String> blockedUserAgents, Map<String, String> stackProperties, BadNodeDetection badNodeDetection, FailureAnswer failureAnswer,
        StreamConnections streamConnections, Reachability reachability, Tls tls, SipRouting routing) {

    /**
     * TLS and WSS beyond each listener's own SSLContext: whether a secure request goes to the nodes over a plain
     * transport ({@code terminate-tls}, the original's terminateTLSTraffic), the client context the balancer verifies
     * the nodes' certificates with ({@code backend-ssl-context}; null trusts any, as the original's DisabledAll), and
     * how long a TLS handshake may take before the connection is closed and counted.
     */
    public record Tls(boolean terminate, SSLContext backendSslContext, long handshakeTimeoutMillis) {
        public static final Tls DEFAULT = new Tls(false, null, 10_000);
    }

    /**
     * How the balancer keeps the connections clients and nodes open to its TCP and WebSocket listeners: one that sends
     * no whole message within the first-message timeout is closed (slowloris); one that carries no traffic for the idle
     * timeout is closed, unless a registration made through it is still alive; the accept backlog takes a burst; one
     * whose peer takes no bytes is cut once max-queued-bytes wait for it or its queue has not shrunk for the write-stall
     * timeout.
     */
    public record StreamConnections(long idleTimeoutMillis, long firstMessageTimeoutMillis, int acceptBacklog, long maxQueuedBytes, long writeStallTimeoutMillis) {
        public static final StreamConnections DEFAULT = new StreamConnections(600_000, 10_000, 4096, 1 << 20, 30_000);
    }

    /**
     * When a node counts as unreachable: {@code unansweredInvites} INVITEs in a row without any answer from the node
     * within {@code responseTimeoutMillis} (node-response-timeout), or {@code probeFailures} OPTIONS probes in a row
     * left unanswered when {@code probeIntervalMillis} (probe-interval) is above 0, as Kamailio's ds_ping_interval and
     * ds_probing_threshold.
     */
    public record Reachability(long responseTimeoutMillis, int unansweredInvites, long probeIntervalMillis, int probeFailures) {
        /** INVITEs without an answer that make a node unreachable: few, so a dead node loses little traffic. */
        public static final int UNANSWERED_INVITES = 3;
        public static final Reachability DEFAULT = new Reachability(1000, UNANSWERED_INVITES, 0, 3);

        public boolean probing() {
            return this.probeIntervalMillis > 0;
        }
    }

    /** Settings with the default stream connection handling, reachability detection and TLS behaviour. */
    public SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
            List<String> blockedUserAgents, Map<String, String> stackProperties, BadNodeDetection badNodeDetection, FailureAnswer failureAnswer) {
        this(listeners, sendTrying, noNodeStatus, noNodeReason, blockedUserAgents, stackProperties, badNodeDetection, failureAnswer, StreamConnections.DEFAULT,
                Reachability.DEFAULT);
    }

    /** Settings with the default TLS behaviour. */
    public SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
            List<String> blockedUserAgents, Map<String, String> stackProperties, BadNodeDetection badNodeDetection, FailureAnswer failureAnswer,
            StreamConnections streamConnections, Reachability reachability) {
        this(listeners, sendTrying, noNodeStatus, noNodeReason, blockedUserAgents, stackProperties, badNodeDetection, failureAnswer, streamConnections,
                reachability, Tls.DEFAULT, SipRouting.DEFAULT);
    }

    /** The same behaviour with other listeners. */
    public SipBalancerSettings withListeners(List<SipListenerSettings> listeners) {
        return new SipBalancerSettings(listeners, this.sendTrying, this.noNodeStatus, this.noNodeReason, this.blockedUserAgents, this.stackProperties,
                this.badNodeDetection, this.failureAnswer, this.streamConnections, this.reachability, this.tls, this.routing);
    }

    /** The same behaviour with other reachability detection. */
    public SipBalancerSettings withReachability(Reachability reachability) {
        return new SipBalancerSettings(this.listeners, this.sendTrying, this.noNodeStatus, this.noNodeReason, this.blockedUserAgents, this.stackProperties,
                this.badNodeDetection, this.failureAnswer, this.streamConnections, reachability, this.tls, this.routing);
    }

    /** The same behaviour with other TLS settings. */
    public SipBalancerSettings withTls(Tls tls) {
        return new SipBalancerSettings(this.listeners, this.sendTrying, this.noNodeStatus, this.noNodeReason, this.blockedUserAgents, this.stackProperties,
                this.badNodeDetection, this.failureAnswer, this.streamConnections, this.reachability, tls, this.routing);
    }

    /** The same behaviour with other routing (forced internal transport, route host name, NAT). */
    public SipBalancerSettings withRouting(SipRouting routing) {
        return new SipBalancerSettings(this.listeners, this.sendTrying, this.noNodeStatus, this.noNodeReason, this.blockedUserAgents, this.stackProperties,
                this.badNodeDetection, this.failureAnswer, this.streamConnections, this.reachability, this.tls, routing);
    }

    /** isSend5xxResponse and its status and Reason of the original: what a client hears when forwarding fails. */
    public record FailureAnswer(int status, String reason) {
        /** Stay silent, as the original did by default. */
        public static final FailureAnswer NONE = new FailureAnswer(0, null);

        public boolean enabled() {
            return this.status > 0;
        }
    }

    public static final List<String> DEFAULT_BLOCKED_USER_AGENTS = List.of("sipvicious", "sipcli", "friendly-scanner");

    /**
     * responsesStatusCodeNodeRemoval, maxNumberResponsesWithError and maxErrorTime of the original; and its
     * maxRequestNumberWithoutResponse and maxResponseTime (0 requests: unanswered requests are not judged).
     */
    public record BadNodeDetection(Set<Integer> statusCodes, int maxErrors, long windowMillis, int maxUnansweredRequests, long responseTimeMillis) {
        public static final BadNodeDetection DEFAULT = new BadNodeDetection(Set.of(503), 5, 300_000);

        public BadNodeDetection {
            statusCodes = Set.copyOf(statusCodes);
        }

        /** Error statuses only; a node is never judged by the requests it leaves unanswered. */
        public BadNodeDetection(Set<Integer> statusCodes, int maxErrors, long windowMillis) {
            this(statusCodes, maxErrors, windowMillis, 0, 0);
        }

        /** The same error statuses, and unanswered requests judged too (0 requests: not judged). */
        public BadNodeDetection withUnansweredRequests(int maxUnansweredRequests, long responseTimeMillis) {
            return new BadNodeDetection(this.statusCodes, this.maxErrors, this.windowMillis, maxUnansweredRequests, responseTimeMillis);
        }
    }

    public SipBalancerSettings {
        listeners = List.copyOf(listeners);
        blockedUserAgents = List.copyOf(blockedUserAgents);
        stackProperties = Map.copyOf(stackProperties);
    }

    /** The guide's behaviour with the correct SIP answer when no node is available. */
    public static SipBalancerSettings defaults(List<SipListenerSettings> listeners) {
        return new SipBalancerSettings(listeners, true, 503, "Service Unavailable", DEFAULT_BLOCKED_USER_AGENTS, Map.of(), BadNodeDetection.DEFAULT, FailureAnswer.NONE);
    }

    /** Whether a request with these User-Agent, From and To texts comes from a blocked scanner (case-insensitive). */
    boolean blocks(String userAgent, String from, String to) {
        if (this.blockedUserAgents.isEmpty()) {
            return false;
        }
        String agent = userAgent.toLowerCase(java.util.Locale.ROOT);
        String caller = from.toLowerCase(java.util.Locale.ROOT);
        String callee = to.toLowerCase(java.util.Locale.ROOT);
        for (String blocked : this.blockedUserAgents) {
            String value = blocked.toLowerCase(java.util.Locale.ROOT);
            if (agent.contains(value) || caller.contains(value) || callee.contains(value)) {
                return true;
            }
        }
        return false;
    }
}

package org.restcomm.lb.sip;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Behaviour of the SIP engine, from {@code sip=default} and its listeners. */
public record SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
        List<String> blockedUserAgents, Map<String, String> stackProperties, BadNodeDetection badNodeDetection, FailureAnswer failureAnswer,
        StreamConnections streamConnections) {

    /**
     * How the balancer keeps the connections clients and nodes open to its TCP and WebSocket listeners: one that sends
     * no whole message within the first-message timeout is closed (slowloris); one that carries no traffic for the idle
     * timeout is closed, unless a registration made through it is still alive; the accept backlog takes a burst; one
     * whose peer takes no bytes is cut once max-queued-bytes wait for it or its queue has not shrunk for the write-stall
     * timeout.
     */
    public record StreamConnections(long idleTimeoutMillis, long firstMessageTimeoutMillis, int acceptBacklog, long maxQueuedBytes, long writeStallTimeoutMillis) {
        public static final StreamConnections DEFAULT = new StreamConnections(600_000, 10_000, 1024, 1 << 20, 30_000);
    }

    /** With the default stream connection handling. */
    public SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
            List<String> blockedUserAgents, Map<String, String> stackProperties, BadNodeDetection badNodeDetection, FailureAnswer failureAnswer) {
        this(listeners, sendTrying, noNodeStatus, noNodeReason, blockedUserAgents, stackProperties, badNodeDetection, failureAnswer, StreamConnections.DEFAULT);
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

    /** responsesStatusCodeNodeRemoval, maxNumberResponsesWithError and maxErrorTime of the original. */
    public record BadNodeDetection(Set<Integer> statusCodes, int maxErrors, long windowMillis) {
        public static final BadNodeDetection DEFAULT = new BadNodeDetection(Set.of(503), 5, 300_000);

        public BadNodeDetection {
            statusCodes = Set.copyOf(statusCodes);
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

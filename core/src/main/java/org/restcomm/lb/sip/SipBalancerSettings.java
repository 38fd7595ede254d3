package org.restcomm.lb.sip;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Behaviour of the SIP engine, from {@code sip=default} and its listeners. */
public record SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
        List<String> blockedUserAgents, Map<String, String> stackProperties, BadNodeDetection badNodeDetection) {

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
        return new SipBalancerSettings(listeners, true, 503, "Service Unavailable", DEFAULT_BLOCKED_USER_AGENTS, Map.of(), BadNodeDetection.DEFAULT);
    }
}

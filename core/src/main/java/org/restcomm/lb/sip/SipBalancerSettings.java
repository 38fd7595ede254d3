package org.restcomm.lb.sip;

import java.util.List;
import java.util.Map;

/** Behaviour of the SIP engine, from {@code sip=default} and its listeners. */
public record SipBalancerSettings(List<SipListenerSettings> listeners, boolean sendTrying, int noNodeStatus, String noNodeReason,
        List<String> blockedUserAgents, Map<String, String> stackProperties) {

    public static final List<String> DEFAULT_BLOCKED_USER_AGENTS = List.of("sipvicious", "sipcli", "friendly-scanner");

    public SipBalancerSettings {
        listeners = List.copyOf(listeners);
        blockedUserAgents = List.copyOf(blockedUserAgents);
        stackProperties = Map.copyOf(stackProperties);
    }

    /** The guide's behaviour with the correct SIP answer when no node is available. */
    public static SipBalancerSettings defaults(List<SipListenerSettings> listeners) {
        return new SipBalancerSettings(listeners, true, 503, "Service Unavailable", DEFAULT_BLOCKED_USER_AGENTS, Map.of());
    }
}

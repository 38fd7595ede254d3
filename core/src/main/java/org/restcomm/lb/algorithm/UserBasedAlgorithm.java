package org.restcomm.lb.algorithm;

import java.util.Locale;
import java.util.regex.Pattern;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.UserRoutes;

/**
 * Affinity by user: every call of one user (the To or From user, sipHeaderAffinityKey) goes to the same node
 * while that user keeps calling within the idle time. Users matching sipHeaderAffinityExclusionPattern are keyed
 * by sipHeaderAffinityFallbackKey instead (From, To or Call-ID).
 */
public class UserBasedAlgorithm extends CallIdAffinityAlgorithm {

    public static final String SIP_AFFINITY_KEY = "sipHeaderAffinityKey";
    public static final String EXCLUSION_PATTERN = "sipHeaderAffinityExclusionPattern";
    public static final String FALLBACK_KEY = "sipHeaderAffinityFallbackKey";

    private volatile String key = "To";
    private volatile Pattern exclusion;
    private volatile String fallbackKey = "Call-ID";

    @Override
    public void configurationChanged(AlgorithmContext context) {
        super.configurationChanged(context);
        this.key = context.property(SIP_AFFINITY_KEY, "To");
        String pattern = context.property(EXCLUSION_PATTERN, "");
        this.exclusion = pattern.isBlank() ? null : Pattern.compile(pattern);
        this.fallbackKey = context.property(FALLBACK_KEY, "Call-ID");
    }

    /** A user an /lbnoderegex expression finds goes to its node while that node takes new work; anyone else by affinity. */
    @Override
    public Node processExternalRequest(SipMessageView request) {
        UserRoutes routes = this.registry().userRoutes();
        String user = routes.isEmpty() ? null : user(request, this.key);
        if (user != null) {
            Node routed = routes.nodeFor(user).flatMap(node -> this.registry().nodeAt(node.host(), node.port())).filter(Node::acceptsNewWork).orElse(null);
            if (routed != null) {
                return routed;
            }
        }
        return super.processExternalRequest(request);
    }

    @Override
    protected String affinityKey(SipMessageView message) {
        String user = user(message, this.key);
        Pattern excluded = this.exclusion;
        if (user == null || (excluded != null && excluded.matcher(user).matches())) {
            String fallback = user(message, this.fallbackKey);
            return (fallback != null) ? "user:" + fallback : message.callId();
        }
        return "user:" + user;
    }

    private static String user(SipMessageView message, String key) {
        switch (key.toLowerCase(Locale.ROOT)) {
            case "from":
            case "from.user":
                return message.fromUser();
            case "to":
            case "to.user":
                return message.toUser();
            default:
                return null;
        }
    }
}

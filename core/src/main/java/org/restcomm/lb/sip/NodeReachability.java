package org.restcomm.lb.sip;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * SIP evidence that a node cannot be reached: INVITEs and OPTIONS probes it leaves without any answer within
 * node-response-timeout, and sends to it that fail. Any message from the node clears the evidence and makes an
 * unreachable node active again. Per message this costs a map lookup and, for an INVITE, one uncontended lock.
 */
final class NodeReachability {

    private final NodeRegistry registry;
    private final LongSupplier clock;
    private final Map<Node, Watch> watches = new ConcurrentHashMap<>();

    NodeReachability(NodeRegistry registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** An INVITE went to the node: the n-th one without an answer since the node last said anything starts the clock. */
    void inviteSent(Node node, SipBalancerSettings.Reachability settings) {
        Watch watch = this.watches.computeIfAbsent(node, n -> new Watch());
        synchronized (watch) {
            if (++watch.unansweredInvites == settings.unansweredInvites()) {
                watch.nthInviteSentAt = this.clock.getAsLong();
            }
        }
    }

    /** An OPTIONS probe went to the node. */
    void probeSent(Node node) {
        Watch watch = this.watches.computeIfAbsent(node, n -> new Watch());
        synchronized (watch) {
            watch.unansweredProbes++;
            watch.lastProbeSentAt = this.clock.getAsLong();
        }
    }

    /** Anything arrived from the node (a response, a request, a probe's answer): the evidence is void. */
    void answered(Node node) {
        Watch watch = this.watches.get(node);
        // volatile reads only, unless there is something to clear: this runs for every response of every call
        if (watch != null && (watch.unansweredInvites != 0 || watch.unansweredProbes != 0)) {
            synchronized (watch) {
                watch.unansweredInvites = 0;
                watch.unansweredProbes = 0;
            }
        }
        this.registry.reachable(node);
    }

    /** A send to the node failed (refused or reset connection, no route): the node is unreachable at once. */
    void sendFailed(Node node, Exception failure) {
        this.registry.markUnreachable(node, "sending to it failed: " + failure);
    }

    /** Marks the nodes whose INVITEs or probes went unanswered for node-response-timeout; forgets removed nodes. */
    void check(SipBalancerSettings.Reachability settings) {
        long now = this.clock.getAsLong();
        for (Iterator<Map.Entry<Node, Watch>> entries = this.watches.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<Node, Watch> entry = entries.next();
            Node node = entry.getKey();
            if (this.registry.node(node.name()).orElse(null) != node) {
                entries.remove();
                continue;
            }
            Watch watch = entry.getValue();
            String reason = null;
            synchronized (watch) {
                if (watch.unansweredInvites >= settings.unansweredInvites() && now - watch.nthInviteSentAt >= settings.responseTimeoutMillis()) {
                    reason = watch.unansweredInvites + " INVITEs without any answer within node-response-timeout (" + settings.responseTimeoutMillis() + " ms)";
                } else if (settings.probing() && watch.unansweredProbes >= settings.probeFailures()
                        && now - watch.lastProbeSentAt >= Math.min(settings.responseTimeoutMillis(), settings.probeIntervalMillis())) {
                    reason = watch.unansweredProbes + " OPTIONS probes without any answer (probe-failures " + settings.probeFailures() + ")";
                }
                if (reason != null) {
                    // counted afresh: a node that cannot be marked now (draining) is not reported every tick
                    watch.unansweredInvites = 0;
                    watch.unansweredProbes = 0;
                }
            }
            if (reason != null) {
                this.registry.markUnreachable(node, reason);
            }
        }
    }

    private static final class Watch {
        volatile int unansweredInvites;
        volatile int unansweredProbes;
        long nthInviteSentAt;
        long lastProbeSentAt;
    }
}

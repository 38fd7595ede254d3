package org.restcomm.lb.algorithm;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.restcomm.lb.node.Node;

/**
 * The original's active-standby: all new calls and HTTP requests go to one node, the active one, while it takes new
 * work. When it stops taking work (gone, draining, disabled, bad, unreachable) the longest-registered node that does
 * becomes active, and stays active when the old one comes back: no failback, so calls do not move twice.
 */
public class ActiveStandbyAlgorithm implements BalancerAlgorithm {

    private final AtomicReference<String> activeSip = new AtomicReference<>();
    private final AtomicReference<String> activeHttp = new AtomicReference<>();
    private CandidateNodes candidates;

    @Override
    public void start(AlgorithmContext context) {
        this.candidates = new CandidateNodes(context.registry());
    }

    @Override
    public Node processExternalRequest(SipMessageView request) {
        return active(this.activeSip, this.candidates.sip());
    }

    @Override
    public Node processHttpRequest(HttpRequestView request) {
        return active(this.activeHttp, this.candidates.http());
    }

    /** The active node while it is a candidate, else the longest-registered candidate, which becomes the active one. */
    private static Node active(AtomicReference<String> active, List<Node> candidates) {
        String current = active.get();
        Node standby = null;
        for (Node node : candidates) {
            if (node.name().equals(current)) {
                return node;
            }
            if (standby == null || node.registeredAt() < standby.registeredAt()) {
                standby = node;
            }
        }
        if (standby != null) {
            // concurrent callers pick the same standby from the same list; a lost race only repeats that choice
            active.compareAndSet(current, standby.name());
        }
        return standby;
    }
}

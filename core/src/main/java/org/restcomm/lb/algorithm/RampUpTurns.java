package org.restcomm.lb.algorithm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.RampUp;

/**
 * Turns dealt by weight while nodes ramp up: each node weighs its ramp-up share (100 for a full node), and smooth
 * weighted round robin (as nginx deals its upstreams) gives each exactly its weight's part of the new work, spread
 * evenly, so a node at 50 % next to a full one takes one call in three.
 */
final class RampUpTurns {

    private final Map<Node, Long> credit = new HashMap<>();

    synchronized Node next(List<Node> candidates, RampUp rampUp, long now) {
        long total = 0;
        Node chosen = null;
        long chosenCredit = Long.MIN_VALUE;
        for (Node node : candidates) {
            int weight = rampUp.sharePercent(node, now);
            long credit = this.credit.merge(node, (long) weight, Long::sum);
            total += weight;
            if (credit > chosenCredit) {
                chosen = node;
                chosenCredit = credit;
            }
        }
        this.credit.merge(chosen, -total, Long::sum);
        if (this.credit.size() > 2 * candidates.size()) {
            // nodes that left or stopped taking new work
            this.credit.keySet().retainAll(candidates);
        }
        return chosen;
    }
}

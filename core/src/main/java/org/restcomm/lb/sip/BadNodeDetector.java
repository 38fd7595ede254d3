package org.restcomm.lb.sip;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * The original's health detection: a node that answers too many requests with an error status (503 by default)
 * within a window is marked bad, so its calls fail over and it gets no new ones until it registers again or an
 * operator enables it.
 */
final class BadNodeDetector {

    private final NodeRegistry registry;
    private final Clock clock;
    private final Set<Integer> statusCodes;
    private final int maxErrors;
    private final long windowMillis;
    private final Map<String, Deque<Long>> errors = new ConcurrentHashMap<>();

    BadNodeDetector(NodeRegistry registry, Clock clock, Set<Integer> statusCodes, int maxErrors, long windowMillis) {
        this.registry = registry;
        this.clock = clock;
        this.statusCodes = Set.copyOf(statusCodes);
        this.maxErrors = maxErrors;
        this.windowMillis = windowMillis;
    }

    /** A response from a node: counts it when its status is one of the error statuses. */
    void responded(Node node, int status) {
        if (this.maxErrors <= 0 || !this.statusCodes.contains(status)) {
            return;
        }
        long now = this.clock.millis();
        Deque<Long> times = this.errors.computeIfAbsent(node.name(), name -> new ArrayDeque<>());
        boolean bad;
        synchronized (times) {
            times.addLast(now);
            while (!times.isEmpty() && times.peekFirst() < now - this.windowMillis) {
                times.removeFirst();
            }
            bad = times.size() >= this.maxErrors;
            if (bad) {
                times.clear();
            }
        }
        if (bad) {
            this.registry.markBad(node.name());
        }
    }
}

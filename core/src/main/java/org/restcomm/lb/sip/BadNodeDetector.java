package org.restcomm.lb.sip;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.restcomm.lb.logging.LoadBalancerLogger;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * The original's health detection: a node that answers too many requests with an error status (503 by default)
 * within a window, or that leaves more than {@code bad-node-unanswered-requests} requests in a row unanswered while
 * its last answer is older than {@code bad-node-response-time} (the original's maxRequestNumberWithoutResponse and
 * maxResponseTime), is marked bad, so its calls fail over and it gets no new ones until it registers again or an
 * operator enables it.
 */
final class BadNodeDetector {

    private final NodeRegistry registry;
    private final Clock clock;
    /** The status codes that count as errors, as a bit set: a lookup per response boxes no Integer. */
    private final BitSet statusCodes = new BitSet(700);
    private final int maxErrors;
    private final long windowMillis;
    private final int maxUnanswered;
    private final long responseTimeMillis;
    private final Map<String, Deque<Long>> errors = new ConcurrentHashMap<>();
    private final Map<Node, Unanswered> unanswered = new ConcurrentHashMap<>();

    BadNodeDetector(NodeRegistry registry, Clock clock, SipBalancerSettings.BadNodeDetection settings) {
        this.registry = registry;
        this.clock = clock;
        settings.statusCodes().forEach(code -> {
            if (code >= 0) {
                this.statusCodes.set(code);
            }
        });
        this.maxErrors = settings.maxErrors();
        this.windowMillis = settings.windowMillis();
        this.maxUnanswered = settings.maxUnansweredRequests();
        this.responseTimeMillis = settings.responseTimeMillis();
    }

    /** A request (not an ACK, which gets no answer) went to the node. */
    void requestSent(Node node) {
        if (this.maxUnanswered <= 0) {
            return;
        }
        Unanswered requests = this.unanswered.computeIfAbsent(node, n -> new Unanswered(this.clock.millis()));
        long now = this.clock.millis();
        if (requests.count.incrementAndGet() > this.maxUnanswered && now - requests.lastAnswerAt > this.responseTimeMillis) {
            int count = requests.count.getAndSet(0);
            if (this.registry.markBad(node.name()).isPresent()) {
                LoadBalancerLogger.ROOT_LOGGER.nodeLeftRequestsUnanswered(node.name(), count, now - requests.lastAnswerAt);
            }
        }
    }

    /** A response from a node: it answers the requests waiting, and counts as an error when its status is one. */
    void responded(Node node, int status) {
        if (this.maxUnanswered > 0) {
            Unanswered requests = this.unanswered.get(node);
            if (requests != null) {
                requests.count.set(0);
                requests.lastAnswerAt = this.clock.millis();
            }
        }
        if (this.maxErrors <= 0 || status < 0 || !this.statusCodes.get(status)) {
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

    /** Requests sent to one node since its last answer; its last answer, or when it was first sent one. */
    private static final class Unanswered {
        final AtomicInteger count = new AtomicInteger();
        volatile long lastAnswerAt;

        Unanswered(long since) {
            this.lastAnswerAt = since;
        }
    }
}

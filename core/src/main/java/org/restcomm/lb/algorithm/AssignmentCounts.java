package org.restcomm.lb.algorithm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many keys each node owns, for bounded load: the store's count, taken at most once a second since counting a
 * shared store costs, plus what this balancer claimed and moved since.
 */
final class AssignmentCounts {

    private static final long REFRESH_MILLIS = 1000;

    private final AffinityStore store;
    private volatile Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile long countedAt;
    private volatile boolean counted;

    AssignmentCounts(AffinityStore store) {
        this.store = store;
    }

    /** The current counts, recounted from the store when the last count is a second old. */
    Map<String, AtomicInteger> current(long now) {
        if (!this.counted || now - this.countedAt >= REFRESH_MILLIS) {
            synchronized (this) {
                if (!this.counted || now - this.countedAt >= REFRESH_MILLIS) {
                    Map<String, AtomicInteger> fresh = new ConcurrentHashMap<>();
                    this.store.keysByNode().forEach((node, count) -> fresh.put(node, new AtomicInteger(count)));
                    this.counts = fresh;
                    this.countedAt = now;
                    this.counted = true;
                }
            }
        }
        return this.counts;
    }

    static int of(Map<String, AtomicInteger> counts, String node) {
        AtomicInteger count = counts.get(node);
        return (count != null) ? count.get() : 0;
    }

    void claimed(String node) {
        this.counts.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
    }

    void moved(String from, String to) {
        this.counts.computeIfAbsent(from, n -> new AtomicInteger()).decrementAndGet();
        this.claimed(to);
    }
}

package org.restcomm.lb.algorithm;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The affinity store of one balancer alone: a map in its memory, whose idle keys a periodic sweep forgets. */
public final class LocalAffinityStore implements AffinityStore {

    private record Entry(String node, long lastUsed) {

        boolean idle(long now, long maxIdleMillis) {
            return now - this.lastUsed >= maxIdleMillis;
        }
    }

    /** How stale a key's last use may be before a lookup records it again: far below any idle time worth setting. */
    private static final long TOUCH_GRANULARITY_MILLIS = 10;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public String owner(String key, long now) {
        Entry entry = this.entries.get(key);
        if (entry == null) {
            return null;
        }
        // a key asked for again within the same few milliseconds (a call's ACK after its 200) is not written again:
        // every in-dialog request would otherwise make a new entry
        if (now - entry.lastUsed() < TOUCH_GRANULARITY_MILLIS) {
            return entry.node();
        }
        entry = this.entries.computeIfPresent(key, (k, e) -> new Entry(e.node(), now));
        return (entry != null) ? entry.node() : null;
    }

    @Override
    public String claim(String key, String node, long now, long maxIdleMillis) {
        return this.entries.compute(key, (k, e) -> (e == null || e.idle(now, maxIdleMillis)) ? new Entry(node, now) : new Entry(e.node(), now)).node();
    }

    @Override
    public String reassign(String key, String expected, String node, long now, long maxIdleMillis) {
        return this.entries.compute(key, (k, e) -> (e == null || e.idle(now, maxIdleMillis) || e.node().equals(expected))
                ? new Entry(node, now)
                : new Entry(e.node(), now)).node();
    }

    @Override
    public void assign(String key, String node, long now, long maxIdleMillis) {
        this.entries.put(key, new Entry(node, now));
    }

    @Override
    public void evictIdleSince(long oldestKept) {
        this.entries.values().removeIf(entry -> entry.lastUsed() < oldestKept);
    }

    @Override
    public Map<String, Integer> keysByNode() {
        Map<String, Integer> counts = new HashMap<>();
        this.entries.values().forEach(entry -> counts.merge(entry.node(), 1, Integer::sum));
        return counts;
    }

    @Override
    public int size() {
        return this.entries.size();
    }
}

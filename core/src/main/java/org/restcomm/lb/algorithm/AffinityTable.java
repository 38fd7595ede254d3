package org.restcomm.lb.algorithm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which node owns each key (a Call-ID, a user), with the time it was last used so idle keys can be forgotten. */
final class AffinityTable {

    private record Entry(String node, long lastUsed) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The owning node's name, marking the key used now; null when the key has no owner. */
    String lookup(String key, long now) {
        Entry entry = this.entries.computeIfPresent(key, (k, e) -> new Entry(e.node(), now));
        return (entry != null) ? entry.node() : null;
    }

    void assign(String key, String node, long now) {
        this.entries.put(key, new Entry(node, now));
    }

    void evictIdleSince(long oldestKept) {
        this.entries.values().removeIf(entry -> entry.lastUsed() < oldestKept);
    }

    void forgetNode(String node) {
        this.entries.values().removeIf(entry -> entry.node().equals(node));
    }

    int size() {
        return this.entries.size();
    }
}

package org.restcomm.lb.algorithm;

import java.util.Map;

/** A balancer's view of a shared store that always reads before the other balancer's write lands: lookups miss. */
record LateReaderStore(AffinityStore shared) implements AffinityStore {

    @Override
    public String owner(String key, long now) {
        return null;
    }

    @Override
    public String claim(String key, String node, long now, long maxIdleMillis) {
        return this.shared.claim(key, node, now, maxIdleMillis);
    }

    @Override
    public String reassign(String key, String expected, String node, long now, long maxIdleMillis) {
        return this.shared.reassign(key, expected, node, now, maxIdleMillis);
    }

    @Override
    public void assign(String key, String node, long now, long maxIdleMillis) {
        this.shared.assign(key, node, now, maxIdleMillis);
    }

    @Override
    public void evictIdleSince(long oldestKept) {
        this.shared.evictIdleSince(oldestKept);
    }

    @Override
    public Map<String, Integer> keysByNode() {
        return this.shared.keysByNode();
    }

    @Override
    public int size() {
        return this.shared.size();
    }
}

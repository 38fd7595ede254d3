package org.restcomm.lb.subsystem;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.restcomm.lb.algorithm.AffinityStore;

/**
 * Affinity kept in an Infinispan cache (a replicated one on the load-balancer-ha layer), so every balancer sharing
 * the cache routes a key to one node. Claims and moves are Infinispan's conditional writes, atomic across the
 * cluster; entries expire by Infinispan's max-idle, refreshed by each read. Keys and node names are strings, which
 * every marshaller of the cache container stores without registration.
 */
final class InfinispanAffinityStore implements AffinityStore {

    private final Cache<String, String> cache;
    private final AdvancedCache<String, String> local;

    private InfinispanAffinityStore(Cache<String, String> cache) {
        this.cache = cache;
        this.local = cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL, Flag.SKIP_CACHE_LOAD);
    }

    /** The store over the cache a capability reference resolved; typed Object so callers load no Infinispan class. */
    @SuppressWarnings("unchecked")
    static AffinityStore of(Object cache) {
        return new InfinispanAffinityStore((Cache<String, String>) cache);
    }

    @Override
    public String owner(String key, long now) {
        return this.cache.get(key);
    }

    @Override
    public String claim(String key, String node, long now, long maxIdleMillis) {
        String owner = this.cache.putIfAbsent(key, node, -1, TimeUnit.MILLISECONDS, maxIdleMillis, TimeUnit.MILLISECONDS);
        return (owner != null) ? owner : node;
    }

    @Override
    public String reassign(String key, String expected, String node, long now, long maxIdleMillis) {
        if (this.cache.replace(key, expected, node, -1, TimeUnit.MILLISECONDS, maxIdleMillis, TimeUnit.MILLISECONDS)) {
            return node;
        }
        String owner = this.cache.get(key);
        // expired or removed meanwhile: claim it afresh
        return (owner != null) ? owner : this.claim(key, node, now, maxIdleMillis);
    }

    @Override
    public void assign(String key, String node, long now, long maxIdleMillis) {
        this.cache.put(key, node, -1, TimeUnit.MILLISECONDS, maxIdleMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void evictIdleSince(long oldestKept) {
        // Infinispan expires idle entries itself
    }

    @Override
    public Map<String, Integer> keysByNode() {
        Map<String, Integer> counts = new HashMap<>();
        // this balancer's copy only: in a replicated cache that is every key, read without a remote call
        for (String node : this.local.values()) {
            counts.merge(node, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public int size() {
        return this.local.size();
    }
}

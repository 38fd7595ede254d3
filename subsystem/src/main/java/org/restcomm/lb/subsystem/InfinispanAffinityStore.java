package org.restcomm.lb.subsystem;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.restcomm.lb.algorithm.AffinityStore;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * Affinity kept in an Infinispan cache (a replicated one on the load-balancer-ha layer), so every balancer sharing
 * the cache routes a key to one node. Entries expire by Infinispan's max-idle, refreshed by each read. Keys and node
 * names are strings, which every marshaller of the cache container stores without registration.
 * <p>
 * A new key's claim does not wait for the cluster: it is this balancer's at once and written behind, together with
 * the claims of the next {@value #LINGER_MILLIS} ms and those made while the previous write was on its way, as one
 * asynchronous putAll: one replication message for many calls, none of them holding a receiving thread for a round
 * trip (a write per call cost both balancers about 0.7 ms of CPU). Until it lands another balancer that sees the key
 * claims it itself, which for the rendezvous hash over the same nodes is the same node; should two claims differ, the
 * later write wins for every balancer. A SIP retransmission comes 500 ms later at the earliest (T1). Moves of keys
 * whose node is gone are rare and stay conditional and synchronous, atomic across the cluster.
 */
final class InfinispanAffinityStore implements AffinityStore {

    /** How long a claim waits for others to share its write. */
    static final long LINGER_MILLIS = 10;
    private static final Executor LINGERING = CompletableFuture.delayedExecutor(LINGER_MILLIS, TimeUnit.MILLISECONDS);

    private final Cache<String, String> cache;
    private final AdvancedCache<String, String> local;
    /** Claims of this balancer not yet in the cache, read before it. */
    private final Map<String, String> unwritten = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile long maxIdleMillis;

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
        String claimed = this.unwritten.get(key);
        return (claimed != null) ? claimed : this.cache.get(key);
    }

    @Override
    public String claim(String key, String node, long now, long maxIdleMillis) {
        String earlier = this.unwritten.putIfAbsent(key, node);
        if (earlier != null) {
            return earlier;
        }
        this.maxIdleMillis = maxIdleMillis;
        if (this.writing.compareAndSet(false, true)) {
            LINGERING.execute(this::write);
        }
        return node;
    }

    /** Writes the unwritten claims as one putAll; its completion writes what came meanwhile. */
    private void write() {
        Map<String, String> batch = new HashMap<>(this.unwritten);
        if (batch.isEmpty()) {
            this.written();
            return;
        }
        try {
            this.cache.putAllAsync(batch, -1, TimeUnit.MILLISECONDS, this.maxIdleMillis, TimeUnit.MILLISECONDS)
                    .whenComplete((ignored, failure) -> this.written(batch, failure));
        } catch (RuntimeException e) {
            // a cache that stopped under the store (the algorithm is being replaced)
            this.written(batch, e);
        }
    }

    /** The batch is in the cache now (or failed: the next use of each key claims it again). */
    private void written(Map<String, String> batch, Throwable failure) {
        batch.forEach(this.unwritten::remove);
        if (failure != null) {
            LoadBalancerLogger.ROOT_LOGGER.sharedAffinityWriteFailed(batch.size(), String.valueOf(failure));
        }
        this.written();
    }

    /** Lets the next claim start a write, or starts it for claims that came while this one ran. */
    private void written() {
        this.writing.set(false);
        if (!this.unwritten.isEmpty() && this.writing.compareAndSet(false, true)) {
            this.write();
        }
    }

    @Override
    public String reassign(String key, String expected, String node, long now, long maxIdleMillis) {
        this.unwritten.remove(key);
        if (this.cache.replace(key, expected, node, -1, TimeUnit.MILLISECONDS, maxIdleMillis, TimeUnit.MILLISECONDS)) {
            return node;
        }
        String owner = this.cache.get(key);
        // expired or removed meanwhile: claim it afresh
        return (owner != null) ? owner : this.claim(key, node, now, maxIdleMillis);
    }

    @Override
    public void assign(String key, String node, long now, long maxIdleMillis) {
        this.unwritten.remove(key);
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
        this.unwritten.forEach((key, node) -> {
            if (!this.local.containsKey(key)) {
                counts.merge(node, 1, Integer::sum);
            }
        });
        return counts;
    }

    @Override
    public int size() {
        return this.local.size() + (int) this.unwritten.keySet().stream().filter(key -> !this.local.containsKey(key)).count();
    }
}

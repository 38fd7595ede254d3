package org.restcomm.lb.algorithm;

import java.util.Map;

/**
 * Which node owns each affinity key (a Call-ID, a header value, an appsession). The default lives in one
 * balancer's memory; the subsystem hands a store kept in an Infinispan cache to algorithms whose
 * {@code cache-container}/{@code cache} are set, so every balancer sharing that cache agrees on each key.
 * Node names are the registry's ({@code ip:port}), the same on every balancer the nodes heartbeat to.
 * Implementations are thread-safe; changes are atomic per key, also across balancers.
 */
public interface AffinityStore {

    /** The owner of the key, marking it used now; null when the key has none. */
    String owner(String key, long now);

    /**
     * Makes the node the key's owner unless it has one already: the owner afterwards, which is another node when
     * another thread or balancer claimed it first. An owner unused for maxIdleMillis is forgotten.
     */
    String claim(String key, String node, long now, long maxIdleMillis);

    /** Moves the key from the expected owner to the node, unless its owner changed meanwhile: the owner afterwards. */
    String reassign(String key, String expected, String node, long now, long maxIdleMillis);

    /** Makes the node the key's owner, whatever it was. */
    void assign(String key, String node, long now, long maxIdleMillis);

    /** Forgets keys unused since then; a store that expires its entries itself does nothing. */
    void evictIdleSince(long oldestKept);

    /** How many keys each node owns, as far as this balancer can count them cheaply (a replicated store: all). */
    Map<String, Integer> keysByNode();

    int size();
}

package org.restcomm.lb.algorithm;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * Header consistent hash whose choices are kept: a key (same keys as {@link HeaderConsistentHashAlgorithm}, SIP and
 * HTTP sharing one key space) goes once to its rendezvous choice among the nodes taking new work, then stays on that
 * node in the affinity store while the node keeps existing work, so a node joining takes only new keys. A key whose
 * node left the registry or keeps no work moves to its next rendezvous choice when it is next used, so a leaving
 * node's keys spread evenly, and stays there when the node comes back. A key whose node this balancer does not
 * know (another balancer saw the node register first) counts as lost too: only the registry says a node is live.
 * Several balancers sharing one store agree on every key: the first claim or move wins and the others follow it.
 * Keys idle for callIdAffinityMaxTimeInCache are forgotten. With maxLoadFactor above 0, no node takes a new or moved
 * key while it owns ceil(factor × (keys + 1) / candidates) keys (HAProxy's hash-balance-factor); the key goes to
 * its best choice that is not full.
 */
public class PersistentConsistentHashAlgorithm extends HeaderConsistentHashAlgorithm {

    public static final String MAX_LOAD_FACTOR = "maxLoadFactor";

    private NodeRegistry registry;
    private Clock clock;
    private AffinityStore store;
    private AssignmentCounts counts;
    private IdleSweep eviction;
    private volatile long maxIdleMillis;
    private volatile double maxLoadFactor;

    @Override
    public void start(AlgorithmContext context) {
        this.registry = context.registry();
        this.clock = context.clock();
        this.store = context.affinityStore(LocalAffinityStore::new);
        this.counts = new AssignmentCounts(this.store);
        super.start(context);
        this.eviction = new IdleSweep(this::evictIdle);
    }

    @Override
    public void configurationChanged(AlgorithmContext context) {
        super.configurationChanged(context);
        this.maxIdleMillis = TimeUnit.SECONDS.toMillis(context.longProperty(CallIdAffinityAlgorithm.MAX_IDLE_TIME, CallIdAffinityAlgorithm.DEFAULT_MAX_IDLE_SECONDS));
        String factor = context.property(MAX_LOAD_FACTOR, "");
        this.maxLoadFactor = factor.isBlank() ? 0 : Double.parseDouble(factor.trim());
    }

    @Override
    public void stop() {
        if (this.eviction != null) {
            this.eviction.close();
        }
    }

    @Override
    protected Node sipNodeFor(String value, boolean ipv6) {
        return this.nodeFor(value, this.candidates().sip(ipv6), Node::servesSip);
    }

    @Override
    protected Node httpNodeFor(String value) {
        return this.nodeFor(value, this.candidates().http(), Node::servesHttp);
    }

    int affinityCount() {
        return this.store.size();
    }

    void evictIdle() {
        this.store.evictIdleSince(this.clock.millis() - this.maxIdleMillis);
    }

    private Node nodeFor(String key, List<Node> candidates, Predicate<Node> servesProtocol) {
        long now = this.clock.millis();
        String owner = this.store.owner(key, now);
        if (owner == null) {
            Node chosen = this.choose(key, candidates, now);
            return (chosen != null) ? this.settled(this.store.claim(key, chosen.name(), now, this.maxIdleMillis), null, chosen, servesProtocol) : null;
        }
        Node current = this.registry.node(owner).filter(node -> node.state().keepsExistingWork()).orElse(null);
        if (current != null) {
            // a node serving only the other protocol keeps the key; this request goes where the stateless hash sends it
            return servesProtocol.test(current) ? current : RendezvousHash.choose(key, candidates);
        }
        Node next = this.choose(key, candidates, now);
        return (next != null) ? this.settled(this.store.reassign(key, owner, next.name(), now, this.maxIdleMillis), owner, next, servesProtocol) : null;
    }

    /** The store's answer to a claim or a move: another balancer's choice wins while its node can take this request. */
    private Node settled(String owner, String previousOwner, Node chosen, Predicate<Node> servesProtocol) {
        if (owner.equals(chosen.name())) {
            if (previousOwner == null) {
                this.counts.claimed(owner);
            } else {
                this.counts.moved(previousOwner, owner);
            }
            return chosen;
        }
        return this.registry.node(owner).filter(node -> node.state().keepsExistingWork() && servesProtocol.test(node)).orElse(chosen);
    }

    /** The key's rendezvous choice; under bounded load, the best choice that is not full. */
    private Node choose(String key, List<Node> candidates, long now) {
        double factor = this.maxLoadFactor;
        if (factor <= 0 || candidates.size() < 2) {
            return RendezvousHash.choose(key, candidates);
        }
        Map<String, AtomicInteger> owned = this.counts.current(now);
        int[] counts = new int[candidates.size()];
        long keys = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = AssignmentCounts.of(owned, candidates.get(i).name());
            keys += counts[i];
        }
        long cap = (long) Math.ceil(factor * (keys + 1) / candidates.size());
        long keyHash = RendezvousHash.keyHash(key);
        Node top = null;
        long topScore = 0;
        Node best = null;
        long bestScore = 0;
        for (int i = 0; i < counts.length; i++) {
            Node node = candidates.get(i);
            long score = RendezvousHash.score(keyHash, node.name());
            if (top == null || Long.compareUnsigned(score, topScore) > 0) {
                top = node;
                topScore = score;
            }
            if (counts[i] < cap && (best == null || Long.compareUnsigned(score, bestScore) > 0)) {
                best = node;
                bestScore = score;
            }
        }
        return (best != null) ? best : top;
    }
}

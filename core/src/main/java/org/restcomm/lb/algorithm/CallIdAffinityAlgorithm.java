package org.restcomm.lb.algorithm;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.RampUp;

/**
 * The default: a call stays on the node that took its first request (keyed by Call-ID) until it has been idle
 * for callIdAffinityMaxTimeInCache; new calls go round robin over the newest-version nodes that take work.
 * When a call's node is gone, the call moves to one live node; with callIdAffinityGroupFailover all calls of
 * that node move to the same one. The table is the context's shared store when given: a new call's key is claimed, so
 * two balancers racing on one Call-ID agree (the loser follows the winner), and a failover moves the key only if no
 * other balancer moved it first.
 */
public class CallIdAffinityAlgorithm implements BalancerAlgorithm {

    public static final String MAX_IDLE_TIME = "callIdAffinityMaxTimeInCache";
    public static final String GROUP_FAILOVER = "callIdAffinityGroupFailover";
    public static final long DEFAULT_MAX_IDLE_SECONDS = 500;

    private AffinityStore affinity;
    private final Map<String, String> groupReplacements = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final RampUpTurns rampUpTurns = new RampUpTurns();
    private NodeRegistry registry;
    private CandidateNodes candidates;
    private Clock clock;
    private volatile long maxIdleMillis;
    private volatile boolean groupFailover;
    private IdleSweep eviction;

    @Override
    public void start(AlgorithmContext context) {
        this.registry = context.registry();
        this.candidates = new CandidateNodes(this.registry);
        this.clock = context.clock();
        this.affinity = context.affinityStore(LocalAffinityStore::new);
        this.configurationChanged(context);
        this.eviction = new IdleSweep(this::evictIdle);
    }

    @Override
    public void configurationChanged(AlgorithmContext context) {
        this.maxIdleMillis = TimeUnit.SECONDS.toMillis(context.longProperty(MAX_IDLE_TIME, DEFAULT_MAX_IDLE_SECONDS));
        this.groupFailover = context.booleanProperty(GROUP_FAILOVER, false);
    }

    @Override
    public void stop() {
        if (this.eviction != null) {
            this.eviction.close();
        }
    }

    @Override
    public Node processExternalRequest(SipMessageView request) {
        return this.route(this.affinityKey(request), request.overIpv6());
    }

    /** A call the node started itself: the client's answers and later requests belong to that node. */
    @Override
    public void processInternalRequest(SipMessageView request, Node from) {
        this.assignToNode(this.affinityKey(request), from);
    }

    @Override
    public Node processHttpRequest(HttpRequestView request) {
        return this.nextRoundRobin(this.candidates.http());
    }

    @Override
    public void assignToNode(String id, Node node) {
        if (id != null) {
            this.affinity.assign(id, node.name(), this.clock.millis(), this.maxIdleMillis);
        }
    }

    @Override
    public void nodeAdded(Node node) {
        // a node back under its old name owns its calls again
        this.groupReplacements.remove(node.name());
    }

    /** The key that ties requests together; Call-ID here, a user in subclasses. */
    protected String affinityKey(SipMessageView message) {
        return message.callId();
    }

    /** The node for a key: its owner while that node keeps its work, else a replacement, else a new choice. */
    protected Node route(String key, boolean ipv6) {
        if (key == null) {
            return this.nextRoundRobin(this.candidates(ipv6));
        }
        long now = this.clock.millis();
        String owner = this.affinity.owner(key, now);
        if (owner != null) {
            Node node = this.registry.node(owner).filter(n -> n.state().keepsExistingWork()).orElse(null);
            if (node != null) {
                return node;
            }
            Node replacement = this.groupFailover ? this.groupReplacement(owner) : this.failoverTarget(owner, this.candidates(ipv6));
            return (replacement != null) ? this.settled(this.affinity.reassign(key, owner, replacement.name(), now, this.maxIdleMillis), replacement)
                    : null;
        }
        Node chosen = this.nextRoundRobin(this.candidates(ipv6));
        return (chosen != null) ? this.settled(this.affinity.claim(key, chosen.name(), now, this.maxIdleMillis), chosen) : null;
    }

    /** The store's answer to a claim or a move: another balancer's choice wins while its node keeps existing work. */
    private Node settled(String owner, Node chosen) {
        if (owner.equals(chosen.name())) {
            return chosen;
        }
        return this.registry.node(owner).filter(n -> n.state().keepsExistingWork()).orElse(chosen);
    }

    /** Where one call of a lost node goes; subclasses narrow the choice (a subcluster). */
    protected Node failoverTarget(String lostNode, List<Node> candidates) {
        return this.nextRoundRobin(candidates);
    }

    /** The nodes a new call may go to: SIP nodes taking new work, of the newest version among them, of the client's family. */
    protected List<Node> candidates(boolean ipv6) {
        return this.candidates.sip(ipv6);
    }

    protected NodeRegistry registry() {
        return this.registry;
    }

    int affinityCount() {
        return this.affinity.size();
    }

    void evictIdle() {
        this.affinity.evictIdleSince(this.clock.millis() - this.maxIdleMillis);
    }

    private Node groupReplacement(String lostNode) {
        String name = this.groupReplacements.compute(lostNode, (lost, current) -> {
            boolean usable = current != null && this.registry.node(current).map(Node::acceptsNewWork).orElse(false);
            if (usable) {
                return current;
            }
            Node target = this.failoverTarget(lost, this.candidates.sip());
            return (target != null) ? target.name() : null;
        });
        return (name != null) ? this.registry.node(name).orElse(null) : null;
    }

    /** The next node in turn; while ramp-up is on (ramp-up-period), turns are dealt by each node's ramp-up share. */
    private Node nextRoundRobin(List<Node> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        RampUp rampUp = this.registry.rampUp();
        if (rampUp.enabled()) {
            return this.rampUpTurns.next(candidates, rampUp, this.clock.millis());
        }
        return candidates.get(Math.floorMod(this.roundRobin.getAndIncrement(), candidates.size()));
    }
}

package org.restcomm.lb.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.undertow.server.HttpServerExchange;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.NodeVersions;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeRegistryListener;
import org.restcomm.lb.node.NodeState;

/**
 * Picks the node for an HTTP request: the node of the Restcomm instance id, then of the session's jvmRoute, then
 * the algorithm's choice. A session whose node is lost moves to one new node and stays there: the move is
 * remembered until a node with that jvmRoute (or instance id) registers again.
 */
final class NodeSelector implements NodeRegistryListener {

    private static final LoadBalancerLogger LOGGER = LoadBalancerLogger.ROOT_LOGGER;
    private static final String ROUTE = "jvmRoute ";
    private static final String INSTANCE = "instance ";
    /** A lost owner whose sessions have not moved yet. */
    private static final String LOST = "";

    private final NodeRegistry registry;
    private final Supplier<BalancerAlgorithm> algorithm;
    private final Map<String, String> moved = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();

    NodeSelector(NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm) {
        this.registry = registry;
        this.algorithm = algorithm;
    }

    /**
     * @param port the node port property the request needs (httpPort, or wsPort for SIP over WebSocket)
     * @param avoided nodes not to pick: the one that just refused this request's connection, those resting after a refusal
     * @return the node, or null when none can take the request
     */
    Node select(RoutedRequest request, String port, Predicate<Node> avoided) {
        String instanceId = request.restcommInstanceId();
        if (instanceId != null) {
            Node node = this.sticky(INSTANCE + instanceId, this.nodeOfInstance(instanceId), request, port, avoided);
            if (node != null) {
                return node;
            }
        }
        String jvmRoute = request.jvmRoute();
        if (jvmRoute != null) {
            Node node = this.sticky(ROUTE + jvmRoute, this.registry.nodeOfJvmRoute(jvmRoute).orElse(null), request, port, avoided);
            if (node != null) {
                return node;
            }
        }
        return this.fresh(request, port, avoided);
    }

    /**
     * A node answered 5xx to a request bad-node-request-pattern watches: it is marked bad, so it gets no work and its
     * sessions move, until it registers again or an operator enables it (the original's requestCheckPattern, which
     * counted 4xx too: there, one client's 401 took a node out).
     */
    void nodeFailedWatchedRequest(Node node, int status, HttpServerExchange exchange) {
        // the same registration that answered: a node restarted meanwhile under its name is a healthy new instance
        if (this.isRegistered(node) && node.state() != NodeState.BAD && this.registry.markBad(node.name()).isPresent()) {
            LOGGER.httpNodeMarkedBad(node.name(), status, exchange.getRequestMethod().toString(), exchange.getRequestURI());
        }
    }

    /** Whether this very registration of a node is still in the registry (not a node restarted under its name). */
    boolean isRegistered(Node node) {
        return this.registry.node(node.name()).orElse(null) == node;
    }

    /** Number of sessions keys (jvmRoutes, instance ids) currently moved off their lost node; for tests. */
    int movedCount() {
        return (int) this.moved.values().stream().filter(name -> !name.isEmpty()).count();
    }

    @Override
    public void nodeAdded(Node node) {
        keys(node).forEach(this.moved::remove);
    }

    @Override
    public void nodeRemoved(Node node) {
        keys(node).forEach(key -> this.moved.putIfAbsent(key, LOST));
    }

    private Node sticky(String key, Node owner, RoutedRequest request, String port, Predicate<Node> avoided) {
        String movedTo = this.moved.get(key);
        if (movedTo != null) {
            Node target = movedTo.isEmpty() ? null : this.registry.node(movedTo).orElse(null);
            return serves(target, port, avoided) ? target : this.move(key, request, port, avoided);
        }
        if (owner == null) {
            // never seen: a session of another balancer or a made-up value; no state is kept for it
            return null;
        }
        if (serves(owner, port, avoided)) {
            return owner;
        }
        boolean lost = !owner.state().keepsExistingWork() || avoided.test(owner);
        return lost ? this.move(key, request, port, avoided) : null;
    }

    /** One new node for every request of the key, however many arrive at once. */
    private Node move(String key, RoutedRequest request, String port, Predicate<Node> avoided) {
        String name = this.moved.compute(key, (k, current) -> {
            if (current != null && !current.isEmpty() && serves(this.registry.node(current).orElse(null), port, avoided)) {
                return current;
            }
            Node chosen = this.fresh(request, port, avoided);
            if (chosen == null) {
                return LOST;
            }
            LOGGER.httpSessionsMoved(k, chosen.name());
            return chosen.name();
        });
        return name.isEmpty() ? null : this.registry.node(name).orElse(null);
    }

    /** The algorithm's choice when it can serve the request, else round robin over the nodes that can. */
    private Node fresh(RoutedRequest request, String port, Predicate<Node> avoided) {
        Node chosen = this.algorithm.get().processHttpRequest(request);
        if (chosen != null && chosen.acceptsNewWork() && serves(chosen, port, avoided)) {
            return chosen;
        }
        List<Node> candidates = NodeVersions.newestAccepting(this.registry.nodes().stream().filter(node -> serves(node, port, avoided)).toList());
        return candidates.isEmpty() ? null : candidates.get(Math.floorMod(this.roundRobin.getAndIncrement(), candidates.size()));
    }

    private Node nodeOfInstance(String instanceId) {
        return this.registry.nodes().stream()
                .filter(node -> instanceId.equals(node.properties().get(NodeAdvertisement.RESTCOMM_INSTANCE_ID)))
                .findFirst().orElse(null);
    }

    private static boolean serves(Node node, String port, Predicate<Node> avoided) {
        return node != null && node.state().keepsExistingWork() && node.port(port).isPresent() && !avoided.test(node);
    }

    private static List<String> keys(Node node) {
        String jvmRoute = node.jvmRoute();
        String instanceId = node.properties().get(NodeAdvertisement.RESTCOMM_INSTANCE_ID);
        return java.util.stream.Stream.of((jvmRoute != null) ? ROUTE + jvmRoute : null, (instanceId != null) ? INSTANCE + instanceId : null)
                .filter(java.util.Objects::nonNull).toList();
    }
}

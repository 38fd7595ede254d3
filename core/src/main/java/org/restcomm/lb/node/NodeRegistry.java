package org.restcomm.lb.node;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * The one list of application-server nodes, fed by every heartbeat source and read by every engine.
 * Reads are lock-free; changes are serialised, so listeners see them in order.
 */
public final class NodeRegistry {

    private static final LoadBalancerLogger LOGGER = LoadBalancerLogger.ROOT_LOGGER;
    private static final int MAX_SWITCHOVER_HOPS = 16;

    private final Clock clock;
    private final Map<String, Node> nodesByName = new ConcurrentHashMap<>();
    private final Map<String, String> namesBySession = new ConcurrentHashMap<>();
    private final Map<String, String> jvmRouteSwitchovers = new ConcurrentHashMap<>();
    private final List<NodeRegistryListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long nodeTimeoutMillis;
    private volatile ExtraServerNodes extraServerNodes = ExtraServerNodes.NONE;
    private volatile RampUp rampUp = RampUp.OFF;
    private final UserRoutes userRoutes = new UserRoutes();
    /** Moves on whenever a node joins, leaves, re-advertises or changes state; written under this registry's lock. */
    private volatile long generation;
    /** The nodes by ip and port, rebuilt with each generation: {@link #nodeAt} is asked for every message from a node. */
    private volatile NodeAddresses addresses = NodeAddresses.NONE;
    /** Whether nodes joining and becoming unreachable are logged; not for a registry of synthetic nodes. */
    private final boolean announced;

    public NodeRegistry(Clock clock, long nodeTimeoutMillis) {
        this(clock, nodeTimeoutMillis, true);
    }

    private NodeRegistry(Clock clock, long nodeTimeoutMillis, boolean announced) {
        this.clock = clock;
        this.nodeTimeoutMillis = nodeTimeoutMillis;
        this.announced = announced;
    }

    /** A registry whose nodes come and go without a log line: the synthetic node of an engine's warm-up. */
    public static NodeRegistry unannounced(Clock clock, long nodeTimeoutMillis) {
        return new NodeRegistry(clock, nodeTimeoutMillis, false);
    }

    public void addListener(NodeRegistryListener listener) {
        this.listeners.add(listener);
    }

    public void removeListener(NodeRegistryListener listener) {
        this.listeners.remove(listener);
    }

    public long nodeTimeoutMillis() {
        return this.nodeTimeoutMillis;
    }

    /** Changes whenever the nodes or their states do: what readers derive from the list may be kept until then. */
    public long generation() {
        return this.generation;
    }

    public void setNodeTimeoutMillis(long nodeTimeoutMillis) {
        this.nodeTimeoutMillis = nodeTimeoutMillis;
    }

    /**
     * A node announces itself. The same session refreshes the entry; a new session under a known name is a
     * restart and replaces the old entry.
     */
    public Node register(NodeAdvertisement advertisement, NodeSource source) {
        return this.register(advertisement, source, null);
    }

    /** As {@link #register(NodeAdvertisement, NodeSource)}, remembering the address that sent the start. */
    public synchronized Node register(NodeAdvertisement advertisement, NodeSource source, java.net.InetAddress origin) {
        long now = this.clock.millis();
        String name = advertisement.nodeName();
        String sessionId = advertisement.sessionId();
        Node existing = this.nodesByName.get(name);
        if (existing != null && existing.sessionId().equals(sessionId)) {
            existing.readvertise(advertisement, now);
            this.changed();
            this.applyGracefulShutdown(existing, advertisement);
            return existing;
        }
        if (existing != null) {
            LOGGER.nodeRestarted(name, sessionId, existing.sessionId());
            this.unregister(existing);
        }
        String previousName = this.namesBySession.get(sessionId);
        if (previousName != null && !previousName.equals(name)) {
            // the same process now advertises other ports
            this.removeNode(previousName, "re-registered as " + name);
        }
        Node node = new Node(name, advertisement, source, origin, now);
        this.nodesByName.put(name, node);
        this.changed();
        this.namesBySession.put(sessionId, name);
        String jvmRoute = node.jvmRoute();
        if (jvmRoute != null) {
            this.jvmRouteSwitchovers.remove(jvmRoute);
        }
        if (this.announced) {
            LOGGER.nodeRegistered(name, source.displayName(), node.version(), sessionId);
        }
        this.listeners.forEach(listener -> listener.nodeAdded(node));
        this.applyGracefulShutdown(node, advertisement);
        return node;
    }

    /** A heartbeat for a session; empty when the session is unknown (say, after the balancer restarted). */
    public Optional<Node> heartbeat(String sessionId) {
        Optional<Node> node = this.nodeOfSession(sessionId);
        node.ifPresent(n -> n.seen(this.clock.millis()));
        return node;
    }

    /** Traffic from a node counts as a heartbeat. */
    public void seen(String nodeName) {
        Node node = this.nodesByName.get(nodeName);
        if (node != null) {
            node.seen(this.clock.millis());
        }
    }

    /** Graceful shutdown announced by the node. */
    public Optional<Node> shutdown(String sessionId) {
        Optional<Node> node = this.nodeOfSession(sessionId);
        node.ifPresent(n -> this.changeState(n, NodeState.DRAINING));
        return node;
    }

    /** The node leaves now. */
    public synchronized Optional<Node> stop(String sessionId) {
        Optional<Node> node = this.nodeOfSession(sessionId);
        node.ifPresent(n -> this.removeNode(n.name(), "stopped"));
        return node;
    }

    public synchronized Optional<Node> removeNode(String name, String reason) {
        Node node = this.nodesByName.get(name);
        if (node == null) {
            return Optional.empty();
        }
        this.unregister(node);
        LOGGER.nodeRemoved(name, reason);
        return Optional.of(node);
    }

    /** Work owned by one jvmRoute now belongs to another. */
    public void switchover(String fromJvmRoute, String toJvmRoute) {
        Objects.requireNonNull(fromJvmRoute);
        Objects.requireNonNull(toJvmRoute);
        synchronized (this) {
            if (fromJvmRoute.equals(toJvmRoute)) {
                this.jvmRouteSwitchovers.remove(fromJvmRoute);
            } else {
                this.jvmRouteSwitchovers.put(fromJvmRoute, toJvmRoute);
            }
        }
        LOGGER.jvmRouteSwitchedOver(fromJvmRoute, toJvmRoute);
        this.listeners.forEach(listener -> listener.jvmRouteSwitchover(fromJvmRoute, toJvmRoute));
    }

    /** The jvmRoute that now owns work stamped with the given one, following switchovers. */
    public String currentJvmRoute(String jvmRoute) {
        String route = jvmRoute;
        for (int hop = 0; hop < MAX_SWITCHOVER_HOPS; hop++) {
            String next = this.jvmRouteSwitchovers.get(route);
            if (next == null) {
                return route;
            }
            route = next;
        }
        return route;
    }

    /** The node that owns a jvmRoute after switchovers, if it is registered. */
    public Optional<Node> nodeOfJvmRoute(String jvmRoute) {
        String owner = this.currentJvmRoute(jvmRoute);
        return this.nodesByName.values().stream().filter(node -> owner.equals(node.jvmRoute())).findFirst();
    }

    public Map<String, String> jvmRouteSwitchovers() {
        return Map.copyOf(this.jvmRouteSwitchovers);
    }

    /** Operator action: stop new work, keep existing work. */
    public Optional<Node> drain(String name) {
        return this.changeState(name, NodeState.DRAINING);
    }

    /** Operator action: as drain, until enabled. */
    public Optional<Node> disable(String name) {
        return this.changeState(name, NodeState.DISABLED);
    }

    /** Operator action: back to active, whatever the state was. */
    public Optional<Node> enable(String name) {
        return this.changeState(name, NodeState.ACTIVE);
    }

    /** Health detection: the node gets no work until it registers again or is enabled. */
    public Optional<Node> markBad(String name) {
        return this.changeState(name, NodeState.BAD);
    }

    /**
     * Transport evidence: an active node that cannot be reached gets no work until something from it arrives
     * ({@link #reachable}). A draining, disabled or bad node keeps its state. Returns whether the state changed.
     */
    public boolean markUnreachable(Node node, String reason) {
        synchronized (this) {
            if (node.state() != NodeState.ACTIVE || this.nodesByName.get(node.name()) != node) {
                return false;
            }
            if (this.announced) {
                LOGGER.nodeUnreachable(node.name(), reason);
            }
            this.changeState(node, NodeState.UNREACHABLE);
            return true;
        }
    }

    /** Something from the node arrived: an unreachable node is active again. A volatile read when it was not. */
    public void reachable(Node node) {
        if (node.state() == NodeState.UNREACHABLE) {
            synchronized (this) {
                if (node.state() == NodeState.UNREACHABLE) {
                    this.changeState(node, NodeState.ACTIVE);
                }
            }
        }
    }

    /** Removes every non-static node silent longer than node-timeout and returns them. */
    public synchronized List<Node> expire() {
        long now = this.clock.millis();
        long timeout = this.nodeTimeoutMillis;
        List<Node> expired = new ArrayList<>();
        for (Node node : this.nodesByName.values()) {
            long silence = now - node.lastSeen();
            if (!node.isStatic() && silence > timeout) {
                LOGGER.nodeExpired(node.name(), silence, timeout);
                this.unregister(node);
                expired.add(node);
            }
        }
        return expired;
    }

    /** The /lbnoderegex table the user-based algorithm reads. */
    public UserRoutes userRoutes() {
        return this.userRoutes;
    }

    /** How nodes that just joined ramp up to a full share of new work (ramp-up-period, ramp-up-increase). */
    public void setRampUp(RampUp rampUp) {
        this.rampUp = rampUp;
    }

    public RampUp rampUp() {
        return this.rampUp;
    }

    /** Other addresses of the server nodes, for direction only (extra-server-nodes). */
    public void setExtraServerNodes(ExtraServerNodes extraServerNodes) {
        this.extraServerNodes = extraServerNodes;
    }

    /** Whether this address belongs to the servers without being a node (an extra-server-nodes entry). */
    public boolean isExtraServer(String host, int port) {
        return this.extraServerNodes.contains(host, port);
    }

    /** Replaces the static nodes (static-nodes) with the given ones. */
    public synchronized void setStaticNodes(Collection<NodeAdvertisement> advertisements) {
        List<String> wanted = advertisements.stream().map(NodeAdvertisement::nodeName).toList();
        for (Node node : List.copyOf(this.nodesByName.values())) {
            if (node.isStatic() && !wanted.contains(node.name())) {
                this.removeNode(node.name(), "no longer in static-nodes");
            }
        }
        for (NodeAdvertisement advertisement : advertisements) {
            Node existing = this.nodesByName.get(advertisement.nodeName());
            if (existing == null || !existing.isStatic()) {
                this.register(advertisement, NodeSource.STATIC);
            }
        }
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(this.nodesByName.get(name));
    }

    /** The node at this address: by name first, else any node of that ip advertising the port on any transport. */
    public Optional<Node> nodeAt(String ip, int port) {
        return Optional.ofNullable(this.findNodeAt(ip, port));
    }

    /** As {@link #nodeAt(String, int)}, null when there is none: the SIP fast path asks for each in-dialog request. */
    public Node findNodeAt(String ip, int port) {
        return this.addresses.at(ip, port);
    }

    /** As {@link #nodeAt(String, int)} for a datagram's source: no text is made of the address of a known node. */
    public Node nodeAt(InetAddress address, int port) {
        return this.addresses.at(address, port);
    }

    public Collection<Node> nodes() {
        return List.copyOf(this.nodesByName.values());
    }

    /** Nodes that take new work. */
    public List<Node> activeNodes() {
        return this.nodesByName.values().stream().filter(Node::acceptsNewWork).toList();
    }

    public int size() {
        return this.nodesByName.size();
    }

    /** Whether an address belongs to a known node (direction analysis: traffic from it goes to clients). */
    public boolean isNodeAddress(String ip) {
        return this.nodesByName.values().stream().anyMatch(node -> node.ip().equals(ip) || node.hostName().equals(ip));
    }

    /** Forgets every node, telling listeners; used when the balancer stops. */
    public synchronized void clear() {
        for (Node node : List.copyOf(this.nodesByName.values())) {
            this.unregister(node);
        }
        this.jvmRouteSwitchovers.clear();
    }

    /** The node registered under a session, if any. */
    public Optional<Node> nodeOfSession(String sessionId) {
        String name = this.namesBySession.get(sessionId);
        return (name != null) ? Optional.ofNullable(this.nodesByName.get(name)) : Optional.empty();
    }

    /** Under this registry's lock, after any change to the nodes. */
    private void changed() {
        this.generation++;
        this.addresses = new NodeAddresses(this.nodesByName.values());
    }

    private void unregister(Node node) {
        if (this.nodesByName.remove(node.name(), node)) {
            this.changed();
            this.namesBySession.remove(node.sessionId(), node.name());
            this.listeners.forEach(listener -> listener.nodeRemoved(node));
        }
    }

    private void applyGracefulShutdown(Node node, NodeAdvertisement advertisement) {
        if (advertisement.gracefulShutdown() && node.state() == NodeState.ACTIVE) {
            this.changeState(node, NodeState.DRAINING);
        }
    }

    private Optional<Node> changeState(String name, NodeState state) {
        Optional<Node> node = this.node(name);
        node.ifPresent(n -> this.changeState(n, state));
        return node;
    }

    private synchronized void changeState(Node node, NodeState state) {
        NodeState previous = node.state(state);
        if (previous != state) {
            this.changed();
            if (this.announced) {
                LOGGER.nodeStateChanged(node.name(), state.displayName());
            }
            this.listeners.forEach(listener -> listener.nodeStateChanged(node, previous));
        }
    }
}

package org.restcomm.lb.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;

import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.HeartbeatStatistics;

/**
 * Applies heartbeat commands to the registry, whatever transport carried them, once {@link HeartbeatAdmission}
 * lets them in: only allowed sources, only the sender of a session's start may stop or replace it, no node at the
 * balancer's own addresses, a bounded start rate per source and a bounded number of nodes.
 */
public final class HeartbeatProtocol {

    private final NodeRegistry registry;
    private final HeartbeatStatistics statistics;
    private final HeartbeatAdmission admission;

    public HeartbeatProtocol(NodeRegistry registry, HeartbeatStatistics statistics) {
        this(registry, statistics, new HeartbeatAdmission(Clock.systemUTC()));
    }

    public HeartbeatProtocol(NodeRegistry registry, HeartbeatStatistics statistics, HeartbeatAdmission admission) {
        this.registry = registry;
        this.statistics = statistics;
        this.admission = admission;
    }

    public HeartbeatAdmission admission() {
        return this.admission;
    }

    /**
     * @param peer the address the message came from; a refusal ({@link HeartbeatReply#refused()}) changed nothing
     *             and is counted as rejected
     */
    public HeartbeatReply apply(HeartbeatCommand command, NodeSource source, InetSocketAddress peer) {
        Optional<HeartbeatReply> sourceRefusal = this.refuseSource(source, peer);
        if (sourceRefusal.isPresent()) {
            return sourceRefusal.get();
        }
        InetAddress origin = (peer != null) ? peer.getAddress() : null;
        // serialised: the ownership checks and the change they guard must see the same registry
        synchronized (this) {
            HeartbeatReply refusal = this.check(command, origin);
            if (refusal != null) {
                return this.refuse(peer, refusal.status(), refusal.outcome());
            }
            this.statistics.received();
            if (command instanceof HeartbeatCommand.Start start) {
                this.registry.register(start.advertisement(), source, origin);
                return HeartbeatReply.ok(command);
            }
            if (command instanceof HeartbeatCommand.Heartbeat heartbeat) {
                // unknown session: the node's client falls back to start (the original answered OK and lost it)
                return this.registry.heartbeat(heartbeat.sessionId()).isPresent() ? HeartbeatReply.ok(command) : HeartbeatReply.unknownSession(command);
            }
            if (command instanceof HeartbeatCommand.Shutdown shutdown) {
                this.registry.shutdown(shutdown.sessionId());
                return HeartbeatReply.ok(command);
            }
            if (command instanceof HeartbeatCommand.Stop stop) {
                this.registry.stop(stop.sessionId());
                return HeartbeatReply.ok(command);
            }
            HeartbeatCommand.Switchover switchover = (HeartbeatCommand.Switchover) command;
            this.registry.switchover(switchover.fromJvmRoute(), switchover.toJvmRoute());
            return HeartbeatReply.ok(command);
        }
    }

    /** A legacy RMI node asks to be removed at once; as a stop, only its start's sender may. */
    public HeartbeatReply forceRemoval(NodeAdvertisement advertisement, InetSocketAddress peer) {
        Optional<HeartbeatReply> sourceRefusal = this.refuseSource(NodeSource.RMI, peer);
        if (sourceRefusal.isPresent()) {
            return sourceRefusal.get();
        }
        InetAddress origin = (peer != null) ? peer.getAddress() : null;
        synchronized (this) {
            Optional<Node> node = this.registry.node(advertisement.nodeName());
            if (node.isPresent() && !ownedBy(node.get(), origin)) {
                return this.refuse(peer, HeartbeatReply.FORBIDDEN, "node " + node.get().name() + " was started from another address");
            }
            this.statistics.received();
            this.registry.removeNode(advertisement.nodeName(), "removal requested over RMI");
            return new HeartbeatReply(HeartbeatReply.OK, "forceRemoval", "OK");
        }
    }

    /** The counted refusal of a source outside the transport's allowed-sources; receivers may ask before reading a message. */
    public Optional<HeartbeatReply> refuseSource(NodeSource source, InetSocketAddress peer) {
        InetAddress origin = (peer != null) ? peer.getAddress() : null;
        return this.admission.allows(source, origin) ? Optional.empty()
                : Optional.of(this.refuse(peer, HeartbeatReply.FORBIDDEN, "source address not in allowed-sources"));
    }

    /** A message that could not be read at all. */
    public void rejected() {
        this.statistics.rejected();
    }

    /** The refusal for a command, or null when it may be applied. */
    private HeartbeatReply check(HeartbeatCommand command, InetAddress origin) {
        if (command instanceof HeartbeatCommand.Start start) {
            return this.checkStart(start.advertisement(), origin);
        }
        String sessionId = (command instanceof HeartbeatCommand.Stop stop) ? stop.sessionId()
                : (command instanceof HeartbeatCommand.Shutdown shutdown) ? shutdown.sessionId() : null;
        if (sessionId != null) {
            Optional<Node> node = this.registry.nodeOfSession(sessionId);
            if (node.isPresent() && !ownedBy(node.get(), origin)) {
                return forbidden("session " + sessionId + " was started from another address");
            }
        }
        return null;
    }

    private HeartbeatReply checkStart(NodeAdvertisement advertisement, InetAddress origin) {
        for (String property : NodeAdvertisement.PORT_PROPERTIES) {
            var port = advertisement.port(property);
            if (port.isPresent() && this.admission.ownAddresses().contains(advertisement.ip(), port.getAsInt())) {
                return forbidden(property + " " + advertisement.ip() + ":" + port.getAsInt() + " is the balancer's own address");
            }
        }
        String name = advertisement.nodeName();
        Optional<Node> named = this.registry.node(name);
        Optional<Node> session = this.registry.nodeOfSession(advertisement.sessionId());
        if (named.isPresent() && !ownedBy(named.get(), origin)) {
            return forbidden("node " + name + " was started from another address");
        }
        if (session.isPresent() && !ownedBy(session.get(), origin)) {
            return forbidden("session " + advertisement.sessionId() + " was started from another address");
        }
        boolean refresh = named.isPresent() && named.get().sessionId().equals(advertisement.sessionId());
        if (refresh) {
            return null;
        }
        if (!this.admission.tryStart(origin)) {
            return HeartbeatReply.refused(HeartbeatReply.TOO_MANY_REQUESTS, "more starts from this address than heartbeat-rate-limit allows per second");
        }
        int maxNodes = this.admission.maxNodes();
        if (named.isEmpty() && session.isEmpty() && this.registry.size() >= maxNodes) {
            return HeartbeatReply.refused(HeartbeatReply.UNAVAILABLE, "max-nodes (" + maxNodes + ") nodes already registered");
        }
        return null;
    }

    /** A node without a recorded origin (static) has no owner to protect. */
    private static boolean ownedBy(Node node, InetAddress origin) {
        return node.origin() == null || node.origin().equals(origin);
    }

    private static HeartbeatReply forbidden(String reason) {
        return HeartbeatReply.refused(HeartbeatReply.FORBIDDEN, reason);
    }

    private HeartbeatReply refuse(InetSocketAddress peer, int status, String reason) {
        this.statistics.rejected();
        LoadBalancerLogger.ROOT_LOGGER.heartbeatRejected(peer, reason);
        return HeartbeatReply.refused(status, reason);
    }
}

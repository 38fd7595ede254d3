package org.restcomm.lb.node;

import org.restcomm.lb.stats.HeartbeatStatistics;

/** Applies heartbeat commands to the registry, whatever transport carried them. */
public final class HeartbeatProtocol {

    private final NodeRegistry registry;
    private final HeartbeatStatistics statistics;

    public HeartbeatProtocol(NodeRegistry registry, HeartbeatStatistics statistics) {
        this.registry = registry;
        this.statistics = statistics;
    }

    public HeartbeatReply apply(HeartbeatCommand command, NodeSource source) {
        this.statistics.received();
        if (command instanceof HeartbeatCommand.Start start) {
            this.registry.register(start.advertisement(), source);
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

    /** A legacy RMI node asks to be removed at once. */
    public void forceRemoval(NodeAdvertisement advertisement) {
        this.statistics.received();
        this.registry.removeNode(advertisement.nodeName(), "removal requested over RMI");
    }

    public void rejected() {
        this.statistics.rejected();
    }
}

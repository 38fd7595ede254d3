package org.restcomm.lb.node.subsystem;

import java.util.concurrent.CompletionStage;

import org.jboss.as.server.suspend.ServerResumeContext;
import org.jboss.as.server.suspend.ServerSuspendContext;
import org.jboss.as.server.suspend.SuspendableActivity;
import org.jboss.as.server.suspend.SuspendableActivityRegistry;
import org.jboss.as.server.suspend.SuspensionStateProvider;
import org.restcomm.lb.node.client.NodeHeartbeatSender;

/**
 * This server as a node: heartbeats while it runs, {@code shutdown} (drain) when it suspends, a new {@code start}
 * when it resumes, {@code stop} when the subsystem stops.
 */
final class ServerNode implements SuspendableActivity {

    private final NodeHeartbeatSender sender;
    private final SuspendableActivityRegistry suspension;

    ServerNode(NodeHeartbeatSender sender, SuspendableActivityRegistry suspension) {
        this.sender = sender;
        this.suspension = suspension;
    }

    void start() {
        this.suspension.registerActivity(this);
        // a booting server is suspended until boot completes; its resume() starts the heartbeat then
        if (this.suspension.getState() == SuspensionStateProvider.State.RUNNING) {
            this.sender.start();
        }
    }

    void stop() {
        this.suspension.unregisterActivity(this);
        this.sender.stop();
    }

    /** Drain before the server stops taking requests, so the balancers stop sending new ones first. */
    @Override
    public CompletionStage<Void> prepare(ServerSuspendContext context) {
        return this.sender.shutdown();
    }

    @Override
    public CompletionStage<Void> suspend(ServerSuspendContext context) {
        return SuspendableActivity.COMPLETED;
    }

    @Override
    public CompletionStage<Void> resume(ServerResumeContext context) {
        return this.sender.resume();
    }

    NodeHeartbeatSender sender() {
        return this.sender;
    }
}

package org.restcomm.lb.node;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.restcomm.lb.logging.LoadBalancerLogger;

/** Runs the registry's expiry every heartbeat-interval; the interval can change while it runs. */
public final class NodeExpiry {

    private final NodeRegistry registry;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;
    private long intervalMillis;

    public NodeExpiry(NodeRegistry registry, long intervalMillis) {
        this.registry = registry;
        this.intervalMillis = intervalMillis;
    }

    public synchronized void start() {
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "load-balancer-node-expiry");
            thread.setDaemon(true);
            return thread;
        });
        this.schedule();
    }

    public synchronized void stop() {
        if (this.executor != null) {
            this.executor.shutdownNow();
            this.executor = null;
            this.task = null;
        }
    }

    public synchronized long intervalMillis() {
        return this.intervalMillis;
    }

    public synchronized void setIntervalMillis(long intervalMillis) {
        this.intervalMillis = intervalMillis;
        if (this.task != null) {
            this.task.cancel(false);
            this.schedule();
        }
    }

    private void expire() {
        try {
            this.registry.expire();
        } catch (RuntimeException e) {
            // a failing listener must not end expiry for good
            LoadBalancerLogger.ROOT_LOGGER.expiryFailed(e);
        }
    }

    private void schedule() {
        this.task = this.executor.scheduleWithFixedDelay(this::expire, this.intervalMillis, this.intervalMillis, TimeUnit.MILLISECONDS);
    }
}

package org.restcomm.lb.algorithm;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A daemon thread that runs an algorithm's idle-key eviction once a second until closed. */
final class IdleSweep implements AutoCloseable {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "load-balancer-affinity-eviction");
        thread.setDaemon(true);
        return thread;
    });

    IdleSweep(Runnable sweep) {
        this.executor.scheduleWithFixedDelay(sweep, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        this.executor.shutdownNow();
    }
}

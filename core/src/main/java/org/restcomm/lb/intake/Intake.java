package org.restcomm.lb.intake;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the balancer takes new work — new calls, HTTP requests, SMPP binds — and how much work it has in flight.
 * Engines ask it before starting work; whoever suspends the balancer closes it, and in-dialog SIP requests, HTTP
 * exchanges already running and bound SMPP sessions carry on until they end.
 */
public final class Intake {

    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean accepting = true;
    private volatile CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    public boolean accepting() {
        return this.accepting;
    }

    /** Work in flight: HTTP exchanges being proxied and bound SMPP sessions. */
    public long inFlight() {
        return this.inFlight.get();
    }

    public void workStarted() {
        this.inFlight.incrementAndGet();
    }

    public void workEnded() {
        if (this.inFlight.decrementAndGet() == 0 && !this.accepting) {
            this.drained.complete(null);
        }
    }

    /** Refuses new work from now on; the stage completes once the work in flight has ended. */
    public synchronized CompletionStage<Void> stopAccepting() {
        if (this.accepting) {
            this.drained = new CompletableFuture<>();
            this.accepting = false;
        }
        CompletableFuture<Void> current = this.drained;
        if (this.inFlight.get() == 0) {
            current.complete(null);
        }
        return current;
    }

    public synchronized void resumeAccepting() {
        this.accepting = true;
        // a suspend still waiting has nothing left to wait for
        this.drained.complete(null);
    }
}

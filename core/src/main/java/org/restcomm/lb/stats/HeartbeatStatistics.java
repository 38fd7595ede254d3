package org.restcomm.lb.stats;

import java.util.concurrent.atomic.LongAdder;

/** Counters of node heartbeats, whatever their transport. */
public final class HeartbeatStatistics {

    private final StatisticsSwitch enabled;
    private final LongAdder received = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    HeartbeatStatistics(StatisticsSwitch enabled) {
        this.enabled = enabled;
    }

    /** A heartbeat message (start, heartbeat, shutdown, stop, switchover, ping) was accepted. */
    public void received() {
        if (this.enabled.isEnabled()) {
            this.received.increment();
        }
    }

    /** A heartbeat message was malformed and turned away. */
    public void rejected() {
        if (this.enabled.isEnabled()) {
            this.rejected.increment();
        }
    }

    public long receivedCount() {
        return this.received.sum();
    }

    public long rejectedCount() {
        return this.rejected.sum();
    }

    void reset() {
        this.received.reset();
        this.rejected.reset();
    }
}

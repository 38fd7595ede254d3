package org.restcomm.lb.stats;

import java.util.concurrent.atomic.LongAdder;

/** A count of things open now (connections, calls); kept while statistics are disabled, or it would drift. */
public final class Gauge {

    private final LongAdder value = new LongAdder();

    public void increment() {
        this.value.increment();
    }

    public void decrement() {
        this.value.decrement();
    }

    public long value() {
        return this.value.sum();
    }
}

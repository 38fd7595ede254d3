package org.restcomm.lb.node;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand, so expiry is tested without sleeping. */
public final class MutableClock extends Clock {

    private long millis = 1_700_000_000_000L;

    public void advance(long delta) {
        this.millis += delta;
    }

    @Override
    public long millis() {
        return this.millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(this.millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}

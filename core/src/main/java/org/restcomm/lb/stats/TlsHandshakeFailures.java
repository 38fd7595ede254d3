package org.restcomm.lb.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * TLS handshakes that failed on any engine's secure listener: plain text on a TLS port, a garbage or aborted
 * handshake, an untrusted client certificate, a handshake that never finished. One counter the engines share, as
 * the {@code tls-handshake-failures} metric is balancer-wide.
 */
public final class TlsHandshakeFailures {

    private final StatisticsSwitch enabled;
    private final LongAdder failures = new LongAdder();

    TlsHandshakeFailures(StatisticsSwitch enabled) {
        this.enabled = enabled;
    }

    public void failed() {
        if (this.enabled.isEnabled()) {
            this.failures.increment();
        }
    }

    public long count() {
        return this.failures.sum();
    }

    void reset() {
        this.failures.reset();
    }
}

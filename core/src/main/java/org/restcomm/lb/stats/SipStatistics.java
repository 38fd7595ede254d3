package org.restcomm.lb.stats;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the SIP engine, named after the original balancer's statistics. */
public final class SipStatistics {

    private final StatisticsSwitch enabled;
    private final LongAdder requestsProcessed = new LongAdder();
    private final LongAdder responsesProcessed = new LongAdder();
    private final LongAdder bytesTransferred = new LongAdder();
    private final KeyedCounters<String> requestsByMethod = new KeyedCounters<>();
    private final KeyedCounters<String> responsesByStatusCode = new KeyedCounters<>();
    private final LongAdder malformedMessages = new LongAdder();
    private final LongAdder stalledConnections = new LongAdder();
    private final Gauge activeConnections = new Gauge();
    private final Gauge activeCalls = new Gauge();

    private final TlsHandshakeFailures tlsHandshakeFailures;

    SipStatistics(StatisticsSwitch enabled, TlsHandshakeFailures tlsHandshakeFailures) {
        this.enabled = enabled;
        this.tlsHandshakeFailures = tlsHandshakeFailures;
    }

    public void requestProcessed(String method, int bytes) {
        if (this.enabled.isEnabled()) {
            this.requestsProcessed.increment();
            this.requestsByMethod.increment(method);
            this.bytesTransferred.add(bytes);
        }
    }

    public void responseProcessed(int statusCode, int bytes) {
        if (this.enabled.isEnabled()) {
            this.responsesProcessed.increment();
            this.responsesByStatusCode.increment(StatusClass.of(statusCode));
            this.bytesTransferred.add(bytes);
        }
    }

    /**
     * A message the balancer refused: unreadable, refused by the grammar (answered 400 or 505 when it was a request), a
     * response it never asked for, or a connection that never sent a whole message.
     */
    public void malformedMessage() {
        if (this.enabled.isEnabled()) {
            this.malformedMessages.increment();
        }
    }

    public long malformedMessages() {
        return this.malformedMessages.sum();
    }

    /** A TCP or WebSocket connection cut because its peer took no bytes (max-queued-bytes, write-stall-timeout). */
    public void stalledConnection() {
        if (this.enabled.isEnabled()) {
            this.stalledConnections.increment();
        }
    }

    public long stalledConnections() {
        return this.stalledConnections.sum();
    }

    public long requestsProcessed() {
        return this.requestsProcessed.sum();
    }

    public long responsesProcessed() {
        return this.responsesProcessed.sum();
    }

    public long bytesTransferred() {
        return this.bytesTransferred.sum();
    }

    public KeyedCounters<String> requestsByMethod() {
        return this.requestsByMethod;
    }

    /** Keyed by status class: "1XX" ... "6XX". */
    public KeyedCounters<String> responsesByStatusCode() {
        return this.responsesByStatusCode;
    }

    public Gauge activeConnections() {
        return this.activeConnections;
    }

    public Gauge activeCalls() {
        return this.activeCalls;
    }

    /** Where this engine's secure listeners count their failed handshakes. */
    public TlsHandshakeFailures tlsHandshakeFailures() {
        return this.tlsHandshakeFailures;
    }

    void reset() {
        this.requestsProcessed.reset();
        this.stalledConnections.reset();
        this.responsesProcessed.reset();
        this.bytesTransferred.reset();
        this.requestsByMethod.reset();
        this.responsesByStatusCode.reset();
        this.malformedMessages.reset();
    }
}

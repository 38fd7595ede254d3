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
    private final Gauge activeConnections = new Gauge();
    private final Gauge activeCalls = new Gauge();

    SipStatistics(StatisticsSwitch enabled) {
        this.enabled = enabled;
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

    /** A message the SIP parser could not read; it was dropped or answered 400. */
    public void malformedMessage() {
        if (this.enabled.isEnabled()) {
            this.malformedMessages.increment();
        }
    }

    public long malformedMessages() {
        return this.malformedMessages.sum();
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

    void reset() {
        this.requestsProcessed.reset();
        this.responsesProcessed.reset();
        this.bytesTransferred.reset();
        this.requestsByMethod.reset();
        this.responsesByStatusCode.reset();
        this.malformedMessages.reset();
    }
}

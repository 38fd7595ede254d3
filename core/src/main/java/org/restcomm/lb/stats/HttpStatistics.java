package org.restcomm.lb.stats;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the HTTP/WebSocket engine, named after the original balancer's statistics. */
public final class HttpStatistics {

    private final StatisticsSwitch enabled;
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytesToServer = new LongAdder();
    private final LongAdder bytesToClient = new LongAdder();
    private final KeyedCounters<String> requestsByMethod = new KeyedCounters<>();
    private final KeyedCounters<String> responsesByStatusCode = new KeyedCounters<>();
    private final Gauge activeConnections = new Gauge();
    private final LongAdder stalledConnections = new LongAdder();

    private final TlsHandshakeFailures tlsHandshakeFailures;

    HttpStatistics(StatisticsSwitch enabled, TlsHandshakeFailures tlsHandshakeFailures) {
        this.enabled = enabled;
        this.tlsHandshakeFailures = tlsHandshakeFailures;
    }

    public void requestForwarded(String method) {
        if (this.enabled.isEnabled()) {
            this.requests.increment();
            this.requestsByMethod.increment(method);
        }
    }

    public void responseReturned(int statusCode) {
        if (this.enabled.isEnabled()) {
            this.responsesByStatusCode.increment(StatusClass.of(statusCode));
        }
    }

    public void bytesToServer(long bytes) {
        if (this.enabled.isEnabled()) {
            this.bytesToServer.add(bytes);
        }
    }

    public void bytesToClient(long bytes) {
        if (this.enabled.isEnabled()) {
            this.bytesToClient.add(bytes);
        }
    }

    public long requests() {
        return this.requests.sum();
    }

    public long bytesToServer() {
        return this.bytesToServer.sum();
    }

    public long bytesToClient() {
        return this.bytesToClient.sum();
    }

    public KeyedCounters<String> requestsByMethod() {
        return this.requestsByMethod;
    }

    /** Keyed by status class: "1XX" ... "5XX". */
    public KeyedCounters<String> responsesByStatusCode() {
        return this.responsesByStatusCode;
    }

    /** A client connection closed because it took no bytes for longer than write-stall-timeout. */
    public void stalledConnection() {
        if (this.enabled.isEnabled()) {
            this.stalledConnections.increment();
        }
    }

    public long stalledConnections() {
        return this.stalledConnections.sum();
    }

    public Gauge activeConnections() {
        return this.activeConnections;
    }

    /** Where this engine's secure listeners count their failed handshakes. */
    public TlsHandshakeFailures tlsHandshakeFailures() {
        return this.tlsHandshakeFailures;
    }

    void reset() {
        this.requests.reset();
        this.bytesToServer.reset();
        this.bytesToClient.reset();
        this.requestsByMethod.reset();
        this.responsesByStatusCode.reset();
        this.stalledConnections.reset();
    }
}

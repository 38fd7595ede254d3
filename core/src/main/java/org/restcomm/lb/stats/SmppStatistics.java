package org.restcomm.lb.stats;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the SMPP engine, named after the original balancer's statistics. */
public final class SmppStatistics {

    private final StatisticsSwitch enabled;
    private final LongAdder requestsToServer = new LongAdder();
    private final LongAdder requestsToClient = new LongAdder();
    private final LongAdder bytesToServer = new LongAdder();
    private final LongAdder bytesToClient = new LongAdder();
    private final LongAdder malformedPdus = new LongAdder();
    private final LongAdder stalledConnections = new LongAdder();
    private final KeyedCounters<Integer> requestsByCommandId = new KeyedCounters<>();
    private final KeyedCounters<Integer> responsesByCommandId = new KeyedCounters<>();
    private final Gauge activeConnections = new Gauge();

    private final TlsHandshakeFailures tlsHandshakeFailures;

    SmppStatistics(StatisticsSwitch enabled, TlsHandshakeFailures tlsHandshakeFailures) {
        this.enabled = enabled;
        this.tlsHandshakeFailures = tlsHandshakeFailures;
    }

    public void requestToServer(int commandId, int bytes) {
        if (this.enabled.isEnabled()) {
            this.requestsToServer.increment();
            this.requestsByCommandId.increment(commandId);
            this.bytesToServer.add(bytes);
        }
    }

    public void requestToClient(int commandId, int bytes) {
        if (this.enabled.isEnabled()) {
            this.requestsToClient.increment();
            this.requestsByCommandId.increment(commandId);
            this.bytesToClient.add(bytes);
        }
    }

    public void responseToServer(int commandId, int bytes) {
        if (this.enabled.isEnabled()) {
            this.responsesByCommandId.increment(commandId);
            this.bytesToServer.add(bytes);
        }
    }

    public void responseToClient(int commandId, int bytes) {
        if (this.enabled.isEnabled()) {
            this.responsesByCommandId.increment(commandId);
            this.bytesToClient.add(bytes);
        }
    }

    /** A PDU the balancer could not frame or read: bad command_length, unknown command_id, truncated body. */
    public void malformedPdu() {
        if (this.enabled.isEnabled()) {
            this.malformedPdus.increment();
        }
    }

    /** A connection closed because its socket refused writes for longer than write-stall-timeout. */
    public void stalledConnection() {
        if (this.enabled.isEnabled()) {
            this.stalledConnections.increment();
        }
    }

    public long stalledConnections() {
        return this.stalledConnections.sum();
    }

    public long malformedPdus() {
        return this.malformedPdus.sum();
    }

    public long requestsToServer() {
        return this.requestsToServer.sum();
    }

    public long requestsToClient() {
        return this.requestsToClient.sum();
    }

    public long bytesToServer() {
        return this.bytesToServer.sum();
    }

    public long bytesToClient() {
        return this.bytesToClient.sum();
    }

    public KeyedCounters<Integer> requestsByCommandId() {
        return this.requestsByCommandId;
    }

    public KeyedCounters<Integer> responsesByCommandId() {
        return this.responsesByCommandId;
    }

    public Gauge activeConnections() {
        return this.activeConnections;
    }

    /** Where this engine's secure listeners count their failed handshakes. */
    public TlsHandshakeFailures tlsHandshakeFailures() {
        return this.tlsHandshakeFailures;
    }

    void reset() {
        this.requestsToServer.reset();
        this.requestsToClient.reset();
        this.bytesToServer.reset();
        this.bytesToClient.reset();
        this.malformedPdus.reset();
        this.stalledConnections.reset();
        this.requestsByCommandId.reset();
        this.responsesByCommandId.reset();
    }
}

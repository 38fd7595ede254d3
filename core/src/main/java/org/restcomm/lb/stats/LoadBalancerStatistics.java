package org.restcomm.lb.stats;

/**
 * The one set of counters behind every statistics view: management metrics, the JMX MBean and /lbstat.
 */
public final class LoadBalancerStatistics {

    private volatile boolean enabled;
    private final TlsHandshakeFailures tlsHandshakeFailures = new TlsHandshakeFailures(this::isEnabled);
    private final SipStatistics sip = new SipStatistics(this::isEnabled, this.tlsHandshakeFailures);
    private final HttpStatistics http = new HttpStatistics(this::isEnabled, this.tlsHandshakeFailures);
    private final SmppStatistics smpp = new SmppStatistics(this::isEnabled, this.tlsHandshakeFailures);
    private final HeartbeatStatistics heartbeats = new HeartbeatStatistics(this::isEnabled);
    private final JvmStatistics jvm = new JvmStatistics();

    public LoadBalancerStatistics(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public SipStatistics sip() {
        return this.sip;
    }

    public HttpStatistics http() {
        return this.http;
    }

    public SmppStatistics smpp() {
        return this.smpp;
    }

    public HeartbeatStatistics heartbeats() {
        return this.heartbeats;
    }

    /** Failed TLS handshakes of every engine. */
    public TlsHandshakeFailures tlsHandshakeFailures() {
        return this.tlsHandshakeFailures;
    }

    public JvmStatistics jvm() {
        return this.jvm;
    }

    /** Zeroes the counters; gauges (active connections and calls) describe the present and are kept. */
    public void reset() {
        this.sip.reset();
        this.http.reset();
        this.smpp.reset();
        this.heartbeats.reset();
        this.tlsHandshakeFailures.reset();
    }
}

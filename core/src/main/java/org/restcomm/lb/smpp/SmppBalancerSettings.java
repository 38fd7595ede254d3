package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * Behaviour of the SMPP engine, from {@code smpp=default}; durations in milliseconds.
 *
 * @param remoteServers SMSCs to bind to, besides the nodes that heartbeat an {@code smppPort}
 * @param windowSize requests an ESME may have outstanding before the balancer throttles it
 * @param rebindingStatus command_status of answers to requests that arrive while the upstream rebinds
 * @param maxQueuedBytes bytes that may wait in the balancer for one socket that does not take them: past it the side
 *        feeding that socket is no longer read and requests for it are answered ESME_RTHROTTLED (Netty's high water mark)
 * @param writeStallTimeoutMillis how long a socket may refuse writes before its connection is closed
 * @param handshakeTimeoutMillis how long a TLS handshake (ESME side or SMSC side) may take before its connection is closed
 * @param backendSslContext TLS towards the SMSCs (a client context); null for plain SMPP
 * @param toProviderAlgorithm which SMSC takes a bind (regular mode) or a request (mux mode)
 * @param toNodeAlgorithm which ESMEs of a mux group get an SMSC request
 */
public record SmppBalancerSettings(List<InetSocketAddress> remoteServers, int windowSize, long responseTimeoutMillis, long bindTimeoutMillis,
        long enquireLinkIntervalMillis, long reconnectIntervalMillis, long clientCheckTimeoutMillis, long serverCheckTimeoutMillis,
        int rebindingStatus, SmppMode mode, int maxQueuedBytes, long writeStallTimeoutMillis, long handshakeTimeoutMillis,
        SSLContext backendSslContext, SmppToProviderAlgorithm toProviderAlgorithm, SmppToNodeAlgorithm toNodeAlgorithm) {

    public static final int DEFAULT_WINDOW_SIZE = 10;
    public static final long DEFAULT_RESPONSE_TIMEOUT = 10_000;
    public static final long DEFAULT_BIND_TIMEOUT = 1_000;
    public static final long DEFAULT_ENQUIRE_LINK_INTERVAL = 50_000;
    public static final long DEFAULT_RECONNECT_INTERVAL = 1_000;
    public static final long DEFAULT_CHECK_TIMEOUT = 1_000;
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
    public static final long DEFAULT_WRITE_STALL_TIMEOUT = 30_000;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
    /** Below this a socket would be unwritable after almost every write. */
    public static final int MIN_MAX_QUEUED_BYTES = 1024;

    public SmppBalancerSettings {
        remoteServers = List.copyOf(remoteServers);
        Objects.requireNonNull(toProviderAlgorithm, "to-provider-algorithm");
        Objects.requireNonNull(toNodeAlgorithm, "to-node-algorithm");
        if (windowSize < 1) {
            throw new IllegalArgumentException("window-size must be at least 1, not " + windowSize);
        }
        if (maxQueuedBytes < MIN_MAX_QUEUED_BYTES) {
            throw new IllegalArgumentException("max-queued-bytes must be at least " + MIN_MAX_QUEUED_BYTES + ", not " + maxQueuedBytes);
        }
        if (writeStallTimeoutMillis < 1) {
            throw new IllegalArgumentException("write-stall-timeout must be at least 1, not " + writeStallTimeoutMillis);
        }
        if (handshakeTimeoutMillis < 1) {
            throw new IllegalArgumentException("handshake-timeout must be at least 1, not " + handshakeTimeoutMillis);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy with other remote servers. */
    public SmppBalancerSettings withRemoteServers(List<InetSocketAddress> servers) {
        return new SmppBalancerSettings(servers, this.windowSize, this.responseTimeoutMillis, this.bindTimeoutMillis, this.enquireLinkIntervalMillis,
                this.reconnectIntervalMillis, this.clientCheckTimeoutMillis, this.serverCheckTimeoutMillis, this.rebindingStatus, this.mode,
                this.maxQueuedBytes, this.writeStallTimeoutMillis, this.handshakeTimeoutMillis, this.backendSslContext, this.toProviderAlgorithm,
                this.toNodeAlgorithm);
    }

    /** Starts from the guide's defaults. */
    public static final class Builder {
        private List<InetSocketAddress> remoteServers = List.of();
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private long responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private long bindTimeout = DEFAULT_BIND_TIMEOUT;
        private long enquireLinkInterval = DEFAULT_ENQUIRE_LINK_INTERVAL;
        private long reconnectInterval = DEFAULT_RECONNECT_INTERVAL;
        private long clientCheckTimeout = DEFAULT_CHECK_TIMEOUT;
        private long serverCheckTimeout = DEFAULT_CHECK_TIMEOUT;
        private int rebindingStatus = PduHeader.ESME_RSYSERR;
        private SmppMode mode = SmppMode.REGULAR;
        private int maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private long writeStallTimeout = DEFAULT_WRITE_STALL_TIMEOUT;
        private long handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private SSLContext backendSslContext;
        private SmppToProviderAlgorithm toProviderAlgorithm = SmppToProviderAlgorithm.ROUND_ROBIN;
        private SmppToNodeAlgorithm toNodeAlgorithm = SmppToNodeAlgorithm.ROUND_ROBIN;

        private Builder() {
        }

        public Builder remoteServers(List<InetSocketAddress> servers) {
            this.remoteServers = servers;
            return this;
        }

        public Builder windowSize(int size) {
            this.windowSize = size;
            return this;
        }

        public Builder responseTimeout(long millis) {
            this.responseTimeout = millis;
            return this;
        }

        public Builder bindTimeout(long millis) {
            this.bindTimeout = millis;
            return this;
        }

        public Builder enquireLinkInterval(long millis) {
            this.enquireLinkInterval = millis;
            return this;
        }

        public Builder reconnectInterval(long millis) {
            this.reconnectInterval = millis;
            return this;
        }

        public Builder clientCheckTimeout(long millis) {
            this.clientCheckTimeout = millis;
            return this;
        }

        public Builder serverCheckTimeout(long millis) {
            this.serverCheckTimeout = millis;
            return this;
        }

        public Builder rebindingStatus(int status) {
            this.rebindingStatus = status;
            return this;
        }

        public Builder mode(SmppMode mode) {
            this.mode = mode;
            return this;
        }

        public Builder maxQueuedBytes(int bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        public Builder writeStallTimeout(long millis) {
            this.writeStallTimeout = millis;
            return this;
        }

        public Builder handshakeTimeout(long millis) {
            this.handshakeTimeout = millis;
            return this;
        }

        /** TLS towards the SMSCs; null, the default, for plain SMPP. */
        public Builder backendSslContext(SSLContext context) {
            this.backendSslContext = context;
            return this;
        }

        public Builder toProviderAlgorithm(SmppToProviderAlgorithm algorithm) {
            this.toProviderAlgorithm = algorithm;
            return this;
        }

        public Builder toNodeAlgorithm(SmppToNodeAlgorithm algorithm) {
            this.toNodeAlgorithm = algorithm;
            return this;
        }

        public SmppBalancerSettings build() {
            return new SmppBalancerSettings(this.remoteServers, this.windowSize, this.responseTimeout, this.bindTimeout, this.enquireLinkInterval,
                    this.reconnectInterval, this.clientCheckTimeout, this.serverCheckTimeout, this.rebindingStatus, this.mode,
                    this.maxQueuedBytes, this.writeStallTimeout, this.handshakeTimeout, this.backendSslContext, this.toProviderAlgorithm, this.toNodeAlgorithm);
        }
    }
}

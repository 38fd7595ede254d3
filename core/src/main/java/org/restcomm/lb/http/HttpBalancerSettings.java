package org.restcomm.lb.http;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import javax.net.ssl.SSLContext;

import org.restcomm.lb.node.HostAndPort;

/**
 * Behaviour of the HTTP/WebSocket engine, from {@code http=default}.
 *
 * @param unavailableHost where requests go when no node can take them; null answers 503 instead
 * @param maxRequestSize largest request body forwarded, in bytes; 0 for no limit (413 above it)
 * @param maxResponseSize largest answer body relayed from a node, in bytes; 0 for no limit (502, or a cut answer, above it)
 * @param maxRequestTime longest a request may take at its node, from waiting for a connection to the end of the answer, in
 *        milliseconds; 0 for no limit (504 past it, or a cut answer when it has begun)
 * @param forwardedHeaders whether X-Forwarded-For/Proto/Host/Port/Server and {@code Forwarded} are added
 * @param badNodeRequestPattern requests whose URI it finds: a 5xx answer to one marks the node bad; null for none
 * @param connectionsPerThread pooled connections to each node per I/O thread
 * @param requestQueueSize requests that may wait per I/O thread for a connection to a busy node
 * @param problemServerRetrySeconds how long a node that refused a connection rests before the pool tries it again
 * @param noRequestTimeout milliseconds a connection may stay open without a request before it is closed; 0 for ever
 * @param requestParseTimeout milliseconds a client may take to send a request's head; 0 for no limit
 * @param backendSslContext TLS towards the nodes, to their sslPort and wssPort instead of httpPort and wsPort; null for plain HTTP
 * @param writeStallTimeout milliseconds an answer may wait for a client that takes no bytes before its connection is closed; 0 for ever
 * @param handshakeTimeout milliseconds an HTTPS client may take to finish its TLS handshake before its connection is closed; 0 for ever
 * @param httpsRedirect where plain HTTP requests are redirected to, or {@link HttpsRedirectSettings#OFF}
 * @param rewriteRules URL rewriting before the proxy, or {@link RewriteRules#NONE}
 */
public record HttpBalancerSettings(HostAndPort unavailableHost, long maxRequestSize, long maxResponseSize, int maxRequestTime, boolean forwardedHeaders,
        Pattern badNodeRequestPattern, int connectionsPerThread, int requestQueueSize, int problemServerRetrySeconds, SSLContext backendSslContext,
        int noRequestTimeout, int requestParseTimeout, int writeStallTimeout, int handshakeTimeout, HttpsRedirectSettings httpsRedirect,
        RewriteRules rewriteRules) {

    /** As WildFly's HTTP listeners: a kept-alive connection with no request for a minute is closed. */
    public static final int DEFAULT_NO_REQUEST_TIMEOUT = 60_000;
    /** A client that takes longer than this to send a request's head is cut off, so slow senders cannot hold connections. */
    public static final int DEFAULT_REQUEST_PARSE_TIMEOUT = 60_000;

    /** A client that has taken no bytes of an answer for this long is cut off, with the node's connection. */
    public static final int DEFAULT_WRITE_STALL_TIMEOUT = 30_000;

    /** A TLS client that has not finished its handshake within this is cut off, so half-open handshakes cannot hold connections. */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

    public static final int DEFAULT_CONNECTIONS_PER_THREAD = 32;
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 256;
    public static final int DEFAULT_PROBLEM_SERVER_RETRY = 10;

    public HttpBalancerSettings {
        if (maxRequestSize < 0) {
            throw new IllegalArgumentException("max-request-size must not be negative, not " + maxRequestSize);
        }
        if (maxResponseSize < 0) {
            throw new IllegalArgumentException("max-response-size must not be negative, not " + maxResponseSize);
        }
        if (maxRequestTime < 0) {
            throw new IllegalArgumentException("max-request-time must not be negative, not " + maxRequestTime);
        }
        if (noRequestTimeout < 0 || requestParseTimeout < 0) {
            throw new IllegalArgumentException("timeouts must not be negative, not " + noRequestTimeout + " and " + requestParseTimeout);
        }
        if (writeStallTimeout < 0) {
            throw new IllegalArgumentException("write-stall-timeout must not be negative, not " + writeStallTimeout);
        }
        if (handshakeTimeout < 0) {
            throw new IllegalArgumentException("handshake-timeout must not be negative, not " + handshakeTimeout);
        }
        if (rewriteRules == null) {
            throw new IllegalArgumentException("rewriteRules must not be null; RewriteRules.NONE for none");
        }
        if (httpsRedirect == null) {
            throw new IllegalArgumentException("httpsRedirect must not be null; HttpsRedirectSettings.OFF for none");
        }
        if (connectionsPerThread < 1) {
            throw new IllegalArgumentException("connections per thread must be at least 1, not " + connectionsPerThread);
        }
        if (requestQueueSize < 0) {
            throw new IllegalArgumentException("request queue size must not be negative, not " + requestQueueSize);
        }
    }

    public static HttpBalancerSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts from the defaults: 503 when no node, no size or time limits, forwarded headers on. */
    public static final class Builder {
        private HostAndPort unavailableHost;
        private long maxRequestSize;
        private long maxResponseSize;
        private int maxRequestTime;
        private boolean forwardedHeaders = true;
        private Pattern badNodeRequestPattern;
        private int connectionsPerThread = DEFAULT_CONNECTIONS_PER_THREAD;
        private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
        private int problemServerRetrySeconds = DEFAULT_PROBLEM_SERVER_RETRY;
        private SSLContext backendSslContext;
        private int noRequestTimeout = DEFAULT_NO_REQUEST_TIMEOUT;
        private int requestParseTimeout = DEFAULT_REQUEST_PARSE_TIMEOUT;
        private int writeStallTimeout = DEFAULT_WRITE_STALL_TIMEOUT;
        private int handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private HttpsRedirectSettings httpsRedirect = HttpsRedirectSettings.OFF;
        private RewriteRules rewriteRules = RewriteRules.NONE;

        private Builder() {
        }

        /** {@code host:port} as the original's unavailableHost; port 80 when absent; null or blank for none. */
        public Builder unavailableHost(String hostAndPort) {
            this.unavailableHost = (hostAndPort == null || hostAndPort.isBlank()) ? null : HostAndPort.parse(hostAndPort, 80);
            return this;
        }

        public Builder maxRequestSize(long bytes) {
            this.maxRequestSize = bytes;
            return this;
        }

        public Builder maxResponseSize(long bytes) {
            this.maxResponseSize = bytes;
            return this;
        }

        public Builder maxRequestTime(int milliseconds) {
            this.maxRequestTime = milliseconds;
            return this;
        }

        public Builder forwardedHeaders(boolean enabled) {
            this.forwardedHeaders = enabled;
            return this;
        }

        /** The original's requestCheckPattern, a Java regular expression; null or blank for none. */
        public Builder badNodeRequestPattern(String regex) {
            try {
                this.badNodeRequestPattern = (regex == null || regex.isBlank()) ? null : Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad-node-request-pattern is not a regular expression: " + e.getDescription(), e);
            }
            return this;
        }

        public Builder connectionsPerThread(int connections) {
            this.connectionsPerThread = connections;
            return this;
        }

        public Builder requestQueueSize(int size) {
            this.requestQueueSize = size;
            return this;
        }

        public Builder problemServerRetrySeconds(int seconds) {
            this.problemServerRetrySeconds = seconds;
            return this;
        }

        /** TLS towards the nodes (the original's isRemoteServerSsl); null for plain HTTP. */
        public Builder backendSslContext(SSLContext context) {
            this.backendSslContext = context;
            return this;
        }

        public Builder noRequestTimeout(int milliseconds) {
            this.noRequestTimeout = milliseconds;
            return this;
        }

        public Builder requestParseTimeout(int milliseconds) {
            this.requestParseTimeout = milliseconds;
            return this;
        }

        public Builder writeStallTimeout(int milliseconds) {
            this.writeStallTimeout = milliseconds;
            return this;
        }

        public Builder handshakeTimeout(int milliseconds) {
            this.handshakeTimeout = milliseconds;
            return this;
        }

        public Builder rewriteRules(RewriteRules rules) {
            this.rewriteRules = rules;
            return this;
        }

        public Builder httpsRedirect(HttpsRedirectSettings redirect) {
            this.httpsRedirect = redirect;
            return this;
        }

        public HttpBalancerSettings build() {
            return new HttpBalancerSettings(this.unavailableHost, this.maxRequestSize, this.maxResponseSize, this.maxRequestTime, this.forwardedHeaders,
                    this.badNodeRequestPattern, this.connectionsPerThread, this.requestQueueSize, this.problemServerRetrySeconds, this.backendSslContext,
                    this.noRequestTimeout, this.requestParseTimeout, this.writeStallTimeout, this.handshakeTimeout, this.httpsRedirect,
                    this.rewriteRules);
        }
    }
}

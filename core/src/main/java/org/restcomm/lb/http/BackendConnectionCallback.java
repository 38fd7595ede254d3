package org.restcomm.lb.http;


import java.util.function.IntConsumer;

import io.undertow.client.ClientConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import org.restcomm.lb.stats.HttpStatistics;

/**
 * Hands ProxyHandler the pooled connection to the node, noting it on the exchange so that a request over
 * max-request-size can cut it. The connection is wrapped in a {@link NodeConnection} only when the exchange needs
 * more than Undertow does: forwarded-headers=false, max-response-size, a request bad-node-request-pattern watches, or
 * a WebSocket upgrade whose bytes are counted.
 */
final class BackendConnectionCallback implements ProxyCallback<ProxyConnection> {

    /** The connection to the node of an exchange being proxied. */
    static final AttachmentKey<ClientConnection> BACKEND = AttachmentKey.create(ClientConnection.class);

    private final ProxyCallback<ProxyConnection> delegate;
    private final HttpBalancerSettings settings;
    private final HttpStatistics statistics;
    private final IntConsumer nodeErrorWatch;
    private final Backend backend;

    /**
     * @param backend the pool the connection comes from, which keeps track of it
     * @param nodeErrorWatch told the status of a 5xx answer from the node; null when nobody asks
     */
    BackendConnectionCallback(ProxyCallback<ProxyConnection> delegate, Backend backend, HttpBalancerSettings settings, HttpStatistics statistics,
            IntConsumer nodeErrorWatch) {
        this.delegate = delegate;
        this.backend = backend;
        this.settings = settings;
        this.statistics = statistics;
        this.nodeErrorWatch = nodeErrorWatch;
    }

    @Override
    public void completed(HttpServerExchange exchange, ProxyConnection result) {
        exchange.putAttachment(BACKEND, result.getConnection());
        this.backend.track(result.getConnection());
        ProxyConnection connection = (!this.settings.forwardedHeaders() || this.settings.maxResponseSize() > 0 || this.nodeErrorWatch != null
                || asksForUpgrade(exchange))
                ? new ProxyConnection(new NodeConnection(result.getConnection(), exchange, this.settings, this.statistics, this.nodeErrorWatch),
                        result.getTargetPath())
                : result;
        this.delegate.completed(exchange, connection);
    }

    /** Whether the client asks to switch protocols (exchange.isUpgrade() only tells once the 101 is there). */
    static boolean asksForUpgrade(HttpServerExchange exchange) {
        return exchange.getRequestHeaders().contains(Headers.UPGRADE);
    }

    @Override
    public void failed(HttpServerExchange exchange) {
        this.delegate.failed(exchange);
    }

    @Override
    public void couldNotResolveBackend(HttpServerExchange exchange) {
        this.delegate.couldNotResolveBackend(exchange);
    }

    @Override
    public void queuedRequestFailed(HttpServerExchange exchange) {
        this.delegate.queuedRequestFailed(exchange);
    }
}

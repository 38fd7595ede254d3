package org.restcomm.lb.http;


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
 * more than Undertow does: forwarded-headers=false, max-response-size, or a WebSocket upgrade whose bytes are counted.
 */
final class BackendConnectionCallback implements ProxyCallback<ProxyConnection> {

    /** The connection to the node of an exchange being proxied. */
    static final AttachmentKey<ClientConnection> BACKEND = AttachmentKey.create(ClientConnection.class);

    private final ProxyCallback<ProxyConnection> delegate;
    private final boolean keepClientForwardingHeaders;
    private final long maxResponseSize;
    private final HttpStatistics statistics;

    /** @param maxResponseSize bytes, 0 for no limit */
    BackendConnectionCallback(ProxyCallback<ProxyConnection> delegate, boolean keepClientForwardingHeaders, long maxResponseSize, HttpStatistics statistics) {
        this.delegate = delegate;
        this.keepClientForwardingHeaders = keepClientForwardingHeaders;
        this.maxResponseSize = maxResponseSize;
        this.statistics = statistics;
    }

    @Override
    public void completed(HttpServerExchange exchange, ProxyConnection result) {
        exchange.putAttachment(BACKEND, result.getConnection());
        ProxyConnection connection = (this.keepClientForwardingHeaders || this.maxResponseSize > 0 || asksForUpgrade(exchange))
                ? new ProxyConnection(new NodeConnection(result.getConnection(), exchange, this.keepClientForwardingHeaders, this.maxResponseSize, this.statistics),
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

package org.restcomm.lb.http;

import java.io.IOException;
import java.net.SocketAddress;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientStatistics;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.xnio.ChannelListener;
import org.xnio.Option;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * Hands ProxyHandler the pooled connection to the node, noting it on the exchange so that a request over
 * max-request-size can cut it. The connection is wrapped when a request needs more than Undertow does: with
 * forwarded-headers=false, since ProxyHandler always writes the X-Forwarded-* headers, the wrapper puts back exactly
 * what the client sent (or nothing) as the request leaves; with max-response-size, the node's answer passes
 * {@link ResponseSizeLimit} first.
 */
final class BackendConnectionCallback implements ProxyCallback<ProxyConnection> {

    /** The connection to the node of an exchange being proxied. */
    static final AttachmentKey<ClientConnection> BACKEND = AttachmentKey.create(ClientConnection.class);

    private static final HttpString[] FORWARDING_HEADERS = { Headers.X_FORWARDED_FOR, Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_HOST,
            Headers.X_FORWARDED_PORT, Headers.X_FORWARDED_SERVER };

    private final ProxyCallback<ProxyConnection> delegate;
    private final boolean keepClientForwardingHeaders;
    private final long maxResponseSize;

    /** @param maxResponseSize bytes, 0 for no limit */
    BackendConnectionCallback(ProxyCallback<ProxyConnection> delegate, boolean keepClientForwardingHeaders, long maxResponseSize) {
        this.delegate = delegate;
        this.keepClientForwardingHeaders = keepClientForwardingHeaders;
        this.maxResponseSize = maxResponseSize;
    }

    @Override
    public void completed(HttpServerExchange exchange, ProxyConnection result) {
        exchange.putAttachment(BACKEND, result.getConnection());
        ProxyConnection connection = (this.keepClientForwardingHeaders || this.maxResponseSize > 0)
                ? new ProxyConnection(new Connection(result.getConnection(), exchange, this.keepClientForwardingHeaders, this.maxResponseSize),
                        result.getTargetPath())
                : result;
        this.delegate.completed(exchange, connection);
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

    /** The pooled connection for one exchange: restores the client's forwarding headers, guards the answer's size. */
    private static final class Connection implements ClientConnection {
        private final ClientConnection pooled;
        private final HttpServerExchange exchange;
        private final boolean keepClientForwardingHeaders;
        private final long maxResponseSize;

        Connection(ClientConnection pooled, HttpServerExchange exchange, boolean keepClientForwardingHeaders, long maxResponseSize) {
            this.pooled = pooled;
            this.exchange = exchange;
            this.keepClientForwardingHeaders = keepClientForwardingHeaders;
            this.maxResponseSize = maxResponseSize;
        }

        @Override
        public void sendRequest(ClientRequest request, ClientCallback<ClientExchange> callback) {
            if (this.keepClientForwardingHeaders) {
                HeaderMap outgoing = request.getRequestHeaders();
                for (HttpString header : FORWARDING_HEADERS) {
                    outgoing.remove(header);
                    HeaderValues sent = this.exchange.getRequestHeaders().get(header);
                    if (sent != null) {
                        outgoing.putAll(header, sent);
                    }
                }
            }
            this.pooled.sendRequest(request, (this.maxResponseSize > 0) ? ResponseSizeLimit.guard(callback, this.exchange, this.maxResponseSize) : callback);
        }

        @Override
        public StreamConnection performUpgrade() throws IOException {
            return this.pooled.performUpgrade();
        }

        @Override
        public ByteBufferPool getBufferPool() {
            return this.pooled.getBufferPool();
        }

        @Override
        public SocketAddress getPeerAddress() {
            return this.pooled.getPeerAddress();
        }

        @Override
        public <A extends SocketAddress> A getPeerAddress(Class<A> type) {
            return this.pooled.getPeerAddress(type);
        }

        @Override
        public ChannelListener.Setter<? extends ClientConnection> getCloseSetter() {
            return this.pooled.getCloseSetter();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return this.pooled.getLocalAddress();
        }

        @Override
        public <A extends SocketAddress> A getLocalAddress(Class<A> type) {
            return this.pooled.getLocalAddress(type);
        }

        @Override
        public XnioWorker getWorker() {
            return this.pooled.getWorker();
        }

        @Override
        public XnioIoThread getIoThread() {
            return this.pooled.getIoThread();
        }

        @Override
        public boolean isOpen() {
            return this.pooled.isOpen();
        }

        @Override
        public void close() throws IOException {
            this.pooled.close();
        }

        @Override
        public boolean supportsOption(Option<?> option) {
            return this.pooled.supportsOption(option);
        }

        @Override
        public <T> T getOption(Option<T> option) throws IOException {
            return this.pooled.getOption(option);
        }

        @Override
        public <T> T setOption(Option<T> option, T value) throws IOException {
            return this.pooled.setOption(option, value);
        }

        @Override
        public boolean isUpgraded() {
            return this.pooled.isUpgraded();
        }

        @Override
        public boolean isPushSupported() {
            return this.pooled.isPushSupported();
        }

        @Override
        public boolean isMultiplexingSupported() {
            return this.pooled.isMultiplexingSupported();
        }

        @Override
        public ClientStatistics getStatistics() {
            return this.pooled.getStatistics();
        }

        @Override
        public boolean isUpgradeSupported() {
            return this.pooled.isUpgradeSupported();
        }

        @Override
        public void addCloseListener(ChannelListener<ClientConnection> listener) {
            this.pooled.addCloseListener(listener);
        }
    }
}

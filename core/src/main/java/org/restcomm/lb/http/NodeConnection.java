package org.restcomm.lb.http;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.function.IntConsumer;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientStatistics;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.ChannelListener;
import org.xnio.Option;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * The pooled connection to a node, for one exchange that needs more than Undertow does: ProxyHandler always writes
 * the X-Forwarded-* headers, so with forwarded-headers=false this puts back exactly what the client sent (or
 * nothing) as the request leaves; the answer passes {@link NodeExchange} for max-response-size and
 * bad-node-request-pattern; and the bytes of an upgraded (WebSocket) connection are counted.
 */
final class NodeConnection implements ClientConnection {

    private static final HttpString[] FORWARDING_HEADERS = { Headers.X_FORWARDED_FOR, Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_HOST,
            Headers.X_FORWARDED_PORT, Headers.X_FORWARDED_SERVER };

    private final ClientConnection pooled;
    private final HttpServerExchange exchange;
    private final boolean keepClientForwardingHeaders;
    private final long maxResponseSize;
    private final HttpStatistics statistics;
    private final IntConsumer nodeErrorWatch;

    /** @param nodeErrorWatch told the status of a 5xx answer from the node; null when nobody asks */
    NodeConnection(ClientConnection pooled, HttpServerExchange exchange, HttpBalancerSettings settings, HttpStatistics statistics, IntConsumer nodeErrorWatch) {
        this.pooled = pooled;
        this.exchange = exchange;
        this.keepClientForwardingHeaders = !settings.forwardedHeaders();
        this.maxResponseSize = settings.maxResponseSize();
        this.statistics = statistics;
        this.nodeErrorWatch = nodeErrorWatch;
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
        this.pooled.sendRequest(request, (this.maxResponseSize > 0 || this.nodeErrorWatch != null || BackendConnectionCallback.asksForUpgrade(this.exchange)) ? NodeExchange.guard(callback, this) : callback);
    }

    @Override
    public StreamConnection performUpgrade() throws IOException {
        // the upgraded connection's frames bypass the exchange's conduits: count them here, both ways
        StreamConnection upgraded = this.pooled.performUpgrade();
        upgraded.getSourceChannel().setConduit(new CountingSourceConduit(upgraded.getSourceChannel().getConduit(), this.statistics::bytesToClient));
        upgraded.getSinkChannel().setConduit(new CountingSinkConduit(upgraded.getSinkChannel().getConduit(), this.statistics::bytesToServer));
        return upgraded;
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

    HttpServerExchange exchange() {
        return this.exchange;
    }

    long maxResponseSize() {
        return this.maxResponseSize;
    }

    IntConsumer nodeErrorWatch() {
        return this.nodeErrorWatch;
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

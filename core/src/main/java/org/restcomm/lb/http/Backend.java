package org.restcomm.lb.http;

import java.net.URI;

import io.undertow.client.UndertowClient;
import io.undertow.server.handlers.proxy.ConnectionPoolErrorHandler;
import io.undertow.server.handlers.proxy.ConnectionPoolManager;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.undertow.client.ClientConnection;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.ssl.XnioSsl;

/**
 * One address requests are proxied to (a node's httpPort or wsPort, its sslPort or wssPort with backend TLS, or the
 * unavailable-host): Undertow's pool for it.
 */
final class Backend extends ConnectionPoolErrorHandler.SimpleConnectionPoolErrorHandler implements ConnectionPoolManager {

    private final URI uri;
    private final HttpBalancerSettings settings;
    private final ProxyConnectionPool pool;
    /** Every open connection the pool made, idle or busy: its close() closes one idle connection per I/O thread only. */
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();

    /** @param ssl TLS for an {@code https://} uri, null for {@code http://} */
    Backend(URI uri, XnioSsl ssl, HttpBalancerSettings settings, UndertowClient client) {
        this.uri = uri;
        this.settings = settings;
        // small requests and answers go out at once, not behind Nagle's wait for an ACK
        this.pool = new ProxyConnectionPool(this, uri, ssl, client, OptionMap.create(Options.TCP_NODELAY, true));
    }

    static URI uri(String scheme, String host, int port) {
        String bracketed = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create(scheme + "://" + bracketed + ":" + port);
    }

    URI uri() {
        return this.uri;
    }

    ProxyConnectionPool pool() {
        return this.pool;
    }

    /** A connection the pool handed out, so that close() can close it too; called for every request it serves. */
    void track(ClientConnection connection) {
        if (!this.connections.contains(connection) && this.connections.add(connection)) {
            connection.addCloseListener(this.connections::remove);
        }
    }

    /** The node is gone: its pool and every connection to it, idle or in use. */
    void close() {
        this.pool.close();
        this.connections.forEach(IoUtils::safeClose);
    }

    @Override
    public int getProblemServerRetry() {
        return this.settings.problemServerRetrySeconds();
    }

    @Override
    public int getMaxConnections() {
        return this.settings.connectionsPerThread();
    }

    @Override
    public int getMaxCachedConnections() {
        return this.settings.connectionsPerThread();
    }

    @Override
    public int getSMaxConnections() {
        return this.settings.connectionsPerThread();
    }

    @Override
    public long getTtl() {
        return -1;
    }

    @Override
    public int getMaxQueueSize() {
        return this.settings.requestQueueSize();
    }

    @Override
    public String toString() {
        return this.uri.toString();
    }
}

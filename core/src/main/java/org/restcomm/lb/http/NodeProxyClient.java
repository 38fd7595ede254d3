package org.restcomm.lb.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.undertow.client.UndertowClient;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import org.xnio.ssl.XnioSsl;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistryListener;

/**
 * Undertow's {@link ProxyClient} over the node registry: {@link NodeSelector} picks the node, Undertow's
 * {@code ProxyConnectionPool} (one per node address) supplies the connection. With backend TLS the nodes are reached
 * on the ports they advertise for it, sslPort and wssPort, as the original did for isRemoteServerSsl.
 */
final class NodeProxyClient implements ProxyClient, NodeRegistryListener {

    static final String HTTP_PORT = "httpPort";
    static final String WS_PORT = "wsPort";
    static final String SSL_PORT = "sslPort";
    static final String WSS_PORT = "wssPort";

    /** Where a request goes; node is null for the unavailable-host. */
    record Target(Node node, Backend backend) implements ProxyTarget {
    }

    /** A node address as the key of its pool: cheaper per request than building and parsing a URI. */
    private record Address(String ip, int port) {
    }

    private static final AttachmentKey<Target> CHOSEN = AttachmentKey.create(Target.class);

    private final NodeSelector selector;
    private final HttpBalancerSettings settings;
    private final UndertowClient client = UndertowClient.getInstance();
    private final Map<Address, Backend> backends = new ConcurrentHashMap<>();
    private final Backend unavailableHost;
    /** TLS towards the nodes, or null for plain HTTP. */
    private final XnioSsl nodeSsl;
    private final String httpPort;
    private final String wsPort;

    /** @param nodeSsl TLS towards the nodes, or null; the unavailable-host is always plain HTTP, as its default port 80 says */
    NodeProxyClient(NodeSelector selector, HttpBalancerSettings settings, XnioSsl nodeSsl) {
        this.selector = selector;
        this.settings = settings;
        this.nodeSsl = nodeSsl;
        this.httpPort = (nodeSsl != null) ? SSL_PORT : HTTP_PORT;
        this.wsPort = (nodeSsl != null) ? WSS_PORT : WS_PORT;
        HostAndPort unavailable = settings.unavailableHost();
        this.unavailableHost = (unavailable != null) ? new Backend(Backend.uri("http", unavailable.host(), unavailable.port()), null, settings, this.client) : null;
    }

    /** Called again by ProxyHandler after a failed connection: the node that failed is then avoided. */
    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
        Target previous = exchange.getAttachment(CHOSEN);
        ExchangeRequestView request = new ExchangeRequestView(exchange);
        String port = request.isSipWebSocket() ? this.wsPort : this.httpPort;
        Node failed = (previous != null) ? previous.node() : null;
        Node node = this.selector.select(request, port, failed);
        if (node == null && failed != null) {
            // no other node: retry the same one on a fresh connection (the failure may have been a stale pooled one)
            node = this.selector.select(request, port, null);
        }
        Target target;
        if (node != null) {
            Address address = new Address(node.ip(), node.port(port).getAsInt());
            Backend backend = this.backends.get(address);
            if (backend == null) {
                backend = this.backends.computeIfAbsent(address, a -> new Backend(Backend.uri((this.nodeSsl != null) ? "https" : "http", a.ip(), a.port()),
                        this.nodeSsl, this.settings, this.client));
            }
            target = new Target(node, backend);
        } else if (this.unavailableHost != null && (previous == null || previous.node() != null)) {
            target = new Target(null, this.unavailableHost);
        } else {
            // first call: ProxyHandler hands the request to NoNodeHandler; on a retry it answers a bare 503
            return null;
        }
        exchange.putAttachment(CHOSEN, target);
        return target;
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit timeUnit) {
        ProxyCallback<ProxyConnection> delivery = new BackendConnectionCallback(callback, !this.settings.forwardedHeaders());
        ((Target) target).backend().pool().connect(target, exchange, delivery, timeout, timeUnit, false);
    }

    @Override
    public void nodeRemoved(Node node) {
        for (String port : new String[] { this.httpPort, this.wsPort }) {
            node.port(port).ifPresent(number -> {
                Backend backend = this.backends.remove(new Address(node.ip(), number));
                if (backend != null) {
                    backend.close();
                }
            });
        }
    }

    void close() {
        this.backends.values().forEach(Backend::close);
        this.backends.clear();
        if (this.unavailableHost != null) {
            this.unavailableHost.close();
        }
    }
}

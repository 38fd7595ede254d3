package org.restcomm.lb.node;

import java.net.InetSocketAddress;
import java.util.List;

import javax.net.ssl.SSLContext;

import jakarta.json.spi.JsonProvider;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.xnio.XnioWorker;

/** The HTTP/JSON heartbeat receiver on its own address, over HTTPS when given a TLS context; on stop it tells the nodes it knew. */
public final class HeartbeatEndpoint {

    private final NodeRegistry registry;
    private final HttpEndpoint endpoint;
    private final NodeStopNotifier stopNotifier;

    public HeartbeatEndpoint(InetSocketAddress address, XnioWorker worker, NodeRegistry registry, HeartbeatProtocol protocol, JsonProvider json) {
        this(address, worker, null, registry, protocol, json);
    }

    /** @param sslContext null for plain HTTP; otherwise HTTPS only, with the context deciding whether nodes must show a certificate */
    public HeartbeatEndpoint(InetSocketAddress address, XnioWorker worker, SSLContext sslContext, NodeRegistry registry, HeartbeatProtocol protocol,
            JsonProvider json) {
        this.registry = registry;
        this.endpoint = new HttpEndpoint(address, worker, new HttpHeartbeatHandler(protocol, json), sslContext);
        this.stopNotifier = new NodeStopNotifier(json);
    }

    public void start() {
        this.endpoint.start();
        if (this.endpoint.secure()) {
            LoadBalancerLogger.ROOT_LOGGER.secureHeartbeatEndpointStarted(this.endpoint.address());
        } else {
            LoadBalancerLogger.ROOT_LOGGER.heartbeatEndpointStarted(this.endpoint.address());
        }
    }

    public void stop() {
        InetSocketAddress address = this.endpoint.address();
        this.endpoint.stop();
        this.stopNotifier.notifyStop(List.copyOf(this.registry.nodes()), address);
    }

    public InetSocketAddress address() {
        return this.endpoint.address();
    }
}

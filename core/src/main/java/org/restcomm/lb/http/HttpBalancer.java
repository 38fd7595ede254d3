package org.restcomm.lb.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.HttpString;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.OptionMap;
import org.xnio.XnioWorker;

/**
 * The HTTP/WebSocket engine: an Undertow listener, and optionally an HTTPS one, whose {@link ProxyHandler} streams
 * requests, responses and upgraded connections to the node {@link NodeSelector} picks.
 */
public final class HttpBalancer {

    /** Set to false, the plain HTTP listener hands every request to Undertow's proxy: a way out should the fast path misbehave. */
    public static final String FAST_PATH_PROPERTY = "org.restcomm.lb.http.fast-path";

    private final HttpBalancerSettings settings;
    private final NodeRegistry registry;
    private final Supplier<BalancerAlgorithm> algorithm;
    private final HttpStatistics statistics;
    private Listeners listeners;
    private HttpsRedirect redirect;
    private NodeSelector selector;
    private NodeProxyClient proxyClient;
    private final Intake intake;
    private TrafficHandler traffic;
    private HttpFastPath fastPath;
    private InetSocketAddress boundAddress;
    private InetSocketAddress boundHttpsAddress;

    public HttpBalancer(HttpBalancerSettings settings, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, HttpStatistics statistics) {
        this(settings, registry, algorithm, statistics, new Intake());
    }

    /** @param intake whether new requests are taken; a closed one answers them 503 while running exchanges finish */
    public HttpBalancer(HttpBalancerSettings settings, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, HttpStatistics statistics, Intake intake) {
        this.settings = settings;
        this.registry = registry;
        this.algorithm = algorithm;
        this.statistics = statistics;
        this.intake = intake;
    }

    /** @param worker the server's I/O worker, shared and never stopped here */
    public void start(InetSocketAddress address, XnioWorker worker) {
        this.start(address, null, worker);
    }

    /**
     * @param https the HTTPS listener, or null for none; its requests reach the nodes with X-Forwarded-Proto https
     * @param worker the server's I/O worker, shared and never stopped here
     */
    public synchronized void start(InetSocketAddress address, HttpsListener https, XnioWorker worker) {
        if (this.settings.httpsRedirect().enabled() && https == null) {
            throw new IllegalArgumentException("redirect-to-https needs an HTTPS listener (https-socket-binding and ssl-context)");
        }
        NodeSelector selector = new NodeSelector(this.registry, this.algorithm);
        SSLContext backendSsl = this.settings.backendSslContext();
        NodeProxyClient proxyClient = new NodeProxyClient(selector, this.settings, this.statistics,
                (backendSsl != null) ? new UndertowXnioSsl(worker.getXnio(), OptionMap.EMPTY, backendSsl) : null);
        ProxyHandler.Builder proxy = ProxyHandler.builder()
                .setProxyClient(proxyClient)
                .setNext(new NoNodeHandler())
                // a node that refuses the connection: one more try on another node
                .setMaxConnectionRetries(1)
                .setReuseXForwarded(true);
        if (this.settings.maxRequestTime() > 0) {
            // past it ProxyHandler closes the node's connection and answers 504, or cuts an answer that has begun
            proxy.setMaxRequestTime(this.settings.maxRequestTime());
        }
        if (this.settings.forwardedHeaders()) {
            proxy.addRequestHeader(HttpString.tryFromString(ForwardedHeader.NAME), new ForwardedHeader());
        }
        // plain HTTP is redirected to HTTPS first; what reaches the node is rewritten
        HttpsRedirect redirect = new HttpsRedirect(this.settings.rewriteRules().wrap(proxy.build()));
        TrafficHandler traffic = new TrafficHandler(this.statistics, this.settings, new IntakeHandler(this.intake, redirect));
        HttpFastPath[] fastPath = new HttpFastPath[1];
        Listeners.PlainFront front = null;
        if (HttpFastPath.applies(this.settings) && Boolean.parseBoolean(System.getProperty(FAST_PATH_PROPERTY, "true"))) {
            front = (buffers, undertow) -> {
                fastPath[0] = new HttpFastPath(selector, this.statistics, this.intake, this.settings, proxyClient.restingOnHttpPort(), buffers, undertow,
                        redirect);
                return fastPath[0].openListener();
            };
        }
        Listeners listeners;
        try {
            listeners = Listeners.open(worker, this.serverOptions(), traffic, address, https, front, this.statistics.tlsHandshakeFailures(),
                    this.settings.handshakeTimeout());
        } catch (IOException e) {
            proxyClient.close();
            throw new IllegalStateException("HTTP listeners could not open on " + address + ((https != null) ? " and " + https.address() : ""), e);
        }
        this.registry.addListener(selector);
        this.registry.addListener(proxyClient);
        if (fastPath[0] != null) {
            this.registry.addListener(fastPath[0]);
        }
        this.fastPath = fastPath[0];
        this.listeners = listeners;
        this.selector = selector;
        this.proxyClient = proxyClient;
        this.traffic = traffic;
        this.redirect = redirect;
        this.boundAddress = listeners.address();
        this.boundHttpsAddress = listeners.httpsAddress();
        this.redirectToHttps(this.settings.httpsRedirect());
        LoadBalancerLogger.ROOT_LOGGER.httpStarted(this.boundAddress);
        if (this.boundHttpsAddress != null) {
            LoadBalancerLogger.ROOT_LOGGER.httpsStarted(this.boundHttpsAddress);
        }
    }

    /** What Undertow's listeners are told: no HTTP/2, no size limit of Undertow's own, the idle and slow client limits. */
    private OptionMap serverOptions() {
        OptionMap.Builder options = OptionMap.builder()
                // as Undertow's own server: pipelined answers are written together
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.ENABLE_HTTP2, false)
                // Undertow's own 2 MiB default would cut uploads off with a reset; TrafficHandler applies max-request-size with a 413
                .set(UndertowOptions.MAX_ENTITY_SIZE, -1L);
        // idle and slow clients must not hold connections for ever (Undertow has no such limits of its own)
        if (this.settings.noRequestTimeout() > 0) {
            options.set(UndertowOptions.NO_REQUEST_TIMEOUT, this.settings.noRequestTimeout());
        }
        if (this.settings.requestParseTimeout() > 0) {
            options.set(UndertowOptions.REQUEST_PARSE_TIMEOUT, this.settings.requestParseTimeout());
        }
        return options.getMap();
    }

    /**
     * Starts or stops answering plain HTTP requests with a 308 to HTTPS, from the next request on.
     *
     * @throws IllegalStateException to redirect without an HTTPS listener
     */
    public synchronized void redirectToHttps(HttpsRedirectSettings redirect) {
        if (this.redirect == null) {
            return;
        }
        if (redirect.enabled() && this.boundHttpsAddress == null) {
            throw new IllegalStateException("redirect-to-https needs an HTTPS listener (https-socket-binding and ssl-context)");
        }
        this.redirect.redirectTo(!redirect.enabled() ? 0 : (redirect.port() > 0) ? redirect.port() : this.boundHttpsAddress.getPort());
    }

    public synchronized void stop() {
        if (this.listeners != null) {
            this.listeners.close();
            this.traffic.closeConnections();
            if (this.fastPath != null) {
                this.fastPath.close();
                this.registry.removeListener(this.fastPath);
                this.fastPath = null;
            }
            this.registry.removeListener(this.selector);
            this.registry.removeListener(this.proxyClient);
            this.proxyClient.close();
            LoadBalancerLogger.ROOT_LOGGER.httpStopped(this.boundAddress);
            if (this.boundHttpsAddress != null) {
                LoadBalancerLogger.ROOT_LOGGER.httpStopped(this.boundHttpsAddress);
            }
            this.listeners = null;
            this.redirect = null;
            this.selector = null;
            this.proxyClient = null;
            this.traffic = null;
        }
    }

    /** The bound address, with the real port when port 0 was asked for; null before start. */
    public synchronized InetSocketAddress address() {
        return this.boundAddress;
    }

    /** The bound HTTPS address, with the real port when port 0 was asked for; null before start or without HTTPS. */
    public synchronized InetSocketAddress httpsAddress() {
        return this.boundHttpsAddress;
    }

    /** Requests the fast path relayed; for tests. */
    synchronized long fastPathRequests() {
        return (this.fastPath != null) ? this.fastPath.relayedRequests() : 0;
    }

    /** Session keys (jvmRoutes, instance ids) moved off a lost node; for tests. */
    synchronized int movedSessionKeys() {
        return (this.selector != null) ? this.selector.movedCount() : 0;
    }
}

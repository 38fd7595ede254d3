package org.restcomm.lb.node;

import java.net.InetSocketAddress;

import javax.net.ssl.SSLContext;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import org.xnio.Options;
import org.xnio.XnioWorker;

/** A small Undertow server on one address, for the heartbeat and statistics endpoints; HTTPS only when given a TLS context. */
public final class HttpEndpoint {

    private final InetSocketAddress requestedAddress;
    private final XnioWorker worker;
    private final HttpHandler handler;
    private final SSLContext sslContext;
    private Undertow server;

    /** @param worker the server's I/O worker, shared and never stopped here; null makes Undertow create its own */
    public HttpEndpoint(InetSocketAddress address, XnioWorker worker, HttpHandler handler) {
        this(address, worker, handler, null);
    }

    /**
     * @param sslContext null for plain HTTP; otherwise the listener speaks HTTPS only, and whether it asks for client
     *        certificates is the context's own setting (an Elytron server-ssl-context's need-client-auth)
     */
    public HttpEndpoint(InetSocketAddress address, XnioWorker worker, HttpHandler handler, SSLContext sslContext) {
        this.requestedAddress = address;
        this.worker = worker;
        this.handler = handler;
        this.sslContext = sslContext;
    }

    public synchronized void start() {
        String host = this.requestedAddress.getAddress().getHostAddress();
        Undertow.Builder builder = Undertow.builder();
        if (this.sslContext != null) {
            builder.addHttpsListener(this.requestedAddress.getPort(), host, this.sslContext);
        } else {
            builder.addHttpListener(this.requestedAddress.getPort(), host);
        }
        builder.setHandler(this.handler)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                // these endpoints answer a few small messages per node and second; idle sockets need not linger
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setSocketOption(Options.REUSE_ADDRESSES, true);
        if (this.worker != null) {
            builder.setWorker(this.worker);
        } else {
            builder.setIoThreads(1).setWorkerThreads(2);
        }
        Undertow undertow = builder.build();
        undertow.start();
        this.server = undertow;
    }

    public synchronized void stop() {
        if (this.server != null) {
            this.server.stop();
            this.server = null;
        }
    }

    public boolean secure() {
        return this.sslContext != null;
    }

    /** The bound address, with the real port when port 0 was asked for. */
    public synchronized InetSocketAddress address() {
        if (this.server == null) {
            return this.requestedAddress;
        }
        return (InetSocketAddress) this.server.getListenerInfo().get(0).getAddress();
    }
}

package org.restcomm.lb.node;

import java.net.InetSocketAddress;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import org.xnio.Options;
import org.xnio.XnioWorker;

/** A small Undertow server on one address, for the heartbeat and statistics endpoints. */
public final class HttpEndpoint {

    private final InetSocketAddress requestedAddress;
    private final XnioWorker worker;
    private final HttpHandler handler;
    private Undertow server;

    /** @param worker the server's I/O worker, shared and never stopped here; null makes Undertow create its own */
    public HttpEndpoint(InetSocketAddress address, XnioWorker worker, HttpHandler handler) {
        this.requestedAddress = address;
        this.worker = worker;
        this.handler = handler;
    }

    public synchronized void start() {
        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(this.requestedAddress.getPort(), this.requestedAddress.getAddress().getHostAddress())
                .setHandler(this.handler)
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

    /** The bound address, with the real port when port 0 was asked for. */
    public synchronized InetSocketAddress address() {
        if (this.server == null) {
            return this.requestedAddress;
        }
        return (InetSocketAddress) this.server.getListenerInfo().get(0).getAddress();
    }
}

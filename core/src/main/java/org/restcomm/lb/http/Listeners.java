package org.restcomm.lb.http;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.restcomm.lb.stats.TlsHandshakeFailures;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The engine's accepting sockets, opened as Undertow's own server opens them, except that the HTTPS listener sees
 * each connection before Undertow does (handshake-timeout) and its TLS engines count failed handshakes.
 */
final class Listeners implements AutoCloseable {

    /** As Undertow's server with more than 128 MiB of heap: direct buffers, 16 KiB less room for protocol headers. */
    private static final int BUFFER_SIZE = 16 * 1024 - 20;

    private final AcceptingChannel<? extends StreamConnection> http;
    private final AcceptingChannel<? extends StreamConnection> https;

    private Listeners(AcceptingChannel<? extends StreamConnection> http, AcceptingChannel<? extends StreamConnection> https) {
        this.http = http;
        this.https = https;
    }

    /**
     * @param https the HTTPS listener, or null for none
     * @param plainFront what sees each plain HTTP connection before Undertow's listener, or null for Undertow alone
     * @param handshakeTimeout milliseconds an HTTPS client may take to finish its handshake; 0 for ever
     */
    static Listeners open(XnioWorker worker, OptionMap serverOptions, HttpHandler root, InetSocketAddress address, HttpsListener https,
            PlainFront plainFront, TlsHandshakeFailures failures, int handshakeTimeout) throws IOException {
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .getMap();
        ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);
        HttpOpenListener undertow = openListener(buffers, serverOptions, root);
        AcceptingChannel<? extends StreamConnection> http = worker.createStreamConnectionServer(address,
                ChannelListeners.openListenerAdapter((plainFront != null) ? plainFront.front(buffers, undertow) : undertow), socketOptions);
        if (https == null) {
            http.resumeAccepts();
            return new Listeners(http, null);
        }
        try {
            CertificateRotation rotation = new CertificateRotation(worker);
            UndertowXnioSsl ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true),
                    new HandshakeWatchingSslContext(https.sslContext(), failures, rotation));
            ChannelListener<StreamConnection> open = new HandshakeTimeout(openListener(buffers, serverOptions, root), handshakeTimeout);
            @SuppressWarnings({ "unchecked", "rawtypes" })
            AcceptingChannel<? extends StreamConnection> secure = ssl.createSslConnectionServer(worker, https.address(),
                    (ChannelListener) ChannelListeners.openListenerAdapter(open), socketOptions);
            rotation.listeningOn(secure.getLocalAddress(InetSocketAddress.class));
            http.resumeAccepts();
            secure.resumeAccepts();
            return new Listeners(http, secure);
        } catch (IOException | RuntimeException e) {
            IoUtils.safeClose(http);
            throw e;
        }
    }

    /** Sees plain HTTP connections first; Undertow's listener takes those it hands over. */
    interface PlainFront {
        ChannelListener<StreamConnection> front(ByteBufferPool buffers, HttpOpenListener undertow);
    }

    private static HttpOpenListener openListener(ByteBufferPool buffers, OptionMap serverOptions, HttpHandler root) {
        HttpOpenListener listener = new HttpOpenListener(buffers, serverOptions);
        listener.setRootHandler(root);
        return listener;
    }

    InetSocketAddress address() {
        return this.http.getLocalAddress(InetSocketAddress.class);
    }

    /** Null without HTTPS. */
    InetSocketAddress httpsAddress() {
        return (this.https != null) ? this.https.getLocalAddress(InetSocketAddress.class) : null;
    }

    /** Stops accepting; accepted connections are the engine's to close. */
    @Override
    public void close() {
        IoUtils.safeClose(this.http);
        IoUtils.safeClose(this.https);
    }
}

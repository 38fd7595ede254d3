package org.restcomm.lb.http;

import java.util.concurrent.TimeUnit;

import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.ssl.SslConnection;

/**
 * Opens accepted HTTPS connections for Undertow, closing each whose TLS handshake has not ended within
 * handshake-timeout and counting it as a failed handshake.
 */
final class HandshakeTimeout implements ChannelListener<StreamConnection> {

    private final ChannelListener<StreamConnection> next;
    private final long timeout;

    /** @param timeout milliseconds; 0 for no limit */
    HandshakeTimeout(ChannelListener<StreamConnection> next, long timeout) {
        this.next = next;
        this.timeout = timeout;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        if (this.timeout > 0 && UndertowXnioSsl.getSslEngine((SslConnection) connection) instanceof HandshakeWatchingEngine engine) {
            XnioExecutor.Key expiry = connection.getIoThread().executeAfter(() -> {
                if (engine.expire()) {
                    LoadBalancerLogger.ROOT_LOGGER.tlsHandshakeTimedOut(connection.getPeerAddress(), this.timeout);
                    IoUtils.safeClose(connection);
                }
            }, this.timeout, TimeUnit.MILLISECONDS);
            // a handshake that ends, well or not, needs no timer
            engine.whenSettled(expiry::remove);
        }
        this.next.handleEvent(connection);
    }
}

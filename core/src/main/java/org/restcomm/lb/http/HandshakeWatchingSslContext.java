package org.restcomm.lb.http;

import java.security.SecureRandom;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import org.restcomm.lb.stats.TlsHandshakeFailures;

/**
 * The HTTPS listener's {@link SSLContext}: the configured one, whose engines count failed handshakes. Engines are
 * still made by the configured context for every connection, so a key manager re-initialised in place (Elytron's
 * {@code key-manager:init}) serves its new certificate from the next handshake on.
 */
final class HandshakeWatchingSslContext extends SSLContext {

    HandshakeWatchingSslContext(SSLContext context, TlsHandshakeFailures failures) {
        super(new Spi(context, failures), context.getProvider(), context.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext context;
        private final TlsHandshakeFailures failures;

        Spi(SSLContext context, TlsHandshakeFailures failures) {
            this.context = context;
            this.failures = failures;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
            throw new UnsupportedOperationException("initialised by its configuration");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new HandshakeWatchingEngine(this.context.createSSLEngine(), this.failures);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new HandshakeWatchingEngine(this.context.createSSLEngine(host, port), this.failures);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return this.context.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return this.context.getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return this.context.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return this.context.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return this.context.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return this.context.getSupportedSSLParameters();
        }
    }
}

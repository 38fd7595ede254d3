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
 * The HTTPS listener's {@link SSLContext}: the configured one, whose engines count failed handshakes and do not resume
 * sessions across a certificate rotation ({@link CertificateRotation}).
 */
final class HandshakeWatchingSslContext extends SSLContext {

    HandshakeWatchingSslContext(SSLContext context, TlsHandshakeFailures failures, CertificateRotation rotation) {
        super(new Spi(context, failures, rotation), context.getProvider(), context.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext context;
        private final TlsHandshakeFailures failures;
        private final CertificateRotation rotation;

        Spi(SSLContext context, TlsHandshakeFailures failures, CertificateRotation rotation) {
            this.context = context;
            this.failures = failures;
            this.rotation = rotation;
        }

        private SSLEngine watched(SSLEngine engine) {
            this.rotation.accepted(engine);
            return new HandshakeWatchingEngine(engine, this.failures);
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
            throw new UnsupportedOperationException("initialised by its configuration");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return this.watched(this.context.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return this.watched(this.context.createSSLEngine(host, port));
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

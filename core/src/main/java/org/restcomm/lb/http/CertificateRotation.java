package org.restcomm.lb.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * Keeps TLS sessions from outliving a certificate rotation. A key manager re-initialised in place (Elytron's
 * {@code key-manager:init}) serves its new certificate to full handshakes at once, but the JDK resumes sessions, from its
 * cache or from a client's stateless ticket, with the certificate they began with, for hours. So the listener looks at
 * the certificate it serves, at most once a second while clients connect, with a handshake of its own; once it has
 * changed, new engines carry a new generation name as their endpoint identification algorithm, which the JDK compares
 * before it resumes a session: older sessions then get a full handshake with the new certificate. Engines that ask for
 * client certificates are left alone, as the JDK would check those certificates against that name.
 */
final class CertificateRotation {

    private static final long PROBE_INTERVAL = TimeUnit.SECONDS.toNanos(1);
    private static final int PROBE_TIMEOUT = 5000;
    private static final String GENERATION = "restcomm-lb-certificate-";

    private final Executor executor;
    private final AtomicLong nextProbe = new AtomicLong(System.nanoTime());
    private volatile InetSocketAddress listener;
    private volatile Certificate[] served;
    private volatile String generation;
    private int generations;

    /** @param executor where the probing handshakes block */
    CertificateRotation(Executor executor) {
        this.executor = executor;
    }

    /** Where the listener is, once bound; no probes before. */
    void listeningOn(InetSocketAddress address) {
        this.listener = address.getAddress().isAnyLocalAddress() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort()) : address;
    }

    /** Stamps a new server engine with the current generation, and probes when the last probe is a second old. */
    void accepted(SSLEngine engine) {
        if (engine.getNeedClientAuth() || engine.getWantClientAuth()) {
            return;
        }
        String current = this.generation;
        if (current != null) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(current);
            engine.setSSLParameters(parameters);
        }
        long now = System.nanoTime();
        long next = this.nextProbe.get();
        if (this.listener != null && now - next >= 0 && this.nextProbe.compareAndSet(next, now + PROBE_INTERVAL)) {
            try {
                this.executor.execute(this::probe);
            } catch (RejectedExecutionException e) {
                // the worker is shutting down
            }
        }
    }

    private void probe() {
        Certificate[] now = this.servedNow();
        if (now == null) {
            return;
        }
        synchronized (this) {
            if (this.served != null && !Arrays.equals(this.served, now)) {
                this.generation = GENERATION + (++this.generations);
                LoadBalancerLogger.ROOT_LOGGER.httpsCertificateChanged(this.listener);
            }
            this.served = now;
        }
    }

    /** The certificate chain a new client is shown now; null when the handshake does not get that far. */
    private Certificate[] servedNow() {
        try {
            // a context of its own each time: a cached session would show the old certificate again
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] { new AnyServer() }, null);
            try (Socket socket = client.getSocketFactory().createSocket()) {
                socket.connect(this.listener, PROBE_TIMEOUT);
                socket.setSoTimeout(PROBE_TIMEOUT);
                ((SSLSocket) socket).startHandshake();
                return ((SSLSocket) socket).getSession().getPeerCertificates();
            }
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    /** The probe only looks at the certificate. */
    private static final class AnyServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}

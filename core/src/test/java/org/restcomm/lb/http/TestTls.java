package org.restcomm.lb.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * One self-signed certificate for CN=localhost, IP 127.0.0.1, made by the JDK's keytool once per test JVM: the
 * server side of the balancer's HTTPS listener and of TLS nodes, and a client side that trusts exactly it.
 */
public final class TestTls {

    private static final char[] PASSWORD = "secret".toCharArray();
    private static KeyStore keyStore;

    private TestTls() {
    }

    /** Presents the certificate. */
    public static SSLContext server() {
        return context(keyManagers(), null);
    }

    /** Trusts the certificate and nothing else; the JDK's HTTP client also checks 127.0.0.1 against it. */
    public static SSLContext client() {
        return context(null, trustManagers());
    }

    /** Presents the certificate and trusts it and nothing else: either side of mutual TLS. */
    public static SSLContext mutual() {
        return context(keyManagers(), trustManagers());
    }

    /**
     * A server side of mutual TLS whose engines require a client certificate, as an Elytron server-ssl-context with
     * need-client-auth=true hands them out: the listener itself sets nothing.
     */
    public static SSLContext serverRequiringClientCertificates() {
        SSLContext delegate = mutual();
        return new SSLContext(new NeedClientAuth(delegate), delegate.getProvider(), delegate.getProtocol()) {
        };
    }

    /** The key managers that present the certificate. */
    public static KeyManager[] keyManagers() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), PASSWORD);
            return keys.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TrustManager[] trustManagers() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("lb", (X509Certificate) keyStore().getCertificate("lb"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            return trust.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a PKCS12 trust store holding only the certificate, for a server outside this JVM to trust it. */
    public static void writeTrustStore(Path file, String password) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("lb", keyStore().getCertificate("lb"));
            try (java.io.OutputStream out = Files.newOutputStream(file)) {
                trusted.store(out, password.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a PKCS12 key store holding the key pair under alias lb, for a server outside this JVM to present it. */
    public static void writeKeyStore(Path file, String password) {
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            KeyStore copy = KeyStore.getInstance("PKCS12");
            copy.load(null, null);
            copy.setKeyEntry("lb", keyStore().getKey("lb", PASSWORD), password.toCharArray(), keyStore().getCertificateChain("lb"));
            copy.store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized KeyStore keyStore() {
        if (keyStore == null) {
            try {
                Path file = Files.createTempFile("lb-test", ".p12");
                Files.delete(file);
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "lb", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                        .redirectErrorStream(true).start();
                String output = new String(keytool.getInputStream().readAllBytes());
                if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed: " + output);
                }
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, PASSWORD);
                }
                Files.delete(file);
                keyStore = store;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return keyStore;
    }

    /** Hands out the delegate's engines with need-client-auth set. */
    private static final class NeedClientAuth extends SSLContextSpi {
        private final SSLContext delegate;

        NeedClientAuth(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            throw new UnsupportedOperationException("initialised already");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return this.delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return this.delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return needClientAuth(this.delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return needClientAuth(this.delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return this.delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return this.delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return this.delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return this.delegate.getSupportedSSLParameters();
        }

        private static SSLEngine needClientAuth(SSLEngine engine) {
            engine.setUseClientMode(false);
            engine.setNeedClientAuth(true);
            return engine;
        }
    }
}

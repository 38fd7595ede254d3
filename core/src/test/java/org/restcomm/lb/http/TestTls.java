package org.restcomm.lb.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
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
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts the certificate and nothing else; the JDK's HTTP client also checks 127.0.0.1 against it. */
    public static SSLContext client() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("lb", (X509Certificate) keyStore().getCertificate("lb"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
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
}

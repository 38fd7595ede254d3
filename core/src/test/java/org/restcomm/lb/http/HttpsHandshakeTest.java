package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.stats.TlsHandshakeFailures;

/**
 * Bad TLS input on the HTTPS listener: each failed handshake is closed and counted once in tls-handshake-failures,
 * and the listener serves the next client; handshake-timeout closes handshakes that do not finish, and only those.
 */
class HttpsHandshakeTest {

    private static final int HANDSHAKE_TIMEOUT = 400;

    private BalancerTestBed bed;
    private TlsHandshakeFailures failures;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("n", "n");
        this.failures = this.bed.statistics.tlsHandshakeFailures();
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    private void start(SSLContext context) {
        this.bed.startWithHttps(HttpBalancerSettings.builder().handshakeTimeout(HANDSHAKE_TIMEOUT).build(), context);
    }

    @Test
    void plainHttpOnTheHttpsPortIsCountedAndClosed() throws Exception {
        this.start(TestTls.server());
        try (Socket socket = this.connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            TlsProbe.readUntilClosed(socket);
        }
        BalancerTestBed.eventually(1, this.failures::count, "plain text on the TLS port is a failed handshake");
        this.assertServes(BalancerTestBed.httpsClient());
        assertEquals(1, this.failures.count(), "a good handshake is not counted");
    }

    @Test
    void randomBytesAreCountedAndClosed() throws Exception {
        this.start(TestTls.server());
        byte[] garbage = new byte[600];
        new Random(11).nextBytes(garbage);
        // a handshake record header followed by noise, then noise alone
        garbage[0] = 0x16;
        garbage[1] = 0x03;
        garbage[2] = 0x03;
        try (Socket socket = this.connect()) {
            socket.getOutputStream().write(garbage);
            TlsProbe.readUntilClosed(socket);
        }
        new Random(12).nextBytes(garbage);
        garbage[0] = 0x42;
        try (Socket socket = this.connect()) {
            socket.getOutputStream().write(garbage);
            TlsProbe.readUntilClosed(socket);
        }
        BalancerTestBed.eventually(2, this.failures::count, "each garbage connection is one failed handshake");
        this.assertServes(BalancerTestBed.httpsClient());
    }

    @Test
    void halfAClientHelloIsClosedAfterTheHandshakeTimeout() throws Exception {
        this.start(TestTls.server());
        try (Socket socket = this.connect()) {
            TlsProbe.sendHalfAClientHello(socket);
            long started = System.nanoTime();
            TlsProbe.readUntilClosed(socket);
            long waited = (System.nanoTime() - started) / 1_000_000;
            // the balancer closed it, not the read timeout, and not before handshake-timeout
            assertEquals(true, waited >= HANDSHAKE_TIMEOUT - 50, "closed after " + waited + " ms");
        }
        BalancerTestBed.eventually(1, this.failures::count, "the timed-out handshake is counted once");
        this.assertServes(BalancerTestBed.httpsClient());
    }

    @Test
    void aHandshakeAbortedHalfwayIsCounted() throws Exception {
        this.start(TestTls.server());
        try (Socket socket = this.connect()) {
            TlsProbe.sendHalfAClientHello(socket);
            Thread.sleep(50);
        }
        BalancerTestBed.eventually(1, this.failures::count, "a client that goes away mid-handshake");
        // the timer of the closed connection must not count it again
        Thread.sleep(HANDSHAKE_TIMEOUT * 2);
        assertEquals(1, this.failures.count());
    }

    @Test
    void aConnectionThatSendsNothingIsClosedByTheTimeoutButAPortProbeIsNotCounted() throws Exception {
        this.start(TestTls.server());
        try (Socket probe = this.connect()) {
            // connects and goes away at once, as a TCP health check does
        }
        try (Socket silent = this.connect()) {
            TlsProbe.readUntilClosed(silent);
        }
        BalancerTestBed.eventually(1, this.failures::count, "only the silent connection that ran into handshake-timeout");
        Thread.sleep(HANDSHAKE_TIMEOUT * 2);
        assertEquals(1, this.failures.count(), "the probe is not a failed handshake");
    }

    @Test
    void anEstablishedConnectionOutlivesTheHandshakeTimeout() throws Exception {
        this.start(TestTls.server());
        try (SSLSocket socket = (SSLSocket) TestTls.client().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), this.bed.httpsPort())) {
            socket.setSoTimeout(10_000);
            assertEquals("HTTP/1.1 200 OK node=n", TlsProbe.get(socket, "/"));
            Thread.sleep(HANDSHAKE_TIMEOUT * 3);
            assertEquals("HTTP/1.1 200 OK node=n", TlsProbe.get(socket, "/"), "the kept-alive connection is still open");
        }
        assertEquals(0, this.failures.count());
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhereOneIsNeeded() throws Exception {
        this.start(TestTls.serverRequiringClientCertificates());
        // a socket, not the JDK's HTTP client, which tries a failed GET twice
        try (SSLSocket anonymous = (SSLSocket) TestTls.client().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), this.bed.httpsPort())) {
            anonymous.setSoTimeout(10_000);
            // with TLS 1.3 the client may finish its side before the server refuses: the refusal comes with the first read
            assertThrows(IOException.class, () -> TlsProbe.get(anonymous, "/"));
        }
        BalancerTestBed.eventually(1, this.failures::count, "no client certificate");
        HttpClient authenticated = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .sslContext(TestTls.mutual()).build();
        this.assertServes(authenticated);
        assertEquals(1, this.failures.count());
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsCounted() throws Exception {
        this.start(TestTls.server());
        // the JDK's trust store does not know the test certificate: the client sends a fatal alert
        try (SSLSocket distrustful = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                this.bed.httpsPort())) {
            distrustful.setSoTimeout(10_000);
            assertThrows(IOException.class, distrustful::startHandshake);
        }
        BalancerTestBed.eventually(1, this.failures::count, "the client's alert ends the handshake");
        this.assertServes(BalancerTestBed.httpsClient());
        assertEquals(1, this.failures.count());
    }

    private void assertServes(HttpClient client) throws Exception {
        HttpResponse<String> response = this.get(client);
        assertEquals("n", BalancerTestBed.servedBy(response));
    }

    private HttpResponse<String> get(HttpClient client) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + this.bed.httpsPort() + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.bed.httpsPort());
        // far above handshake-timeout: a read that times out means the balancer never closed the connection
        socket.setSoTimeout(15_000);
        return socket;
    }
}

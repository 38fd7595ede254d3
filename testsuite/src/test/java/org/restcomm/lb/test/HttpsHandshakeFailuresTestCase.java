package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import javax.net.ssl.SSLSocket;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestTls;
import org.restcomm.lb.http.TlsProbe;

/**
 * Bad TLS input on the HTTPS listener of the provisioned server: each is closed and counted in tls-handshake-failures,
 * and the next HTTPS client is served.
 */
public class HttpsHandshakeFailuresTestCase extends ElytronHttpsTestCase {

    private static final int HANDSHAKE_TIMEOUT = 1000;
    private static final URI HTTPS = URI.create("https://127.0.0.1:2081/");

    @Test
    void plainTextGarbageAndAHalfFinishedHandshakeAreCountedAndTheListenerServesOn() throws Exception {
        this.serverSslContext();
        // batch
        // /subsystem=load-balancer/http=default:write-attribute(name=https-socket-binding, value=load-balancer-https)
        // /subsystem=load-balancer/http=default:write-attribute(name=ssl-context, value=lb-test-server)
        // /subsystem=load-balancer/http=default:write-attribute(name=handshake-timeout, value=1000)
        // run-batch --headers={allow-resource-service-restart=true}
        this.writeTogether(Map.of("https-socket-binding", new ModelNode("load-balancer-https"), "ssl-context", new ModelNode("lb-test-server"),
                "handshake-timeout", new ModelNode(HANDSHAKE_TIMEOUT)));
        this.node("h", false);
        HttpClient client = trustAll();
        this.assertServed(client);
        long failures = this.failures();

        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            TlsProbe.readUntilClosed(socket);
        }
        this.awaitFailures(++failures, "plain HTTP on the TLS port");
        this.assertServed(client);

        byte[] garbage = new byte[1000];
        new Random(7).nextBytes(garbage);
        try (Socket socket = connect()) {
            socket.getOutputStream().write(garbage);
            TlsProbe.readUntilClosed(socket);
        }
        this.awaitFailures(++failures, "random bytes");
        this.assertServed(client);

        try (Socket socket = connect()) {
            TlsProbe.sendHalfAClientHello(socket);
            long started = System.nanoTime();
            // the balancer hangs up once handshake-timeout has passed; the read timeout (30 s) would fail the test
            TlsProbe.readUntilClosed(socket);
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waited >= HANDSHAKE_TIMEOUT - 100, "closed after " + waited + " ms, before handshake-timeout");
        }
        this.awaitFailures(++failures, "half a ClientHello past handshake-timeout");
        this.assertServed(client);
        assertEquals(failures, this.failures(), "good handshakes are not counted");
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhereTheContextNeedsOneAndATrustedOneIsServed() throws Exception {
        this.serverSslContext();
        this.trustManager("lb-test-clients");
        // /subsystem=elytron/server-ssl-context=lb-test-mutual:add(key-manager=lb-test, trust-manager=lb-test-clients, need-client-auth=true)
        ModelNode mutual = Operations.createAddOperation(address("server-ssl-context", "lb-test-mutual"));
        mutual.get("key-manager").set("lb-test");
        mutual.get("trust-manager").set("lb-test-clients");
        mutual.get("need-client-auth").set(true);
        this.add(mutual);
        this.httpsListener("lb-test-mutual");
        this.node("m", false);
        long failures = this.failures();

        // a socket, not the JDK's HTTP client, which tries a failed GET twice
        try (SSLSocket anonymous = (SSLSocket) trustingAnyServer(null).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), 2081)) {
            anonymous.setSoTimeout(30_000);
            // with TLS 1.3 the client may finish its side before the server refuses: the refusal comes with the first read
            assertThrows(IOException.class, () -> TlsProbe.get(anonymous, "/"));
        }
        this.awaitFailures(failures + 1, "a client without a certificate");

        HttpClient trusted = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .sslContext(trustingAnyServer(TestTls.keyManagers())).build();
        this.assertServed(trusted);
        assertEquals(failures + 1, this.failures());
    }

    private void assertServed(HttpClient client) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(HTTPS).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), 2081);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private long failures() {
        // /subsystem=load-balancer:read-attribute(name=tls-handshake-failures)
        return this.management.read(Management.SUBSYSTEM, "tls-handshake-failures").asLong();
    }

    private void awaitFailures(long expected, String what) throws InterruptedException {
        Management.await("tls-handshake-failures " + expected + " after " + what, 30_000, () -> this.failures() >= expected);
        assertEquals(expected, this.failures(), what + " is one failed handshake");
    }
}

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TlsProbe;

/**
 * Certificate rotation without a restart: after Elytron's key pair is replaced and its key-manager initialised again,
 * the next HTTPS handshake shows the new certificate, while an open connection keeps working.
 */
public class HttpsCertificateRotationTestCase extends ElytronHttpsTestCase {

    @Test
    void aNewKeyPairServesTheNextHandshakeAndLeavesOpenConnectionsAlone() throws Exception {
        this.serverSslContext();
        this.httpsListener("lb-test-server");
        this.node("c", false);
        // one client context throughout, as a real client keeps its TLS session cache
        SSLContext client = trustingAnyServer(null);

        try (SSLSocket before = open(client)) {
            assertEquals("CN=localhost", subject(before));
            assertEquals("HTTP/1.1 200 OK node=c", TlsProbe.get(before, "/"));

            // /subsystem=elytron/key-store=lb-test:remove-alias(alias=lb)
            ModelNode remove = Operations.createOperation("remove-alias", address("key-store", "lb-test"));
            remove.get("alias").set("lb");
            this.management.success(remove);
            // /subsystem=elytron/key-store=lb-test:generate-key-pair(alias=lb, algorithm=RSA, key-size=2048, distinguished-name="CN=rotated.example.com")
            this.generateKeyPair("CN=rotated.example.com");
            // /subsystem=elytron/key-manager=lb-test:init()
            this.management.success(Operations.createOperation("init", address("key-manager", "lb-test")));

            try (SSLSocket other = open(trustingAnyServer(null))) {
                assertEquals("CN=rotated.example.com", subject(other), "a new client's handshake shows the new certificate");
            }
            // the JDK would resume the session of the first connection, with its certificate, from the client's ticket;
            // the listener notices the new certificate within a second and stops that
            Management.await("a resumed session to show the new certificate", 15_000, () -> subjectOfANewConnection(client).equals("CN=rotated.example.com"));
            try (SSLSocket after = open(client)) {
                assertEquals("CN=rotated.example.com", subject(after));
                assertEquals("HTTP/1.1 200 OK node=c", TlsProbe.get(after, "/"));
            }
            assertEquals("HTTP/1.1 200 OK node=c", TlsProbe.get(before, "/"), "the connection opened before keeps working");
            assertEquals("CN=localhost", subject(before));
        }
    }

    private static SSLSocket open(SSLContext context) throws Exception {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), 2081);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private static String subjectOfANewConnection(SSLContext context) {
        try (SSLSocket socket = open(context)) {
            return subject(socket);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String subject(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
}

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestNode;

/**
 * TLS on http=default through the provisioned server: an HTTPS listener on 2081 with an Elytron server-ssl-context
 * whose key pair Elytron generates, and backend TLS with an Elytron client-ssl-context that trusts the nodes.
 */
public class HttpsBalancingTestCase extends ElytronHttpsTestCase {

    private static final URI BALANCER_HTTPS = URI.create("https://127.0.0.1:2081");

    @Test
    void httpsOn2081ReachesAPlainNodeMarkedAsHttps() throws Exception {
        this.serverSslContext();
        this.httpsListener("lb-test-server");
        assertTrue(this.management.read(HTTPS_BINDING, "bound").asBoolean(), "2081 is bound");
        TestNode node = this.node("s", false);

        HttpResponse<String> response = trustAll().send(HttpRequest.newBuilder(BALANCER_HTTPS.resolve("/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("s", response.headers().firstValue("X-Node").orElse("none"));
        assertEquals("https", node.lastHeader("X-Forwarded-Proto"));
        assertTrue(node.lastHeader("Forwarded").contains("proto=https"), node.lastHeader("Forwarded"));

        // plain HTTP on the TLS port: no answer, and the listener serves on
        try (Socket socket = new Socket("127.0.0.1", 2081)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
            assertFalse(new String(socket.getInputStream().readAllBytes()).contains("HTTP/1.1"));
        }
        assertEquals(200, trustAll().send(HttpRequest.newBuilder(BALANCER_HTTPS.resolve("/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void backendTlsReachesANodeThatSpeaksOnlyTls() throws Exception {
        this.trustManager("lb-test-trust");
        // /subsystem=elytron/client-ssl-context=lb-test-client:add(trust-manager=lb-test-trust)
        ModelNode client = Operations.createAddOperation(address("client-ssl-context", "lb-test-client"));
        client.get("trust-manager").set("lb-test-trust");
        this.add(client);
        // /subsystem=load-balancer/http=default:write-attribute(name=backend-ssl-context, value=lb-test-client){allow-resource-service-restart=true}
        this.writeTogether(Map.of("backend-ssl-context", new ModelNode("lb-test-client")));

        this.node("t", true);
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = plain.send(HttpRequest.newBuilder(HttpBalancingTestCase.BALANCER.resolve("/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("t", response.headers().firstValue("X-Node").orElse("none"), "reached the node's TLS-only sslPort");
    }

    @Test
    void sslContextWithoutHttpsSocketBindingIsRefusedNamingIt() throws Exception {
        this.serverSslContext();
        // /subsystem=load-balancer/http=default:write-attribute(name=ssl-context, value=lb-test-server){allow-resource-service-restart=true}
        ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "ssl-context", "lb-test-server")));
        assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("https-socket-binding"), outcome::toString);
        assertFalse(this.management.read(HTTP, "ssl-context").isDefined(), "nothing was applied");
        assertFalse(this.management.read(HTTPS_BINDING, "bound").asBoolean());
    }
}

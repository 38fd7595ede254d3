package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestNode;

/** redirect-to-https through the provisioned server: plain requests on 2080 get a 308 to 2081, live, and back off again. */
public class HttpsRedirectTestCase extends ElytronHttpsTestCase {

    private final HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private TestNode node;

    @BeforeEach
    void httpsListenerAndNode() throws Exception {
        this.serverSslContext();
        this.httpsListener("lb-test-server");
        this.node = this.node("r", false);
    }

    @Test
    void plainGetAndPostAreRedirectedToHttpsAndFollowingThemReachesTheNode() throws Exception {
        // /subsystem=load-balancer/http=default:write-attribute(name=redirect-to-https, value=true)
        this.writeLive("redirect-to-https", ModelNode.TRUE);

        HttpResponse<String> get = this.plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2080/app?fName=Konstantin&lName=Nosach"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, get.statusCode());
        String location = get.headers().firstValue("Location").orElseThrow();
        assertEquals("https://127.0.0.1:2081/app?fName=Konstantin&lName=Nosach", location);
        assertEquals(0, this.node.requests.get(), "nothing went to the node over plain HTTP");
        HttpResponse<String> followed = trustAll().send(HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, followed.statusCode(), followed::body);
        assertEquals("r", followed.headers().firstValue("X-Node").orElse("none"));
        assertEquals("https", this.node.lastHeader("X-Forwarded-Proto"));

        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:2080/upload?call=1")).POST(HttpRequest.BodyPublishers.ofString("hello"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> redirected = this.plain.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(308, redirected.statusCode());
        assertEquals("https://127.0.0.1:2081/upload?call=1", redirected.headers().firstValue("Location").orElseThrow());
        // the JDK client follows a 308 with the method and the body, from http to https with Redirect.ALWAYS
        HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.ALWAYS)
                .sslContext(trustingAnyServer(null)).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> posted = following.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode(), posted::body);
        assertTrue(posted.body().startsWith("r 5 "), "the node got the 5-byte body: " + posted.body());
        assertEquals("https", posted.uri().getScheme());
    }

    @Test
    void theRedirectPortReplacesTheListenersAndTurningItOffServesPlainRequestsAgain() throws Exception {
        this.writeLive("redirect-to-https", ModelNode.TRUE);
        // /subsystem=load-balancer/http=default:write-attribute(name=https-redirect-port, value=8443)
        this.writeLive("https-redirect-port", new ModelNode(8443));
        HttpResponse<String> response = this.plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2080/a/b?c=d")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, response.statusCode());
        assertEquals("https://127.0.0.1:8443/a/b?c=d", response.headers().firstValue("Location").orElseThrow());

        // /subsystem=load-balancer/http=default:write-attribute(name=redirect-to-https, value=false)
        this.writeLive("redirect-to-https", ModelNode.FALSE);
        HttpResponse<String> served = this.plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2080/a")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, served.statusCode(), served::body);
        assertEquals("r", served.headers().firstValue("X-Node").orElse("none"));
    }

    /** Writes without a restart header: the attribute applies to the next request, with neither restart nor reload. */
    private void writeLive(String attribute, ModelNode value) {
        ModelNode outcome = this.management.write(HTTP, attribute, value);
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);
        // undefined before https-socket-binding, which it requires
        // /subsystem=load-balancer/http=default:undefine-attribute(name=<attribute>)
        this.atCleanup(Operations.createUndefineAttributeOperation(HTTP, attribute));
    }
}

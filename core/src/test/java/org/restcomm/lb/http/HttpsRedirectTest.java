package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** redirect-to-https: plain requests get a 308 to the same path and query over HTTPS; HTTPS requests pass. */
class HttpsRedirectTest {

    private BalancerTestBed bed;
    private TestNode node;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.node = this.bed.node("n", "n");
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    private void start(HttpsRedirectSettings redirect) {
        this.bed.startWithHttps(HttpBalancerSettings.builder().httpsRedirect(redirect).build());
    }

    @Test
    void aPlainGetIsRedirectedToTheSamePathAndQueryOverHttps() throws Exception {
        this.start(new HttpsRedirectSettings(true, 0));
        HttpResponse<String> response = this.bed.get("/app/x%20y?fName=K&lName=N");
        assertEquals(308, response.statusCode());
        assertEquals("https://127.0.0.1:" + this.bed.httpsPort() + "/app/x%20y?fName=K&lName=N", response.headers().firstValue("Location").orElseThrow());
        assertEquals(0, this.node.requests.get(), "nothing reached the node over plain HTTP");

        HttpResponse<String> followed = BalancerTestBed.httpsClient().send(HttpRequest.newBuilder(URI.create(response.headers().firstValue("Location")
                .orElseThrow())).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("n", BalancerTestBed.servedBy(followed));
        assertEquals("/app/x%20y?fName=K&lName=N", this.node.lastUri);
    }

    @Test
    void aPostFollowedWithItsBodyReachesTheNode() throws Exception {
        this.start(new HttpsRedirectSettings(true, 0));
        // the JDK client follows a 308 with the method and the body, across schemes with Redirect.ALWAYS
        HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.ALWAYS)
                .sslContext(TestTls.client()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = following.send(HttpRequest.newBuilder(this.bed.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofString("hello")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(response.body().startsWith("n 5 "), response.body());
        assertEquals("https", this.node.lastHeader("X-Forwarded-Proto"));
        assertEquals("https", response.uri().getScheme());
    }

    @Test
    void theHostTheClientUsedIsKeptWithoutItsPortAndTheRedirectPortReplacesIt() throws Exception {
        this.start(new HttpsRedirectSettings(true, 443));
        assertEquals("https://lb.example.com/a?b", this.rawLocation("GET /a?b HTTP/1.1\r\nHost: lb.example.com:2080\r\n\r\n"));
        this.bed.balancer.redirectToHttps(new HttpsRedirectSettings(true, 8443));
        assertEquals("https://[::1]:8443/", this.rawLocation("GET / HTTP/1.1\r\nHost: [::1]:2080\r\n\r\n"));
        assertEquals("https://lb.example.com:8443/p", this.rawLocation("GET http://lb.example.com:2080/p HTTP/1.1\r\nHost: lb.example.com:2080\r\n\r\n"));
    }

    @Test
    void aWebSocketUpgradeOnThePlainPortIsRedirectedToo() throws Exception {
        this.start(new HttpsRedirectSettings(true, 0));
        String location = this.rawLocation("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\n\r\n");
        assertEquals("https://127.0.0.1:" + this.bed.httpsPort() + "/ws", location);
        assertEquals(0, this.node.requests.get());
    }

    @Test
    void turnedOffLivePlainRequestsAreServedAgain() throws Exception {
        this.start(new HttpsRedirectSettings(true, 0));
        assertEquals(308, this.bed.get("/").statusCode());
        this.bed.balancer.redirectToHttps(HttpsRedirectSettings.OFF);
        assertEquals("n", BalancerTestBed.servedBy(this.bed.get("/")));
        this.bed.balancer.redirectToHttps(new HttpsRedirectSettings(true, 0));
        assertEquals(308, this.bed.get("/").statusCode());
    }

    @Test
    void turnedOnLiveAConnectionTheFastPathServedIsRedirectedFromItsNextRequest() throws Exception {
        this.start(HttpsRedirectSettings.OFF);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.bed.port())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write("GET /first HTTP/1.1\r\nHost: lb.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK", HttpFastPathTest.readAnswer(in).statusLine());
            assertEquals(1, this.bed.balancer.fastPathRequests(), "served by the fast path");
            this.bed.balancer.redirectToHttps(new HttpsRedirectSettings(true, 0));
            socket.getOutputStream().write("GET /second HTTP/1.1\r\nHost: lb.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 308 Permanent Redirect", HttpFastPathTest.readAnswer(in).statusLine());
        }
        assertEquals(1, this.bed.balancer.fastPathRequests(), "the second was Undertow's");
    }

    @Test
    void httpsRequestsAreNotRedirected() throws Exception {
        this.start(new HttpsRedirectSettings(true, 0));
        HttpResponse<String> response = BalancerTestBed.httpsClient().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + this.bed.httpsPort() + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("n", BalancerTestBed.servedBy(response));
    }

    @Test
    void redirectingWithoutAnHttpsListenerIsRefused() throws Exception {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> this.bed.start(HttpBalancerSettings.builder().httpsRedirect(new HttpsRedirectSettings(true, 0)).build()));
        assertTrue(refused.getMessage().contains("redirect-to-https"), refused.getMessage());
        this.bed.balancer = null;
        this.bed.start(HttpBalancerSettings.defaults());
        IllegalStateException live = assertThrows(IllegalStateException.class, () -> this.bed.balancer.redirectToHttps(new HttpsRedirectSettings(true, 0)));
        assertTrue(live.getMessage().contains("redirect-to-https"), live.getMessage());
        assertEquals("n", BalancerTestBed.servedBy(this.bed.get("/")));
    }

    /** The Location of the 308 to a raw request. */
    private String rawLocation(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.bed.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 308 "), head::toString);
            return head.toString().lines().filter(line -> line.toLowerCase().startsWith("location:")).map(line -> line.substring("location:".length()).trim())
                    .findFirst().orElseThrow(() -> new AssertionError(head));
        }
    }
}

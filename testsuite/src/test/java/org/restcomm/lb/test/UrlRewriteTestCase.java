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
import org.junit.jupiter.api.Test;
import org.restcomm.lb.http.TestNode;

/** rewrite-rules through the provisioned server, with the case of the original's UrlRewriteTest (someCompany to restcomm). */
public class UrlRewriteTestCase extends ElytronHttpsTestCase {

    private static final String CALL = "/2012-04-24/Accounts/0/Calls/ID1f2a2222772f4195948d040a2ccc648c-CA00af667a6a2cbfda0c07d923e78194cd";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void rulesRewriteWhatMatchesRedirectWhatTheySayAndLeaveTheRest() throws Exception {
        TestNode node = this.node("rw", false);
        // /subsystem=load-balancer/http=default:write-attribute(name=rewrite-rules, value=["regex('^/someCompany/(.*)$') -> rewrite('/restcomm/${1}')",
        //     "path('/moved') -> redirect('/elsewhere')"]){allow-resource-service-restart=true}
        ModelNode rules = new ModelNode().add("regex('^/someCompany/(.*)$') -> rewrite('/restcomm/${1}')").add("path('/moved') -> redirect('/elsewhere')");
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "rewrite-rules", rules)));
        this.atCleanup(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "rewrite-rules")));

        assertEquals(200, this.post("/someCompany" + CALL).statusCode());
        assertEquals("/restcomm" + CALL, node.lastUri);
        assertEquals(200, this.post("/mobius" + CALL).statusCode());
        assertEquals("/mobius" + CALL, node.lastUri);
        HttpResponse<String> moved = this.post("/moved");
        assertEquals(302, moved.statusCode());
        assertTrue(moved.headers().firstValue("Location").orElseThrow().endsWith("/elsewhere"));
        assertEquals(2, node.requests.get(), "the redirected request never reached the node");
    }

    @Test
    void aRuleUndertowCannotParseIsRefusedNamingTheAttribute() {
        ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "rewrite-rules",
                new ModelNode().add("path-prefix('/old' -> rewrite("))));

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("rewrite-rules"), outcome::toString);
        assertFalse(this.management.read(HTTP, "rewrite-rules").isDefined(), "nothing applied");
    }

    private HttpResponse<String> post(String path) throws Exception {
        return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2080" + path)).POST(HttpRequest.BodyPublishers.ofString("x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** rewrite-rules: the original's UrlRewriteTest cases, written in Undertow's predicate/handler language. */
class HttpRewriteTest {

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

    @Test
    void aMatchingPathIsRewrittenBeforeItReachesTheNodeAndOthersPassUntouched() throws Exception {
        // the original's rule <from>someCompany</from><to>restcomm</to>
        this.bed.start(HttpBalancerSettings.builder().rewriteRules(List.of("regex('^/someCompany/(.*)$') -> rewrite('/restcomm/${1}')")).build());

        HttpResponse<String> rewritten = this.bed.get("/someCompany/2012-04-24/Accounts/0/Calls/ID1f2a-CA00af?x=1");
        assertEquals(200, rewritten.statusCode());
        assertEquals("/restcomm/2012-04-24/Accounts/0/Calls/ID1f2a-CA00af?x=1", this.node.lastUri);

        HttpResponse<String> untouched = this.bed.get("/mobius/2012-04-24/Accounts/1/Calls/ID1f2a-CA00af");
        assertEquals(200, untouched.statusCode());
        assertEquals("/mobius/2012-04-24/Accounts/1/Calls/ID1f2a-CA00af", this.node.lastUri);
        assertEquals(2, this.node.requests.get(), "both requests were balanced");
    }

    @Test
    void aRedirectRuleAnswersWithoutReachingANode() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().rewriteRules(List.of("path-prefix('/old') -> redirect('/new')")).build());

        HttpResponse<String> response = this.bed.get("/old/page");
        assertEquals(302, response.statusCode());
        assertTrue(response.headers().firstValue("Location").orElseThrow().endsWith("/new"), response.headers().toString());
        assertEquals(0, this.node.requests.get());
    }

    @Test
    void anUnreadableRuleIsRefusedNamingItsPosition() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HttpBalancerSettings.builder().rewriteRules(List.of("path-prefix('/a') -> rewrite('/b')", "no-such-handler(x) ->")));
        assertTrue(refused.getMessage().startsWith("rule 2 "), refused.getMessage());
    }
}

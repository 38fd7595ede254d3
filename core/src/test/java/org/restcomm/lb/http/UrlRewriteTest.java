package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** rewrite-rules, the original's urlrewrite: Undertow expressions applied before the proxy, with the original's UrlRewriteTest case. */
class UrlRewriteTest {

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

    private void start(String... rules) {
        this.bed.start(HttpBalancerSettings.builder().rewriteRules(RewriteRules.parse(List.of(rules))).build());
    }

    @Test
    void theOriginalsSomeCompanyRuleRewritesOnlyTheRequestsThatMatch() throws Exception {
        // lb-configuration.xml of the original's test: <from>someCompany</from> <to>restcomm</to>
        this.start("regex('^/someCompany/(.*)$') -> rewrite('/restcomm/${1}')");
        String call = "/2012-04-24/Accounts/0/Calls/ID1f2a2222772f4195948d040a2ccc648c-CA00af667a6a2cbfda0c07d923e78194cd";

        HttpResponse<String> rewritten = this.bed.get("/someCompany" + call);
        assertEquals(200, rewritten.statusCode());
        assertEquals("/restcomm" + call, this.node.lastUri);

        HttpResponse<String> untouched = this.bed.get("/mobius" + call);
        assertEquals(200, untouched.statusCode());
        assertEquals("/mobius" + call, this.node.lastUri);
        assertEquals(2, this.node.requests.get(), "both reached the node");
    }

    @Test
    void aPathPrefixRuleKeepsTheRestOfThePathAndTheQuery() throws Exception {
        this.start("path-prefix('/old') -> rewrite('/new${remaining}')");

        this.bed.get("/old/a/b?x=1");

        assertEquals("/new/a/b?x=1", this.node.lastUri);
    }

    @Test
    void aRedirectRuleAnswersTheClientAndNothingReachesTheNode() throws Exception {
        this.start("path('/moved') -> redirect('/elsewhere')", "path-prefix('/old') -> rewrite('/new${remaining}')");

        HttpResponse<String> response = this.bed.get("/moved");

        assertEquals(302, response.statusCode());
        assertTrue(response.headers().firstValue("Location").orElseThrow().endsWith("/elsewhere"), response.headers().toString());
        assertEquals(0, this.node.requests.get());
    }

    @Test
    void anExpressionUndertowCannotParseIsRefusedWithItsText() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RewriteRules.parse(List.of("path-prefix('/a') -> rewrite('/b')", "path-prefix('/old' -> nonsense(")));
        assertTrue(refused.getMessage().contains("path-prefix('/old' -> nonsense("), refused.getMessage());
    }
}

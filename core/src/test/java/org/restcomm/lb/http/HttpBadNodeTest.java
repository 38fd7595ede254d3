package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.NodeState;

/** bad-node-request-pattern, the original's requestCheckPattern: an error answer to a watched request takes the node out. */
class HttpBadNodeTest {

    private BalancerTestBed bed;
    private TestNode a;
    private TestNode b;

    @BeforeEach
    void start() throws Exception {
        this.bed = new BalancerTestBed();
        this.a = this.bed.node("a", "a");
        this.b = this.bed.node("b", "b");
        this.bed.start(HttpBalancerSettings.builder().badNodeRequestPattern("/Accounts/").build());
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void anErrorAnswerToAWatchedRequestMarksItsNodeBadAndTheRestGoElsewhere() throws Exception {
        HttpResponse<String> failed = this.bed.get("/restcomm/2012-04-24/Accounts/AC1/Calls.json?status=500");
        assertEquals(500, failed.statusCode(), "the client still gets the node's answer");
        String badName = failed.headers().firstValue("X-Node").orElseThrow();
        TestNode bad = badName.equals("a") ? this.a : this.b;
        assertEquals(NodeState.BAD, this.bed.registered(bad).state());
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            servedBy.add(BalancerTestBed.servedBy(this.bed.get("/restcomm/2012-04-24/Accounts/AC1/Calls.json")));
        }
        assertEquals(Set.of(badName.equals("a") ? "b" : "a"), servedBy, "a bad node gets no more requests");
        assertEquals(servedBy.iterator().next(), BalancerTestBed.servedBy(this.bed.get("/", "Cookie", "JSESSIONID=s1." + badName)),
                "its sessions moved too");
    }

    @Test
    void unwatchedRequestsAndSuccessfulAnswersLeaveTheNodeAlone() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(500, this.bed.get("/other?status=500").statusCode());
            assertEquals(401, this.bed.get("/restcomm/Accounts/AC1/Calls.json?status=401").statusCode(), "a client's mistake is not the node's fault");
            assertEquals(404, this.bed.get("/other/Accounts?status=404").statusCode(), "the pattern is found in the URI, with its slashes");
            assertEquals(200, this.bed.get("/restcomm/Accounts/AC1").statusCode());
        }
        assertEquals(NodeState.ACTIVE, this.bed.registered(this.a).state());
        assertEquals(NodeState.ACTIVE, this.bed.registered(this.b).state());
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            servedBy.add(BalancerTestBed.servedBy(this.bed.get("/")));
        }
        assertEquals(Set.of("a", "b"), servedBy);
    }

    @Test
    void aBadPatternIsRefused() {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpBalancerSettings.builder().badNodeRequestPattern("(unclosed"));
        assertTrue(refused.getMessage().contains("bad-node-request-pattern"), refused.getMessage());
        assertNull(HttpBalancerSettings.builder().badNodeRequestPattern(" ").build().badNodeRequestPattern(), "blank is none");
    }
}

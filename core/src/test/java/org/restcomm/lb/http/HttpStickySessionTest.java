package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.restcomm.lb.http.BalancerTestBed.servedBy;
import static org.restcomm.lb.http.BalancerTestBed.sessionCookie;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.HeaderConsistentHashAlgorithm;
import org.restcomm.lb.algorithm.SipMessageView;
import org.restcomm.lb.node.Node;

/** Which node a request reaches: instance id, jvmRoute, algorithm; draining and lost nodes. */
class HttpStickySessionTest {

    private BalancerTestBed bed;
    private TestNode a;
    private TestNode b;
    private TestNode c;

    @BeforeEach
    void nodes() throws Exception {
        this.bed = new BalancerTestBed();
        this.a = this.bed.node("a", "a", Map.of("Restcomm-Instance-Id", "IDaaaa"));
        this.b = this.bed.node("b", "b", Map.of("Restcomm-Instance-Id", "IDbbbb"));
        this.c = this.bed.node("c", "c");
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void newRequestsGoRoundRobinAndASessionCookieSticksToItsJvmRoute() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        Set<String> fresh = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            fresh.add(servedBy(this.bed.get("/")));
        }
        assertEquals(Set.of("a", "b", "c"), fresh, "requests without a session spread over the nodes");

        var first = this.bed.get("/");
        String node = servedBy(first);
        String session = sessionCookie(first);
        assertTrue(session.endsWith("." + node));
        for (int i = 0; i < 6; i++) {
            assertEquals(node, servedBy(this.bed.get("/app", "Cookie", "JSESSIONID=" + session)));
        }
        assertEquals("b", servedBy(this.bed.get("/app", "Cookie", "other=1; jsessionid=0123ABC.b")), "cookie name in any case");
    }

    @Test
    void jsessionidPathParameterSticksAndReachesTheNodeUnchanged() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        for (int i = 0; i < 6; i++) {
            assertEquals("c", servedBy(this.bed.get("/app/page;jsessionid=ABCDEF0123.c?x=" + i)));
        }
        assertEquals("/app/page;jsessionid=ABCDEF0123.c?x=5", this.c.lastUri);
        assertEquals("b", servedBy(this.bed.get("/app?jsessionid=Z.b")), "as a query parameter too");
    }

    @Test
    void restcommInstanceIdInACallSidPicksItsNodeBeforeTheSessionCookie() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        for (int i = 0; i < 5; i++) {
            assertEquals("b", servedBy(this.bed.get("/restcomm/2012-04-24/Accounts/AC123/Calls/IDbbbb-CA" + i + ".json", "Cookie", "JSESSIONID=x.a")));
            assertEquals("a", servedBy(this.bed.get("/restcomm/2012-04-24/Accounts/AC123/Calls/IDaaaa-CA" + i)));
        }
        assertEquals("/restcomm/2012-04-24/Accounts/AC123/Calls/IDaaaa-CA4", this.a.lastUri, "the sid reaches the node as sent");
        assertEquals("a", servedBy(this.bed.get("/restcomm/2012-04-24/Accounts/AC123/Calls/IDunknown-CA1", "Cookie", "JSESSIONID=x.a")),
                "an unknown instance id falls back to the jvmRoute");
    }

    @Test
    void appsessionParameterLandsOnTheNodeTheConsistentHashGivesTheSipCallOfThatUser() throws Exception {
        HeaderConsistentHashAlgorithm algorithm = new HeaderConsistentHashAlgorithm();
        this.bed.start(HttpBalancerSettings.defaults(), algorithm, Map.of(HeaderConsistentHashAlgorithm.SIP_AFFINITY_KEY, "to.user"));
        Set<String> used = new HashSet<>();
        for (int user = 0; user < 12; user++) {
            String value = "user" + user;
            String sipNode = algorithm.processExternalRequest(new InviteTo(value)).hostName();
            for (int i = 0; i < 3; i++) {
                assertEquals(sipNode, servedBy(this.bed.get("/app?appsession=" + value + "&n=" + i)), value);
            }
            used.add(sipNode);
        }
        assertTrue(used.size() >= 2, "12 keys over 3 nodes use more than one: " + used);
    }

    @Test
    void drainingNodeKeepsItsSessionsAndGetsNoNewOnes() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        this.bed.registry.drain(this.bed.registered(this.a).name());
        for (int i = 0; i < 9; i++) {
            assertNotEquals("a", servedBy(this.bed.get("/")), "no new session on the draining node");
            assertEquals("a", servedBy(this.bed.get("/", "Cookie", "JSESSIONID=s" + i + ".a")), "its sessions stay");
        }
        this.bed.registry.disable(this.bed.registered(this.b).name());
        for (int i = 0; i < 4; i++) {
            assertEquals("c", servedBy(this.bed.get("/")), "disabled behaves as draining");
            assertEquals("b", servedBy(this.bed.get("/", "Cookie", "JSESSIONID=s.b")));
        }
    }

    @Test
    void sessionsOfARemovedNodeMoveToOneNodeAndStayThere() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        this.a.close();
        this.bed.registry.removeNode(this.bed.registered(this.a).name(), "expired in this test");

        String heir = servedBy(this.bed.get("/", "Cookie", "JSESSIONID=one.a"));
        assertNotEquals("a", heir);
        for (int i = 0; i < 8; i++) {
            assertEquals(heir, servedBy(this.bed.get("/", "Cookie", "JSESSIONID=s" + i + ".a")), "never wanders round the cluster");
            this.bed.get("/");
        }
        assertEquals(1, this.bed.balancer.movedSessionKeys());
    }

    @Test
    void sessionsOfANodeThatRefusesConnectionsMoveToOneNodeAndStayThere() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        this.b.close();
        String heir = servedBy(this.bed.get("/", "Cookie", "JSESSIONID=one.b"));
        assertNotEquals("b", heir);
        for (int i = 0; i < 6; i++) {
            assertEquals(heir, servedBy(this.bed.get("/", "Cookie", "JSESSIONID=s" + i + ".b")));
        }
        assertEquals(1, this.bed.balancer.movedSessionKeys());
    }

    @Test
    void sessionsOfABadNodeMoveAndComeBackWhenTheNodeRegistersAgain() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        Node bad = this.bed.registered(this.c);
        this.bed.registry.markBad(bad.name());
        String heir = servedBy(this.bed.get("/", "Cookie", "JSESSIONID=x.c"));
        assertNotEquals("c", heir);
        assertEquals(heir, servedBy(this.bed.get("/", "Cookie", "JSESSIONID=y.c")));

        // a restart: a new session id under the same name
        this.bed.registry.register(new org.restcomm.lb.node.NodeAdvertisement("c", "127.0.0.1", this.c.properties()), org.restcomm.lb.node.NodeSource.HTTP);
        assertEquals("c", servedBy(this.bed.get("/", "Cookie", "JSESSIONID=z.c")));
    }

    /** An INVITE to a user, as the SIP engine shows it to the algorithm. */
    private record InviteTo(String user) implements SipMessageView {
        public String callId() {
            return "call-" + this.user;
        }

        public String method() {
            return "INVITE";
        }

        public String header(String name) {
            return null;
        }

        public String fromUser() {
            return "caller";
        }

        public String toUser() {
            return this.user;
        }

        public boolean inDialog() {
            return false;
        }
    }
}

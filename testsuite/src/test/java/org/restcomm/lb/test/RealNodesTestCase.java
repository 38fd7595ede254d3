package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real WildFly servers provisioned with the load-balancer-node layer (node-a on http 8180, node-b on 8280) run
 * a session-counting web app behind the balancer's HTTP engine on 2080: sticky sessions by the jvmRoute in
 * JSESSIONID, drain on :suspend, failover when a server stops, and appsession hashing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class RealNodesTestCase extends LoadBalancerTestCase {

    private static final URI APP = URI.create("http://127.0.0.1:2080/sessions/count");
    private static final ModelNode CALL_ID_AFFINITY = algorithm("call-id-affinity");
    private static final ModelNode HEADER_CONSISTENT_HASH = algorithm("header-consistent-hash");

    private static final NodeServer A = new NodeServer("node-a", "route-a", 100);
    private static final NodeServer B = new NodeServer("node-b", "route-b", 200);
    private static final List<NodeServer> NODES = List.of(A, B);

    @BeforeAll
    static void startNodes() throws Exception {
        WebArchive app = ShrinkWrap.create(WebArchive.class, "sessions.war").addClass(SessionCounterServlet.class);
        for (NodeServer node : NODES) {
            node.prepare(app);
        }
        startAll();
    }

    private static void startAll() throws IOException, InterruptedException {
        for (NodeServer node : NODES) {
            if (!node.isRunning()) {
                node.start();
            }
        }
        for (NodeServer node : NODES) {
            node.awaitStarted();
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (NodeServer node : NODES) {
            node.close();
        }
        // the other tests of the balancer must not see these nodes: they leave by stop when their servers shut down
        try (ModelControllerClient client = ModelControllerClient.Factory.create("remote+http", "127.0.0.1", 9990)) {
            Management balancer = new Management(client);
            Management.await("the node servers to leave the balancer", 15_000, () -> NODES.stream()
                    .noneMatch(node -> balancer.nodeNames().contains(node.balancerNodeName())));
        }
    }

    /** Both node servers run (a test that stopped one gets it back) and are active nodes of the balancer. */
    @BeforeEach
    void bothNodesActive() throws Exception {
        startAll();
        for (NodeServer node : NODES) {
            Management.await(node.name() + " to be an active node of the balancer", 30_000, () -> this.management.nodeNames().contains(node.balancerNodeName())
                    && "active".equals(this.management.read(Management.node(node.balancerNodeName()), "state").asString()));
        }
    }

    /** A client with its own cookie store: one browser, one session. */
    private static HttpClient browser() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).cookieHandler(new CookieManager()).build();
    }

    /** The body, {@code <node>:<count>} or {@code <node>:appsession=<value>}, of a 200 answer through the balancer. */
    private static String get(HttpClient client, URI uri) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> uri + ": " + response.body());
        return response.body();
    }

    private static String node(String body) {
        return body.substring(0, body.indexOf(':'));
    }

    /** The node fresh browsers' first requests land on, each browser keeping the session it got. */
    private static Set<String> newSessionNodes(int browsers) throws Exception {
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < browsers; i++) {
            String body = get(browser(), APP);
            assertTrue(body.endsWith(":1"), body);
            nodes.add(node(body));
        }
        return nodes;
    }

    @Test
    @Order(1)
    void aSessionSticksToItsNodeAndNewSessionsSpreadOverBoth() throws Exception {
        for (NodeServer node : NODES) {
            // /subsystem=load-balancer/node=127.0.0.1\:8180:read-attribute(name=jvm-route): the server's undertow instance-id
            assertEquals(node.instanceId(), this.management.read(Management.node(node.balancerNodeName()), "jvm-route").asString());
        }
        HttpClient browser = browser();
        String first = get(browser, APP);
        String node = node(first);
        assertEquals(node + ":1", first);
        String sessionId = ((CookieManager) browser.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID")).findFirst().orElseThrow().getValue();
        String route = NODES.stream().filter(server -> server.name().equals(node)).findFirst().orElseThrow().instanceId();
        assertTrue(sessionId.endsWith("." + route), "the session id carries its node's instance-id: " + sessionId);
        for (int count = 2; count <= 8; count++) {
            assertEquals(node + ":" + count, get(browser, APP), "every request of the session reaches " + node + " and sees its count");
        }
        assertEquals(Set.of("node-a", "node-b"), newSessionNodes(4), "new sessions go round both nodes");
    }

    @Test
    @Order(2)
    void aSuspendedNodeDrainsAndGetsNoNewSessionsUntilResumed() throws Exception {
        ModelNode nodeA = Management.node(A.balancerNodeName());
        try (ModelControllerClient client = A.managementClient()) {
            Management nodeServer = new Management(client);
            // on node-a (port 10090): :suspend
            nodeServer.success(Operations.createOperation("suspend"));
            try {
                Management.await("node-a to drain", 5000, () -> "draining".equals(this.management.read(nodeA, "state").asString()));
                assertEquals(Set.of("node-b"), newSessionNodes(4), "no new session starts on the draining node");
                assertEquals("active", this.management.read(Management.node(B.balancerNodeName()), "state").asString());
            } finally {
                // on node-a: :resume
                nodeServer.success(Operations.createOperation("resume"));
            }
        }
        Management.await("the resumed node-a to be active", 5000, () -> "active".equals(this.management.read(nodeA, "state").asString()));
        assertEquals(Set.of("node-a", "node-b"), newSessionNodes(4), "node-a takes new sessions again");
    }

    @Test
    @Order(3)
    void theSameAppsessionAlwaysReachesTheSameNode() throws Exception {
        ModelNode callIdAffinity = this.management.success(Operations.createReadResourceOperation(CALL_ID_AFFINITY));
        // batch: algorithm=call-id-affinity:remove, algorithm=header-consistent-hash:add {allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createRemoveOperation(CALL_ID_AFFINITY))
                .addStep(Operations.createAddOperation(HEADER_CONSISTENT_HASH))
                .build().getOperation()));
        try {
            HttpClient cookieless = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            Map<String, String> nodeOf = new HashMap<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 8; i++) {
                    String appSession = "app-" + i;
                    String body = get(cookieless, URI.create(APP + "?appsession=" + appSession));
                    assertTrue(body.endsWith(":appsession=" + appSession), body);
                    String previous = nodeOf.putIfAbsent(appSession, node(body));
                    assertEquals(previous == null ? node(body) : previous, node(body), "appsession " + appSession + " in round " + round);
                }
            }
            assertEquals(Set.of("node-a", "node-b"), new HashSet<>(nodeOf.values()), "appsession values hash over both nodes: " + nodeOf);
        } finally {
            // batch: algorithm=header-consistent-hash:remove, algorithm=call-id-affinity:add(<as before>) {allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createRemoveOperation(HEADER_CONSISTENT_HASH))
                    .addStep(Management.addOperation(CALL_ID_AFFINITY, callIdAffinity))
                    .build().getOperation()));
        }
        assertEquals("org.restcomm.lb.algorithm.CallIdAffinityAlgorithm", this.management.read(Management.SUBSYSTEM, "active-algorithm").asString());
    }

    @Test
    @Order(4)
    void theSessionOfAStoppedNodeFailsOverToTheOtherNodeAndStaysThere() throws Exception {
        HttpClient browser = browser();
        String first = get(browser, APP);
        NodeServer lost = node(first).equals(A.name()) ? A : B;
        NodeServer survivor = (lost == A) ? B : A;
        assertEquals(lost.name() + ":2", get(browser, APP));

        lost.stop();
        Management.await(lost.name() + " to leave the balancer", 15_000, () -> !this.management.nodeNames().contains(lost.balancerNodeName()));

        assertEquals(survivor.name() + ":1", get(browser, APP), "the session moves to the survivor, which starts it anew");
        for (int count = 2; count <= 6; count++) {
            assertEquals(survivor.name() + ":" + count, get(browser, APP), "the moved session stays on " + survivor.name());
        }
        assertNotEquals(lost.name(), node(get(browser(), APP)), "new sessions go to the survivor only");
    }

    private static ModelNode algorithm(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "algorithm", name);
    }
}

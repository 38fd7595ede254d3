package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.restcomm.lb.http.TestNode;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The guide's sections 1.5 and 1.6: two balancers (servers with the load-balancer-ha layer, one JGroups cluster on
 * loopback) behind one IP load balancer, which the test plays: it sprays each client datagram to the next balancer
 * ({@link IpLoadBalancer}) and both advertise it in Record-Route, external and internal. The nodes are jain-sip
 * agents and Undertow servers heartbeating to both balancers; the client is a jain-sip agent that honours
 * Record-Route, so every request of a dialog may reach either balancer. Runs in order: the last test kills one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class SeveralBalancersTestCase {

    private static final ModelNode SUBSYSTEM = Operations.createAddress("subsystem", "load-balancer");
    /** The IP load balancer's external address, where clients send, and its internal one, where nodes would. */
    private static final int IP_LB_EXTERNAL = 5290;
    private static final int IP_LB_INTERNAL = 5295;
    private static final int CALLER = 5341;
    private static final int[] SIP_NODES = {5351, 5361, 5371, 5381};
    private static final AtomicLong SESSIONS = new AtomicLong(130_000);

    private final HaBalancers balancers = new HaBalancers();
    private final List<SipAgent> nodes = new ArrayList<>();
    /** Every registered node's start, by the session the balancers know it by. */
    private final Map<Long, Map<String, String>> starts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeater = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private List<HeartbeatClient> heartbeats;
    private IpLoadBalancer external;
    private IpLoadBalancer internal;
    private SipAgent caller;
    private XnioWorker worker;
    private boolean clustered;

    @BeforeAll
    void startTwoBalancersBehindOneIpLoadBalancer() throws Exception {
        this.balancers.start();
        this.heartbeats = List.of(new HeartbeatClient(URI.create("http://127.0.0.1:" + this.port(0, 2610) + "/")),
                new HeartbeatClient(URI.create("http://127.0.0.1:" + this.port(1, 2610) + "/")));
        this.external = new IpLoadBalancer(IP_LB_EXTERNAL, List.of(this.sipAddress(0, 5060), this.sipAddress(1, 5060)));
        this.internal = new IpLoadBalancer(IP_LB_INTERNAL, List.of(this.sipAddress(0, 5065), this.sipAddress(1, 5065)));
        for (int i = 0; i < 2; i++) {
            Management management = new Management(this.balancers.client(i));
            // /subsystem=load-balancer/sip=default/listener=external-udp:write-attribute(name=ip-load-balancer-address, value=127.0.0.1) (and -port=5290)
            // /subsystem=load-balancer/sip=default/listener=internal-udp:write-attribute(name=ip-load-balancer-address, value=127.0.0.1) (and -port=5295)
            management.success(Management.restarting(Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createWriteAttributeOperation(listener("external-udp"), "ip-load-balancer-address", "127.0.0.1"))
                    .addStep(Operations.createWriteAttributeOperation(listener("external-udp"), "ip-load-balancer-port", IP_LB_EXTERNAL))
                    .addStep(Operations.createWriteAttributeOperation(listener("internal-udp"), "ip-load-balancer-address", "127.0.0.1"))
                    .addStep(Operations.createWriteAttributeOperation(listener("internal-udp"), "ip-load-balancer-port", IP_LB_INTERNAL))
                    .build().getOperation()));
        }
        // the first algorithm on the shared cache starts it: on one balancer, then the other, so they join one view
        this.useAlgorithm("persistent-consistent-hash", Map.of("sip-affinity-key", "from.user"));
        for (int i = 0; i < 3; i++) {
            this.addSipNode(i);
        }
        this.heartbeater.scheduleWithFixedDelay(this::beat, 1, 1, TimeUnit.SECONDS);
        this.caller = SipAgent.caller(CALLER);
        this.worker = Xnio.getInstance().createWorker(OptionMap.builder().set(Options.WORKER_IO_THREADS, 2).set(Options.WORKER_TASK_MAX_THREADS, 8).getMap());
    }

    @AfterAll
    void stopEverything() throws Exception {
        this.heartbeater.shutdownNow();
        if (this.caller != null) {
            this.caller.close();
        }
        this.nodes.stream().filter(java.util.Objects::nonNull).forEach(SipAgent::close);
        if (this.external != null) {
            this.external.close();
            this.internal.close();
        }
        if (this.worker != null) {
            this.worker.shutdownNow();
        }
        this.balancers.close();
    }

    @Test
    @Order(1)
    void sprayedCallsKeepEveryRequestOfACallOnOneNodeWithEachDistributableAlgorithm() throws Exception {
        Map<String, Map<String, String>> algorithms = new LinkedHashMap<>();
        algorithms.put("persistent-consistent-hash", Map.of());
        algorithms.put("header-consistent-hash", Map.of());
        algorithms.put("call-id-affinity", Map.of());
        for (Map.Entry<String, Map<String, String>> algorithm : algorithms.entrySet()) {
            this.useAlgorithm(algorithm.getKey(), algorithm.getValue());
            this.drainNodes();
            List<String> callIds = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                SipAgent.Call call = this.caller.call("udp", IP_LB_EXTERNAL, "sprayed-" + i);
                call.awaitAnswer();
                call.hangUp();
                callIds.add(call.callId());
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Map<String, Map<String, Set<Integer>>> seen = this.requestsByCall();
            Map<Integer, Integer> callsPerNode = new TreeMap<>();
            for (String callId : callIds) {
                Map<String, Set<Integer>> byMethod = seen.getOrDefault(callId, Map.of());
                Set<Integer> invite = byMethod.getOrDefault(Request.INVITE, Set.of());
                assertEquals(1, invite.size(), algorithm.getKey() + ": the INVITE of " + callId + " reached one node: " + byMethod);
                assertEquals(invite, byMethod.get(Request.ACK), algorithm.getKey() + ": its ACK reached the same node: " + byMethod);
                assertEquals(invite, byMethod.get(Request.BYE), algorithm.getKey() + ": its BYE reached the same node: " + byMethod);
                callsPerNode.merge(invite.iterator().next(), 1, Integer::sum);
            }
            System.out.printf("several balancers, %s: 1000 sprayed calls in %d ms, calls per node %s%n", algorithm.getKey(), millis, callsPerNode);
            assertEquals(3, callsPerNode.size(), algorithm.getKey() + " spreads the calls over the three nodes: " + callsPerNode);
        }
    }

    @Test
    @Order(2)
    void withSharedCallIdAffinityAnInitialRequestsRetransmissionThroughTheOtherBalancerReachesTheSameNode() throws Exception {
        this.useAlgorithm("call-id-affinity", Map.of());
        for (int i = 0; i < 20; i++) {
            String callId = "retransmitted-" + i + "@several";
            this.drainNodes();
            // the first INVITE through one balancer, its retransmission through the other
            this.caller.send(this.statelessInvite(callId, this.port(i % 2, 5060)));
            Integer first = this.nodeThatGot(callId);
            this.caller.send(this.statelessInvite(callId, this.port((i + 1) % 2, 5060)));
            Integer second = this.nodeThatGot(callId);
            assertNotNull(first, callId);
            assertEquals(first, second, "both balancers sent " + callId + " to one node");
        }
    }

    @Test
    @Order(3)
    void withPersistentConsistentHashANodeJoiningTakesOnlyNewKeysAndANodeLeavingHandsOverOnlyItsOwn() throws Exception {
        this.useAlgorithm("persistent-consistent-hash", Map.of("sip-affinity-key", "from.user"));
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            users.add("user-" + i);
        }
        Map<String, Integer> before = this.callEach(users);

        this.addSipNode(3);
        Map<String, Integer> afterJoin = this.callEach(users);
        assertEquals(before, afterJoin, "no user moved when a fourth node joined");
        List<String> newcomers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            newcomers.add("newcomer-" + i);
        }
        Map<String, Integer> newcomersNodes = this.callEach(newcomers);
        long onTheNewNode = newcomersNodes.values().stream().filter(node -> node == 3).count();
        System.out.printf("several balancers, persistent-consistent-hash: a node joined; 0 of 60 users moved; %d of 60 new users went to it%n", onTheNewNode);
        assertTrue(onTheNewNode > 0, "the new node takes new keys: " + newcomersNodes);

        int leaving = 1;
        this.removeSipNode(leaving);
        Map<String, Integer> afterLeave = this.callEach(users);
        Map<Integer, Integer> movedTo = new TreeMap<>();
        for (String user : users) {
            if (before.get(user) == leaving) {
                assertTrue(afterLeave.get(user) != leaving, user + " left the departed node");
                movedTo.merge(afterLeave.get(user), 1, Integer::sum);
            } else {
                assertEquals(before.get(user), afterLeave.get(user), user + " was not on the departed node and stayed put");
            }
        }
        System.out.printf("several balancers, persistent-consistent-hash: node %d left; its %d users moved to nodes %s, the other %d stayed%n",
                leaving, movedTo.values().stream().mapToInt(Integer::intValue).sum(), movedTo,
                users.size() - movedTo.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(movedTo.size() >= 2, "the departed node's users spread over the others: " + movedTo);
    }

    @Test
    @Order(4)
    void httpSessionsKeyedByAppsessionStayOnOneNodeWhicheverBalancerServesEachRequestAndWhenANodeJoins() throws Exception {
        this.useAlgorithm("persistent-consistent-hash", Map.of("http-affinity-key", "appsession"));
        List<TestNode> webNodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                TestNode node = new TestNode("web-" + i, null, this.worker);
                webNodes.add(node);
                this.register(Map.of("hostName", "web-" + i, "ip", "127.0.0.1", "httpPort", Integer.toString(node.httpPort()), "version", "0"));
            }
            Map<String, Set<String>> nodesBySession = new TreeMap<>();
            for (int request = 0; request < 200; request++) {
                String session = "session-" + (request % 40);
                nodesBySession.computeIfAbsent(session, s -> new HashSet<>()).add(this.nodeServing(session, request % 2));
            }
            Set<String> used = new HashSet<>();
            nodesBySession.forEach((session, served) -> {
                assertEquals(1, served.size(), session + " was served by one node through both balancers: " + served);
                used.addAll(served);
            });
            assertEquals(3, used.size(), "the sessions spread over the web nodes: " + nodesBySession);

            // a fourth web node joins: no session moves to it
            TestNode joining = new TestNode("web-3", null, this.worker);
            webNodes.add(joining);
            this.register(Map.of("hostName", "web-3", "ip", "127.0.0.1", "httpPort", Integer.toString(joining.httpPort()), "version", "0"));
            for (int request = 0; request < 80; request++) {
                String session = "session-" + (request % 40);
                assertEquals(nodesBySession.get(session), Set.of(this.nodeServing(session, request % 2)), session + " stayed on its node after web-3 joined");
            }
        } finally {
            for (TestNode node : webNodes) {
                node.close();
            }
        }
    }

    @Test
    @Order(5)
    void killingOneBalancerMidCallLetsTheDialogsCompleteThroughTheOther() throws Exception {
        this.useAlgorithm("persistent-consistent-hash", Map.of());
        this.drainNodes();
        List<SipAgent.Call> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SipAgent.Call call = this.caller.call("udp", IP_LB_EXTERNAL, "survivor-" + i);
            call.awaitAnswer();
            calls.add(call);
        }
        Map<String, Map<String, Set<Integer>>> established = this.requestsByCall();

        // kill -9 of the second balancer; the IP load balancer stops sending to it, as its health check would
        this.balancers.kill(1);
        this.external.withdraw(this.sipAddress(1, 5060));
        this.internal.withdraw(this.sipAddress(1, 5065));

        for (SipAgent.Call call : calls) {
            assertNotNull(call.hangUp(), "the BYE of " + call.callId() + " was answered through the surviving balancer");
        }
        Map<String, Map<String, Set<Integer>>> ended = this.requestsByCall();
        for (SipAgent.Call call : calls) {
            Set<Integer> node = established.get(call.callId()).get(Request.INVITE);
            assertEquals(node, ended.get(call.callId()).get(Request.BYE), "the BYE of " + call.callId() + " reached the node of its INVITE");
        }
    }

    /** The web node that answered a request of this appsession sent to the balancer. */
    private String nodeServing(String session, int balancer) throws Exception {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port(balancer, 2080) + "/app?appsession=" + session))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return response.headers().firstValue("X-Node").orElse("?");
    }

    /** Replaces whatever algorithm=* each balancer has with this one, on the shared cache where it takes one, first balancer first. */
    private void useAlgorithm(String algorithm, Map<String, String> attributes) throws Exception {
        boolean shares = algorithm.equals("persistent-consistent-hash") || algorithm.equals("call-id-affinity");
        for (int i = 0; i < 2; i++) {
            Management management = new Management(this.balancers.client(i));
            Operations.CompositeOperationBuilder batch = Operations.CompositeOperationBuilder.create();
            // /subsystem=load-balancer:read-children-names(child-type=algorithm)
            for (ModelNode current : management.success(childNames(SUBSYSTEM, "algorithm")).asList()) {
                // /subsystem=load-balancer/algorithm=<current>:remove
                batch.addStep(Operations.createRemoveOperation(Operations.createAddress("subsystem", "load-balancer", "algorithm", current.asString())));
            }
            // /subsystem=load-balancer/algorithm=<algorithm>:add(cache-container=load-balancer, cache=lb, ...){allow-resource-service-restart=true}
            ModelNode add = Operations.createAddOperation(Operations.createAddress("subsystem", "load-balancer", "algorithm", algorithm));
            if (shares) {
                add.get("cache-container").set(HaBalancers.CONTAINER);
                add.get("cache").set(HaBalancers.CACHE);
            }
            attributes.forEach((name, value) -> add.get(name).set(value));
            batch.addStep(add);
            management.success(Management.restarting(batch.build().getOperation()));
            if (shares) {
                // when the cache starts, the first balancer's must stand alone before the second joins it
                int members = this.clustered ? 2 : i + 1;
                for (int j = 0; j <= i; j++) {
                    this.balancers.awaitMembers(j, List.of(this.balancers.name(0), this.balancers.name(1)).subList(0, members), 35_000);
                }
            }
        }
        // with no algorithm referencing it, the cache stops and the balancers leave the cluster
        this.clustered = shares;
    }

    private static ModelNode childNames(ModelNode address, String type) {
        ModelNode operation = Operations.createOperation("read-children-names", address);
        operation.get("child-type").set(type);
        return operation;
    }

    /** One call each, through the IP load balancer; the node that got each user's INVITE, by user. */
    private Map<String, Integer> callEach(List<String> users) throws Exception {
        this.drainNodes();
        Map<String, String> callIds = new HashMap<>();
        for (String user : users) {
            SipAgent.Call call = this.caller.call("udp", IP_LB_EXTERNAL, user);
            call.awaitAnswer();
            call.hangUp();
            callIds.put(user, call.callId());
        }
        Map<String, Map<String, Set<Integer>>> seen = this.requestsByCall();
        Map<String, Integer> nodeByUser = new HashMap<>();
        for (String user : users) {
            Set<Integer> invite = seen.get(callIds.get(user)).get(Request.INVITE);
            assertEquals(1, invite.size(), user + ": " + invite);
            nodeByUser.put(user, invite.iterator().next());
        }
        return nodeByUser;
    }

    /** What each node got so far, by Call-ID and method: the indexes of the nodes. Empties their queues. */
    private Map<String, Map<String, Set<Integer>>> requestsByCall() throws InterruptedException {
        // the last ACK or BYE may still be on its way
        Thread.sleep(200);
        Map<String, Map<String, Set<Integer>>> seen = new HashMap<>();
        for (int n = 0; n < this.nodes.size(); n++) {
            SipAgent node = this.nodes.get(n);
            if (node == null) {
                continue;
            }
            for (Request request : node.drainRequests()) {
                String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
                seen.computeIfAbsent(callId, c -> new HashMap<>()).computeIfAbsent(request.getMethod(), m -> new HashSet<>()).add(n);
            }
        }
        return seen;
    }

    private Integer nodeThatGot(String callId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            for (int n = 0; n < this.nodes.size(); n++) {
                SipAgent node = this.nodes.get(n);
                Request request = (node != null) ? node.awaitRequest(Request.INVITE, 20) : null;
                if (request != null && callId.equals(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId())) {
                    return n;
                }
            }
        }
        return null;
    }

    private void drainNodes() {
        this.nodes.stream().filter(java.util.Objects::nonNull).forEach(SipAgent::drainRequests);
    }

    /** An INVITE sent straight to one balancer's external port, as a retransmission that the IP load balancer sent elsewhere. */
    private Request statelessInvite(String callId, int balancerPort) throws Exception {
        javax.sip.address.SipURI target = this.caller.addresses().createSipURI("bob", "127.0.0.1:" + balancerPort);
        javax.sip.address.Address from = this.caller.addresses().createAddress(this.caller.addresses().createSipURI("retransmitter", "example.com"));
        javax.sip.address.Address to = this.caller.addresses().createAddress(this.caller.addresses().createSipURI("bob", "example.com"));
        return this.caller.messages().createRequest(target, Request.INVITE, this.caller.headers().createCallIdHeader(callId),
                this.caller.headers().createCSeqHeader(1L, Request.INVITE), this.caller.headers().createFromHeader(from, "r1"),
                this.caller.headers().createToHeader(to, null),
                new ArrayList<>(List.of(this.caller.headers().createViaHeader("127.0.0.1", CALLER, "udp", "z9hG4bK-" + callId.hashCode()))),
                this.caller.headers().createMaxForwardsHeader(70));
    }

    private void addSipNode(int index) throws Exception {
        while (this.nodes.size() <= index) {
            this.nodes.add(null);
        }
        this.nodes.set(index, SipAgent.node(SIP_NODES[index]));
        String port = Integer.toString(SIP_NODES[index]);
        this.register(Map.of("hostName", "sip-node-" + index, "ip", "127.0.0.1", "udpPort", port, "tcpPort", port, "version", "0"));
    }

    /** The node says stop to both balancers and goes away. */
    private void removeSipNode(int index) throws Exception {
        String port = Integer.toString(SIP_NODES[index]);
        for (Map.Entry<Long, Map<String, String>> start : List.copyOf(this.starts.entrySet())) {
            if (port.equals(start.getValue().get("udpPort"))) {
                this.starts.remove(start.getKey());
                for (int i = 0; i < 2; i++) {
                    this.heartbeats.get(i).command("stop", start.getKey());
                    this.awaitNode(i, "127.0.0.1:" + port, false);
                }
            }
        }
        this.nodes.get(index).close();
        this.nodes.set(index, null);
    }

    /** Registers a node with both balancers and waits until both list it. */
    private void register(Map<String, String> advertised) throws Exception {
        long session = SESSIONS.incrementAndGet();
        Map<String, String> start = new HashMap<>(advertised);
        start.put("sessionId", Long.toString(session));
        this.starts.put(session, start);
        for (int i = 0; i < 2; i++) {
            HeartbeatClient.Reply reply = this.heartbeats.get(i).start(start);
            assertEquals(200, reply.status(), reply::body);
            String port = start.containsKey("udpPort") ? start.get("udpPort") : start.get("httpPort");
            this.awaitNode(i, "127.0.0.1:" + port, true);
        }
    }

    private void awaitNode(int balancer, String name, boolean present) throws InterruptedException {
        Management management = new Management(this.balancers.client(balancer));
        Management.await(name + (present ? " registered with " : " gone from ") + this.balancers.name(balancer), 10_000,
                () -> management.nodeNames().contains(name) == present);
    }

    private void beat() {
        for (Long session : this.starts.keySet()) {
            for (HeartbeatClient heartbeat : this.heartbeats) {
                try {
                    heartbeat.command("heartbeat", session);
                } catch (IOException e) {
                    // a killed balancer; the next beat tries again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private int port(int balancer, int port) {
        return port + HaBalancers.PORT_OFFSETS[balancer];
    }

    private InetSocketAddress sipAddress(int balancer, int port) {
        return new InetSocketAddress("127.0.0.1", this.port(balancer, port));
    }

    private static ModelNode listener(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", name);
    }
}

package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sip.message.Request;
import javax.sip.message.Response;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The original's ActiveStandbySipTest and PureConsistentHashNodeDeathTest through the provisioned balancer: a jain-sip
 * caller, two jain-sip nodes heartbeating over HTTP/JSON, and the algorithm chosen with jboss-cli.
 */
public class OriginalAlgorithmsTestCase extends LoadBalancerTestCase {

    private static final int PORT_A = 5211;
    private static final int PORT_B = 5212;
    private static final Map<Integer, Long> SESSIONS = Map.of(PORT_A, 95211L, PORT_B, 95212L);
    private static final ModelNode CALL_ID_AFFINITY = Management.algorithm("call-id-affinity");

    private final Set<Integer> beating = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService heartbeatThread;
    private SipAgent caller;
    private SipAgent nodeA;
    private SipAgent nodeB;

    @BeforeEach
    public void startAgents() throws Exception {
        this.nodeA = SipAgent.node(PORT_A);
        this.nodeB = SipAgent.node(PORT_B);
        this.caller = SipAgent.caller(5221);
        // nodes left by earlier tests expire (node-timeout 8.4 s); they would be candidates too
        Management.await("nodes of earlier tests to expire", 30_000, () -> this.management.nodeNames().isEmpty());
        this.heartbeatThread = Executors.newSingleThreadScheduledExecutor();
        this.heartbeatThread.scheduleWithFixedDelay(() -> this.beating.forEach(port -> {
            try {
                this.heartbeats.start(HeartbeatClient.node(port, SESSIONS.get(port), "1", "route-" + port));
            } catch (Exception e) {
                // the next beat tries again
            }
        }), 0, 300, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    public void stopAgentsAndRestoreCallIdAffinity() throws Exception {
        this.heartbeatThread.shutdownNow();
        this.heartbeatThread.awaitTermination(5, TimeUnit.SECONDS);
        for (long session : SESSIONS.values()) {
            this.heartbeats.command("stop", session);
        }
        this.caller.close();
        this.nodeA.close();
        this.nodeB.close();
        List<String> algorithms = this.management.algorithms();
        if (!algorithms.equals(List.of("call-id-affinity"))) {
            Operations.CompositeOperationBuilder restore = Operations.CompositeOperationBuilder.create();
            algorithms.forEach(name -> restore.addStep(Operations.createRemoveOperation(Management.algorithm(name))));
            restore.addStep(Operations.createAddOperation(CALL_ID_AFFINITY));
            this.management.success(Management.restarting(restore.build().getOperation()));
        }
    }

    @Test
    public void activeStandbySendsEveryCallToTheFirstNodeAndTheByeOfItsCallToTheStandbyWhenItDies() throws Exception {
        // batch: algorithm=call-id-affinity:remove, algorithm=active-standby:add {allow-resource-service-restart=true}
        this.use(Operations.createAddOperation(Management.algorithm("active-standby")));
        this.register(PORT_A);
        this.register(PORT_B);
        for (int i = 0; i < 3; i++) {
            SipAgent.Call call = this.caller.call("udp", 5060, "alice" + i);
            call.awaitAnswer();
            assertSame(this.nodeA, this.nodeThatGot(Request.INVITE, call.callId()), "the active node takes every call");
            call.hangUp();
        }
        SipAgent.Call call = this.caller.call("udp", 5060, "bob");
        call.awaitAnswer();
        assertSame(this.nodeA, this.nodeThatGot(Request.INVITE, call.callId()));
        assertSame(this.nodeA, this.nodeThatGot(Request.ACK, call.callId()), "the ACK follows the INVITE");

        this.leave(PORT_A);
        call.hangUp();
        assertSame(this.nodeB, this.nodeThatGot(Request.BYE, call.callId()), "the standby takes the BYE of the lost node's call");

        this.register(PORT_A);
        SipAgent.Call next = this.caller.call("udp", 5060, "carol");
        next.awaitAnswer();
        assertSame(this.nodeB, this.nodeThatGot(Request.INVITE, next.callId()), "no failback when the first node is back");
        next.hangUp();
    }

    @Test
    public void pureConsistentHashMovesACallOnlyWhenItsNodeLeaves() throws Exception {
        // batch: algorithm=call-id-affinity:remove, algorithm=pure-consistent-hash:add {allow-resource-service-restart=true}
        this.use(Operations.createAddOperation(Management.algorithm("pure-consistent-hash")));
        this.register(PORT_A);
        this.register(PORT_B);
        SipAgent.Call call = this.caller.call("udp", 5060, "alice");
        call.awaitAnswer();
        SipAgent owner = this.nodeThatGot(Request.INVITE, call.callId());
        assertNotNull(owner, "a node took the INVITE");
        assertSame(owner, this.nodeThatGot(Request.ACK, call.callId()), "the ACK follows the INVITE");

        this.leave(owner.port());
        call.hangUp();
        assertSame((owner == this.nodeA) ? this.nodeB : this.nodeA, this.nodeThatGot(Request.BYE, call.callId()), "the BYE goes to the survivor");
    }

    @Test
    public void pureConsistentHashRefusesAUserWhoseNodeIsDisabledInsteadOfMovingIt() throws Exception {
        // batch: algorithm=call-id-affinity:remove, algorithm=pure-consistent-hash:add(sip-affinity-key=from.user) {allow-resource-service-restart=true}
        ModelNode add = Operations.createAddOperation(Management.algorithm("pure-consistent-hash"));
        add.get("sip-affinity-key").set("from.user");
        this.use(add);
        this.register(PORT_A);
        this.register(PORT_B);
        String userOfA = null;
        String userOfB = null;
        for (int i = 0; userOfA == null || userOfB == null; i++) {
            SipAgent.Call call = this.caller.call("udp", 5060, "user" + i);
            call.awaitAnswer();
            SipAgent served = this.nodeThatGot(Request.INVITE, call.callId());
            call.hangUp();
            if (served == this.nodeA && userOfA == null) {
                userOfA = "user" + i;
            } else if (served == this.nodeB && userOfB == null) {
                userOfB = "user" + i;
            }
        }

        // /subsystem=load-balancer/node=127.0.0.1\:5211:disable
        this.management.success(Operations.createOperation("disable", Management.node(name(PORT_A))));
        this.caller.call("udp", 5060, userOfA);
        assertNotNull(this.caller.awaitResponse(Request.INVITE, Response.SERVICE_UNAVAILABLE, 10_000), "the disabled node's user is refused, not moved");
        SipAgent.Call other = this.caller.call("udp", 5060, userOfB);
        other.awaitAnswer();
        assertSame(this.nodeB, this.nodeThatGot(Request.INVITE, other.callId()));
        other.hangUp();

        // /subsystem=load-balancer/node=127.0.0.1\:5211:enable
        this.management.success(Operations.createOperation("enable", Management.node(name(PORT_A))));
        SipAgent.Call back = this.caller.call("udp", 5060, userOfA);
        back.awaitAnswer();
        assertSame(this.nodeA, this.nodeThatGot(Request.INVITE, back.callId()), "the user is back on its node");
        back.hangUp();
    }

    @Test
    public void originalClassNamesSelectTheNewBuiltIns() {
        for (String name : List.of("PureConsistentHashBalancerAlgorithm", "ActiveStandbyAlgorithm")) {
            // batch: algorithm=<current>:remove, algorithm=custom:add(class=org.mobicents.tools.sip.balancer.<name>) {allow-resource-service-restart=true}
            ModelNode add = Operations.createAddOperation(Management.algorithm("custom"));
            add.get("class").set("org.mobicents.tools.sip.balancer." + name);
            this.use(add);

            String builtIn = name.equals("ActiveStandbyAlgorithm") ? "ActiveStandbyAlgorithm" : "PureConsistentHashAlgorithm";
            assertEquals("org.restcomm.lb.algorithm." + builtIn, this.management.read(Management.SUBSYSTEM, "active-algorithm").asString());
        }
    }

    /** Replaces the defined algorithm by the one the add operation creates, in one batch. */
    private void use(ModelNode add) {
        Operations.CompositeOperationBuilder swap = Operations.CompositeOperationBuilder.create();
        this.management.algorithms().forEach(name -> swap.addStep(Operations.createRemoveOperation(Management.algorithm(name))));
        this.management.success(Management.restarting(swap.addStep(add).build().getOperation()));
    }

    private void register(int port) throws InterruptedException {
        this.beating.add(port);
        Management.await(name(port) + " registered", 10_000, () -> this.management.nodeNames().contains(name(port)));
    }

    /** The node stops heartbeating and says so, as a node whose server stops: the balancer forgets it at once. */
    private void leave(int port) throws Exception {
        this.beating.remove(port);
        this.heartbeats.command("stop", SESSIONS.get(port));
        Management.await(name(port) + " gone", 10_000, () -> !this.management.nodeNames().contains(name(port)));
    }

    private SipAgent nodeThatGot(String method, String callId) throws InterruptedException {
        return SipAgent.nodeThatGot(method, callId, List.of(this.nodeA, this.nodeB));
    }

    private static String name(int port) {
        return "127.0.0.1:" + port;
    }
}

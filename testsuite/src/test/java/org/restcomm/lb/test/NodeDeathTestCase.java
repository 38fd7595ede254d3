package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sipp node that dies under sipp load, with a second live node: how many calls fail and how long the balancer takes
 * to stop sending it new calls, against what node-timeout alone allowed (issue 10, point 7).
 */
public class NodeDeathTestCase extends LoadBalancerTestCase {

    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");
    private static final int RATE = 100;
    private static final int CALLS = 1200;
    private static final long NODE_TIMEOUT_MILLIS = 8400;

    private final Set<Long> beating = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService heartbeatThread;

    @BeforeEach
    public void fastDetection() {
        // /subsystem=load-balancer/sip=default:write-attribute(name=node-response-timeout, value=500)
        this.management.success(Operations.createWriteAttributeOperation(SIP, "node-response-timeout", 500));
        // /subsystem=load-balancer/sip=default:write-attribute(name=probe-interval, value=1)
        this.management.success(Operations.createWriteAttributeOperation(SIP, "probe-interval", 1));
        this.heartbeatThread = Executors.newSingleThreadScheduledExecutor();
        // the nodes' own heartbeat clients, every second while they live
        this.heartbeatThread.scheduleWithFixedDelay(() -> this.beating.forEach(session -> {
            try {
                this.heartbeats.command("heartbeat", session);
            } catch (Exception e) {
                // the next beat tries again
            }
        }), 1, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    public void defaultDetection() throws Exception {
        this.heartbeatThread.shutdownNow();
        for (long session : this.beating) {
            this.heartbeats.command("stop", session);
        }
        // /subsystem=load-balancer/sip=default:undefine-attribute(name=node-response-timeout)
        this.management.success(Operations.createUndefineAttributeOperation(SIP, "node-response-timeout"));
        // /subsystem=load-balancer/sip=default:undefine-attribute(name=probe-interval)
        this.management.success(Operations.createUndefineAttributeOperation(SIP, "probe-interval"));
    }

    @Test
    public void killedNodeUnderLoadLosesFarFewerCallsThanNodeTimeoutAllowed() throws Exception {
        Path directory = Sipp.workDirectory();
        try (Sipp doomed = Sipp.uasAnsweringProbes(5101, directory); Sipp survivor = Sipp.uasAnsweringProbes(5102, directory)) {
            this.register(5101, 98101L);
            this.register(5102, 98102L);
            try (Sipp caller = Sipp.load("127.0.0.1:5060", 5075, CALLS, RATE, directory)) {
                Thread.sleep(3000);
                doomed.kill();
                this.beating.remove(98101L);
                long killedAt = System.nanoTime();
                // /subsystem=load-balancer/node=127.0.0.1\:5101:read-attribute(name=state)
                Management.await("the killed node to be unreachable", 5000, () -> this.state("127.0.0.1:5101").equals("unreachable"));
                long detectionMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                caller.await(120);
                long failed = caller.counter("Failed call");
                long successful = caller.counter("Successful call");
                long allowedBefore = RATE * NODE_TIMEOUT_MILLIS / 1000 / 2;
                System.out.printf("Node killed under %d calls/s: %d of %d calls failed, %d succeeded; unreachable %d ms after the kill "
                        + "(node-response-timeout 500 ms, probe-interval 1 s; node-timeout alone: up to %d calls)%n", RATE, failed, CALLS, successful,
                        detectionMillis, allowedBefore);
                assertTrue(failed >= 0 && successful > 0, caller::output);
                assertTrue(failed * 5 < allowedBefore, () -> failed + " failed calls: " + caller.output());
                assertTrue(detectionMillis < 2000, "detected in " + detectionMillis + " ms");
            }
            assertTrue(survivor.alive(), "the live node still runs");
        }
    }

    @Test
    public void nodeThatHeartbeatsButStopsAnsweringSipGetsNoNewCallsAndComesBackWhenItAnswers() throws Exception {
        Path directory = Sipp.workDirectory();
        try (Sipp frozen = Sipp.uasAnsweringProbes(5103, directory); Sipp survivor = Sipp.uasAnsweringProbes(5104, directory)) {
            this.register(5103, 98103L);
            this.register(5104, 98104L);
            try (Sipp caller = Sipp.load("127.0.0.1:5060", 5076, CALLS / 2, RATE, directory)) {
                Thread.sleep(2000);
                // alive and heartbeating, but its SIP goes unanswered
                frozen.signal("STOP");
                long frozenAt = System.nanoTime();
                Management.await("the silent node to be unreachable", 5000, () -> this.state("127.0.0.1:5103").equals("unreachable"));
                long detectionMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
                long assignedAtDetection = this.management.read(Management.node("127.0.0.1:5103"), "calls-assigned").asLong();
                Thread.sleep(1500);
                // /subsystem=load-balancer/node=127.0.0.1\:5103:read-attribute(name=calls-assigned)
                assertEquals(assignedAtDetection, this.management.read(Management.node("127.0.0.1:5103"), "calls-assigned").asLong(),
                        "no new call for the silent node while its heartbeats keep coming");
                assertTrue(this.management.nodeNames().contains("127.0.0.1:5103"), "heartbeats keep it registered");
                frozen.signal("CONT");
                // the next probe's answer takes it back
                Management.await("the node to answer a probe and be active again", 5000, () -> this.state("127.0.0.1:5103").equals("active"));
                caller.await(120);
                System.out.printf("Node silent but heartbeating under %d calls/s: %d of %d calls failed; unreachable %d ms after it went silent%n",
                        RATE, caller.counter("Failed call"), CALLS / 2, detectionMillis);
                assertTrue(caller.counter("Failed call") * 5 < RATE * NODE_TIMEOUT_MILLIS / 1000 / 2, caller::output);
            }
        }
    }

    @Test
    public void enableClearsUnreachable() throws Exception {
        try (Sipp silent = Sipp.uasAnsweringProbes(5105, Sipp.workDirectory())) {
            silent.signal("STOP");
            this.register(5105, 98105L);
            // three probes unanswered (probe-failures 3): unreachable without any call
            Management.await("the silent node to be unreachable by probes", 10_000, () -> this.state("127.0.0.1:5105").equals("unreachable"));
            // /subsystem=load-balancer/node=127.0.0.1\:5105:enable
            this.management.success(Operations.createOperation("enable", Management.node("127.0.0.1:5105")));
            assertEquals("active", this.state("127.0.0.1:5105"));
            silent.signal("CONT");
        }
    }

    private void register(int port, long session) throws Exception {
        this.heartbeats.start(HeartbeatClient.node(port, session, "1", "death-" + port));
        this.beating.add(session);
    }

    private String state(String node) {
        ModelNode outcome = this.management.execute(Operations.createReadAttributeOperation(Management.node(node), "state"));
        return Operations.isSuccessfulOutcome(outcome) ? Operations.readResult(outcome).asString() : "absent";
    }
}

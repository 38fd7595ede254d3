package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** The warm-up before the SIP ports open: its calls go through an engine's fast path, and nothing of them is left behind. */
class SipWarmUpTest {

    @Test
    void theWarmUpsCallsCompleteThroughTheUdpFastPath() throws Exception {
        SipWarmUp.Rehearsal rehearsal = SipWarmUp.rehearse(SipBalancerSettings.defaults(List.of()), 300, 20_000);

        assertEquals(300, rehearsal.completedCalls(), "INVITE, 200, ACK, BYE and 200 of every call, node and caller on loopback");
        // INVITE, its 200, ACK, BYE and the BYE's 200: five datagrams of each call spliced, none parsed by jain-sip; the
        // last one is counted just after it is sent, perhaps after the caller has it
        assertTrue(rehearsal.fastPathRelayed() >= 5 * 300 - 1, "relayed by the fast path: " + rehearsal.fastPathRelayed());
    }

    @Test
    void aBalancerWarmedUpStartsWithNoNodeNoCountAndNoThreadOfTheWarmUp() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
        LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
        CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
        algorithm.start(new AlgorithmContext(registry, Clock.systemUTC(), Map.of()));
        SipBalancer balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort())),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort())))),
                registry, () -> algorithm, new HeartbeatProtocol(registry, statistics.heartbeats()), statistics.sip());
        try {
            balancer.warmUp();
            balancer.start();

            assertEquals(0, registry.size(), "the warm-up's node is not in the balancer's registry");
            assertEquals(0, statistics.sip().requestsProcessed(), "the warm-up's calls are not in the balancer's statistics");
            assertEquals(0, balancer.fastPathRelayed());
            // its node's thread ends once its socket is closed
            long deadline = System.currentTimeMillis() + 10_000;
            while (warmUpThreads() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, warmUpThreads(), "the warm-up's node and its engine have stopped");
        } finally {
            balancer.stop();
            algorithm.stop();
        }
    }

    private static long warmUpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("load-balancer-sip-warm-up")).count();
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

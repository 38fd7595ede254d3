package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

/**
 * The UDP listeners' receive queues: by default as deep as the kernel allows up to 4 MiB, so a GC pause or the first
 * seconds of a cold JIT at full call rate do not drop datagrams (jain-sip's own default, 64 KiB, holds about 10 ms at
 * 2000 calls/s); stack-properties still decide when they name the size.
 */
class SipUdpReceiveBufferTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();

    @Test
    void listenersAskTheKernelForFourMebibytesByDefault() throws Exception {
        SipBalancer balancer = this.start(Map.of());
        try {
            int granted = grantedFor(SipBalancer.UDP_RECEIVE_BUFFER_BYTES);
            assertEquals(granted, receiveBufferBytes(balancer, Side.EXTERNAL), "external listener");
            assertEquals(granted, receiveBufferBytes(balancer, Side.INTERNAL), "internal listener");
            assertTrue(granted > grantedFor(64 * 1024), "the kernel here grants more than jain-sip's 64 KiB default: " + granted);
        } finally {
            balancer.stop();
        }
    }

    @Test
    void stackPropertiesNamingTheSizeWin() throws Exception {
        SipBalancer balancer = this.start(Map.of("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "32768"));
        try {
            assertEquals(grantedFor(32768), receiveBufferBytes(balancer, Side.EXTERNAL));
        } finally {
            balancer.stop();
        }
    }

    private SipBalancer start(Map<String, String> stackProperties) throws Exception {
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        SipBalancerSettings defaults = SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort())),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort()))));
        SipBalancerSettings settings = new SipBalancerSettings(defaults.listeners(), defaults.sendTrying(), defaults.noNodeStatus(), defaults.noNodeReason(),
                defaults.blockedUserAgents(), stackProperties, defaults.badNodeDetection(), defaults.failureAnswer());
        SipBalancer balancer = new SipBalancer(settings, this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats()),
                this.statistics.sip());
        balancer.start();
        return balancer;
    }

    private static int receiveBufferBytes(SipBalancer balancer, Side side) throws IOException {
        return ((FastUdpMessageProcessor) balancer.processor(side, Transport.UDP)).receiveBufferBytes();
    }

    /** What this kernel grants a UDP socket asking for the size (capped by net.core.rmem_max, doubled as Linux reports it). */
    private static int grantedFor(int asked) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setReceiveBufferSize(asked);
            return socket.getReceiveBufferSize();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}

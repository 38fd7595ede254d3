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

import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.node.Cidr;
import org.restcomm.lb.node.HeartbeatAdmission;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** SIP OPTIONS heartbeats on the internal port pass the same admission as HTTP and RMI ones. */
class SipHeartbeatAdmissionTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 5000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final HeartbeatAdmission admission = new HeartbeatAdmission(Clock.systemUTC());
    private final CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
    private SipBalancer balancer;
    private int external;
    private int internal;
    private UdpPeer node;

    @BeforeEach
    void start() throws Exception {
        this.external = freeUdpPort();
        this.internal = freeUdpPort();
        this.algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), Map.of()));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.balancer = new SipBalancer(SipBalancerSettings.defaults(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, this.external)),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, this.internal)))),
                this.registry, () -> this.algorithm, new HeartbeatProtocol(this.registry, this.statistics.heartbeats(), this.admission), this.statistics.sip());
        this.balancer.start();
        this.node = new UdpPeer();
    }

    @AfterEach
    void stop() {
        this.node.close();
        this.balancer.stop();
        this.algorithm.stop();
    }

    @Test
    void heartbeatFromOutsideHeartbeatAllowedSourcesIsAnswered403AndCounted() throws Exception {
        this.admission.setAllowedSources(NodeSource.SIP, List.of(Cidr.parse("10.0.0.0/8")));
        this.node.send(this.options("hb-1", this.node.port()), this.internal);
        assertEquals(403, ((SIPResponse) this.node.receive()).getStatusCode());
        assertTrue(this.registry.nodes().isEmpty());
        assertEquals(1, this.statistics.heartbeats().rejectedCount());

        this.admission.setAllowedSources(NodeSource.SIP, List.of(Cidr.parse("127.0.0.0/8")));
        this.node.send(this.options("hb-2", this.node.port()), this.internal);
        assertEquals(200, ((SIPResponse) this.node.receive()).getStatusCode());
        assertEquals(1, this.registry.size());
    }

    @Test
    void nodeAdvertisingTheBalancersOwnListenerIsRefused() throws Exception {
        this.admission.ownAddresses().set(this.balancer, List.of(new InetSocketAddress("127.0.0.1", this.external)));
        this.node.send(this.options("hb-3", this.external), this.internal);
        assertEquals(403, ((SIPResponse) this.node.receive()).getStatusCode());
        assertTrue(this.registry.nodes().isEmpty(), "a node at the balancer's own address would loop every call");
    }

    private String options(String callId, int advertisedPort) {
        String body = "hostname=sipHeartbeat\nip=127.0.0.1\nudpPort=" + advertisedPort + "\nversion=5\n";
        return """
                OPTIONS sip:127.0.0.1:%d SIP/2.0
                Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%s
                Max-Forwards: 70
                From: <sip:heartbeat@127.0.0.1>;tag=hb
                To: <sip:127.0.0.1:%d>
                Call-ID: %s
                CSeq: 1 OPTIONS
                Mobicents-Heartbeat: 1
                Content-Type: text/plain
                Content-Length: %d

                %s""".formatted(this.internal, this.node.port(), callId, this.internal, callId, body.length(), body);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}

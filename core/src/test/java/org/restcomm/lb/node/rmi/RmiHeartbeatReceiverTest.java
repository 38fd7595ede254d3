package org.restcomm.lb.node.rmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mobicents.tools.sip.balancer.NodeRegisterRMIStub;
import org.mobicents.tools.sip.balancer.SIPNode;
import org.restcomm.lb.node.Cidr;
import org.restcomm.lb.node.HeartbeatAdmission;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;

class RmiHeartbeatReceiverTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 5000);
    private final LoadBalancerStatistics statistics = new LoadBalancerStatistics(true);
    private final HeartbeatAdmission admission = new HeartbeatAdmission(Clock.systemUTC());
    private RmiHeartbeatReceiver receiver;
    private int registryPort;

    @BeforeEach
    void start() throws IOException {
        this.registryPort = freePort();
        this.receiver = new RmiHeartbeatReceiver(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.registryPort), freePort(),
                new HeartbeatProtocol(this.registry, this.statistics.heartbeats(), this.admission));
        this.receiver.start();
    }

    @AfterEach
    void stop() {
        this.receiver.stop();
    }

    @Test
    void pingRegistersLegacyNodeWithIntegerPorts() throws Exception {
        SIPNode node = new SIPNode("legacy", "127.0.0.1");
        node.getProperties().put("udpPort", 5080);
        node.getProperties().put("version", "2");
        node.getProperties().put("sessionId", "77");

        lookup().handlePing(new ArrayList<>(List.of(node)));

        var registered = this.registry.node("127.0.0.1:5080").orElseThrow();
        assertEquals(NodeSource.RMI, registered.source());
        assertEquals("2", registered.version());
        assertEquals(1, this.statistics.heartbeats().receivedCount());

        lookup().forceRemoval(new ArrayList<>(List.of(node)));
        assertTrue(this.registry.node("127.0.0.1:5080").isEmpty());
    }

    @Test
    void callerOutsideAllowedSourcesGetsAnAccessExceptionAndIsCounted() throws Exception {
        this.admission.setAllowedSources(NodeSource.RMI, List.of(Cidr.parse("10.0.0.0/8")));
        SIPNode node = new SIPNode("legacy", "127.0.0.1");
        node.getProperties().put("udpPort", 5080);

        RemoteException refused = assertThrows(RemoteException.class, () -> lookup().handlePing(new ArrayList<>(List.of(node))));
        assertTrue(String.valueOf(refused.getMessage()).contains("allowed-sources"), refused.getMessage());
        assertTrue(this.registry.nodes().isEmpty());
        assertEquals(1, this.statistics.heartbeats().rejectedCount());

        this.admission.setAllowedSources(NodeSource.RMI, List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        lookup().handlePing(new ArrayList<>(List.of(node)));
        assertEquals(1, this.registry.size());
    }

    @Test
    void stopClosesTheRegistryPort() throws Exception {
        lookup();
        this.receiver.stop();

        assertThrows(RemoteException.class, () -> lookup().switchover("a", "b"));
        // RMI's accept thread lets go of the port asynchronously: it must be free again within moments
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.registryPort));
                return;
            } catch (java.net.BindException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private NodeRegisterRMIStub lookup() throws Exception {
        return (NodeRegisterRMIStub) LocateRegistry.getRegistry("127.0.0.1", this.registryPort).lookup(RmiHeartbeatReceiver.BINDING_NAME);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

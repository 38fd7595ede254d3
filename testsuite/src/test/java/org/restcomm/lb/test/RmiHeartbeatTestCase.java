package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.net.ConnectException;
import java.net.Socket;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.List;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mobicents.tools.sip.balancer.NodeRegisterRMIStub;
import org.mobicents.tools.sip.balancer.SIPNode;

/** A legacy node pings over RMI (registry 2000, "SIPBalancer") once heartbeat=rmi is added. */
public class RmiHeartbeatTestCase extends LoadBalancerTestCase {

    private static final ModelNode RMI = Operations.createAddress("subsystem", "load-balancer", "heartbeat", "rmi");

    @BeforeEach
    public void addRmiHeartbeat() {
        // /subsystem=load-balancer/heartbeat=rmi:add(registry-socket-binding=load-balancer-rmi-registry, object-socket-binding=load-balancer-rmi-object)
        ModelNode add = Operations.createAddOperation(RMI);
        add.get("registry-socket-binding").set("load-balancer-rmi-registry");
        add.get("object-socket-binding").set("load-balancer-rmi-object");
        this.management.success(add);
    }

    @AfterEach
    public void removeRmiHeartbeat() {
        // /subsystem=load-balancer/heartbeat=rmi:remove(){allow-resource-service-restart=true}
        ModelNode remove = Operations.createRemoveOperation(RMI);
        remove.get("operation-headers", "allow-resource-service-restart").set(true);
        this.management.success(remove);
    }

    @Test
    public void legacyNodeRegistersRefreshesAndForcesItsRemoval() throws Exception {
        NodeRegisterRMIStub balancer = lookup();
        SIPNode node = legacyNode(5301, "rmi-a");

        balancer.handlePing(new ArrayList<>(List.of(node)));

        ModelNode address = Management.node("127.0.0.1:5301");
        assertEquals("rmi", this.management.read(address, "source").asString());
        assertEquals("3", this.management.read(address, "version").asString());
        assertEquals("5301", this.management.read(address, "properties").get("udpPort").asString(), "Integer ports arrive as numbers");

        Thread.sleep(300);
        balancer.handlePing(new ArrayList<>(List.of(node)));
        assertTrue(this.management.read(address, "last-heartbeat-age").asLong() < 300, "a ping refreshes the node");

        balancer.forceRemoval(new ArrayList<>(List.of(node)));
        assertFalse(this.management.nodeNames().contains("127.0.0.1:5301"));
    }

    @Test
    public void legacySwitchoverMovesJvmRoute() throws Exception {
        lookup().switchover("rmi-from", "rmi-to");

        assertEquals("rmi-to", this.management.read(Management.SUBSYSTEM, "jvm-route-switchovers").get("rmi-from").asString());
    }

    @Test
    public void pingCarryingAClassOutsideTheWireFormatIsRefusedAndTheBalancerKeepsServing() throws Exception {
        NodeRegisterRMIStub balancer = lookup();
        SIPNode smuggler = legacyNode(5302, "rmi-smuggler");
        // any class but the original's SIPNode, collections, strings and numbers: the deserialization filter's job
        smuggler.getProperties().put("payload", new java.util.Date());

        RemoteException refused = assertThrows(RemoteException.class, () -> balancer.handlePing(new ArrayList<>(List.of(smuggler))));
        assertTrue(causes(refused).contains("REJECTED"), "refused by the filter: " + causes(refused));
        assertFalse(this.management.nodeNames().contains("127.0.0.1:5302"), "nothing of the refused ping registered");

        balancer.handlePing(new ArrayList<>(List.of(legacyNode(5303, "rmi-after"))));
        assertTrue(this.management.nodeNames().contains("127.0.0.1:5303"), "the next clean ping registers its node");
        balancer.forceRemoval(new ArrayList<>(List.of(legacyNode(5303, "rmi-after"))));
    }

    private static String causes(Throwable thrown) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            messages.append(cause).append(" / ");
        }
        return messages.toString();
    }

    @Test
    public void removingTheResourceClosesTheRegistry() throws Exception {
        lookup();
        this.removeRmiHeartbeat();

        // a fresh connection: RMI clients reuse open ones, which outlive the listener
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", 2000).close());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", 2001).close());
        this.addRmiHeartbeat();
    }

    @Test
    public void addThatCannotBindIsRolledBack() {
        this.removeRmiHeartbeat();
        // the statistics endpoint already listens on 2006
        ModelNode add = Operations.createAddOperation(RMI);
        add.get("registry-socket-binding").set("load-balancer-statistics");
        add.get("object-socket-binding").set("load-balancer-rmi-object");

        assertFalse(Operations.isSuccessfulOutcome(this.management.execute(add)));
        ModelNode children = Operations.createOperation("read-children-names", Management.SUBSYSTEM);
        children.get("child-type").set("heartbeat");
        assertFalse(this.management.success(children).asList().contains(new ModelNode("rmi")), "no half-added resource");
        this.addRmiHeartbeat();
    }

    private static NodeRegisterRMIStub lookup() throws Exception {
        return (NodeRegisterRMIStub) LocateRegistry.getRegistry("127.0.0.1", 2000).lookup("SIPBalancer");
    }

    private static SIPNode legacyNode(int port, String jvmRoute) {
        SIPNode node = new SIPNode("legacy-" + port, "127.0.0.1");
        node.getProperties().put("udpPort", Integer.valueOf(port));
        node.getProperties().put("tcpPort", Integer.valueOf(port));
        node.getProperties().put("version", "3");
        node.getProperties().put("jvmRoute", (Serializable) jvmRoute);
        return node;
    }
}

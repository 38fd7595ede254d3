package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server provisioned with the load-balancer-node layer is a node of its own balancer: it registers with the
 * layer's defaults, drains on :suspend, comes back on :resume and leaves when the subsystem is removed. Outside this
 * test the layer heartbeats to no balancer (arquillian.xml), so the self-node takes no part in other tests.
 */
public class NodeLayerTestCase extends LoadBalancerTestCase {

    /** The public interface's address and the http socket binding's port, the layer's defaults. */
    private static final String SELF = "127.0.0.1:8080";
    private static final ModelNode NODE_SUBSYSTEM = Operations.createAddress("subsystem", "load-balancer-node");

    private ModelNode configuredBalancers;

    @BeforeEach
    public void heartbeatToThisServersBalancer() {
        this.configuredBalancers = this.management.read(NODE_SUBSYSTEM, "balancers");
        // /subsystem=load-balancer-node:write-attribute(name=balancers, value=[127.0.0.1:2610]){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(NODE_SUBSYSTEM, "balancers", new ModelNode().add("127.0.0.1:2610"))));
    }

    @AfterEach
    public void heartbeatToNoBalancerAgain() throws InterruptedException {
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(NODE_SUBSYSTEM, "balancers", this.configuredBalancers)));
        Management.await("the self-node to leave", 10_000, () -> !this.management.nodeNames().contains(SELF));
    }

    @Test
    public void serverRegistersItselfWithItsNodeNameAsJvmRouteAndOnlyItsHttpPort() throws Exception {
        this.awaitSelf();
        ModelNode node = Management.node(SELF);
        // /core-service=server-environment:read-attribute(name=node-name), what undertow's instance-id defaults to
        String nodeName = this.management.read(Operations.createAddress("core-service", "server-environment"), "node-name").asString();
        // /subsystem=load-balancer/node=127.0.0.1\:8080:read-resource(include-runtime=true)
        assertEquals(nodeName, this.management.read(node, "jvm-route").asString());
        assertEquals("active", this.management.read(node, "state").asString());
        assertEquals("http", this.management.read(node, "source").asString());
        assertEquals("0", this.management.read(node, "version").asString());
        ModelNode properties = this.management.read(node, "properties");
        assertEquals("8080", properties.get("httpPort").asString());
        for (String sipPort : new String[] { "udpPort", "tcpPort", "tlsPort", "wsPort", "wssPort", "smppPort" }) {
            assertFalse(properties.hasDefined(sipPort), () -> sipPort + " advertised: " + properties);
        }
    }

    @Test
    public void anHttpsSocketBindingIsAdvertisedAsSslPortForBalancersWithBackendTls() throws Exception {
        this.awaitSelf();
        ModelNode node = Management.node(SELF);
        // /subsystem=load-balancer-node:write-attribute(name=https-socket-binding, value=load-balancer-https){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(NODE_SUBSYSTEM, "https-socket-binding", "load-balancer-https")));
        try {
            Management.await("the node to advertise sslPort", 10_000,
                    () -> this.management.nodeNames().contains(SELF) && "2081".equals(this.management.read(node, "properties").get("sslPort").asStringOrNull()));
            assertEquals("8080", this.management.read(node, "properties").get("httpPort").asString());
        } finally {
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(NODE_SUBSYSTEM, "https-socket-binding")));
        }
    }

    @Test
    public void suspendDrainsTheNodeAndResumeMakesItActiveAgain() throws Exception {
        this.awaitSelf();
        ModelNode node = Management.node(SELF);
        try {
            // :suspend
            this.management.success(Operations.createOperation("suspend"));
            // :suspend may return before its activities' prepare phase has run; shutdown follows within moments
            Management.await("the suspending node to drain", 5000, () -> "draining".equals(this.management.read(node, "state").asString()));
            Thread.sleep(1500);
            assertEquals("draining", this.management.read(node, "state").asString(), "heartbeats while suspended keep it draining");
        } finally {
            // :resume
            this.management.success(Operations.createOperation("resume"));
        }
        Management.await("the resumed node to be active", 5000, () -> "active".equals(this.management.read(node, "state").asString()));
    }

    @Test
    public void removingTheNodeSubsystemTakesTheNodeOutAtOnce() throws Exception {
        this.awaitSelf();
        ModelNode layerConfiguration = this.management.success(Operations.createReadResourceOperation(NODE_SUBSYSTEM));
        long removedAt = System.currentTimeMillis();
        // /subsystem=load-balancer-node:remove{allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createRemoveOperation(NODE_SUBSYSTEM)));
        try {
            assertFalse(this.management.nodeNames().contains(SELF), "stop is sent when the subsystem goes");
            assertTrue(System.currentTimeMillis() - removedAt < 8400, "no wait for node-timeout");
        } finally {
            // /subsystem=load-balancer-node:add(balancers=["${jboss.load-balancer-node.balancers:127.0.0.1:2610}"], http-socket-binding=http)
            this.management.success(Management.addOperation(NODE_SUBSYSTEM, layerConfiguration));
        }
        this.awaitSelf();
    }

    @Test
    public void writingBalancersMovesTheNodeToTheNewList() throws Exception {
        this.awaitSelf();
        ModelNode balancers = this.management.read(NODE_SUBSYSTEM, "balancers");
        ModelNode elsewhere = new ModelNode();
        elsewhere.add("127.0.0.1:1");
        // /subsystem=load-balancer-node:write-attribute(name=balancers, value=[127.0.0.1:1]){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(NODE_SUBSYSTEM, "balancers", elsewhere)));
        try {
            assertFalse(this.management.nodeNames().contains(SELF), "the old balancer is sent stop");
        } finally {
            this.management.success(Management.restarting(Operations.createWriteAttributeOperation(NODE_SUBSYSTEM, "balancers", balancers)));
        }
        this.awaitSelf();
    }

    private void awaitSelf() throws InterruptedException {
        Management.await("the server to register itself as node " + SELF, 10_000, () -> this.management.nodeNames().contains(SELF));
    }
}

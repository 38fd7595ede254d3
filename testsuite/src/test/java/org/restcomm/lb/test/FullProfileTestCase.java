package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** The layer added to WildFly's full default profile boots beside undertow, ejb3, weld, infinispan and the rest, and answers. */
public class FullProfileTestCase extends LoadBalancerTestCase {

    @Test
    public void balancerRunsNextToTheDefaultProfileSubsystems() throws Exception {
        ModelNode subsystems = Operations.createOperation("read-children-names", new ModelNode().setEmptyList());
        subsystems.get("child-type").set("subsystem");
        List<String> names = this.management.success(subsystems).asList().stream().map(ModelNode::asString).toList();
        assertTrue(names.containsAll(List.of("load-balancer", "undertow", "ejb3", "infinispan", "datasources", "weld", "jpa", "remoting")), names::toString);
        ModelNode state = this.management.success(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state"));
        assertEquals("running", state.asString(), "no boot errors");

        HeartbeatClient heartbeats = new HeartbeatClient();
        assertEquals(200, heartbeats.start(HeartbeatClient.node(5601, 96001L, "1", "full")).status());
        assertTrue(this.management.nodeNames().contains("127.0.0.1:5601"));
        assertEquals(1, StatisticsPages.lbstat().getInt("activeNodes"));
        assertEquals(8400L, JmxClient.read(this.managementClient, "NodeExpiration"));
        heartbeats.command("stop", 96001L);
    }
}

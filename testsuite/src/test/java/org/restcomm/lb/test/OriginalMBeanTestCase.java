package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** The original's MBean in full over WildFly's remote+http JMX connector: every attribute read, the writable ones written through the model. */
public class OriginalMBeanTestCase extends LoadBalancerTestCase {

    @Test
    public void everyAttributeOfTheOriginalReadsRemotelyWithTheOriginalTypes() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5411, 94011L, "3", "mbean-a"));
        try (JMXConnector connector = JmxClient.connect(this.managementClient)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(JmxClient.OBJECT_NAME);
            for (MBeanAttributeInfo attribute : connection.getMBeanInfo(name).getAttributes()) {
                assertTrue(attribute.isReadable(), attribute.getName());
                connection.getAttribute(name, attribute.getName());
            }

            String[] nodeList = (String[]) connection.getAttribute(name, "NodeList");
            assertTrue(Arrays.stream(nodeList).anyMatch(node -> node.startsWith("Node hostname[node-5411] ip[127.0.0.1] ") && node.contains("jvmRoute[mbean-a] ")
                    && node.contains("udpPort[5411] ") && node.contains("version[3] ")), Arrays.toString(nodeList));

            double cpu = (Double) connection.getAttribute(name, "JvmCpuUsage");
            assertTrue(cpu <= 1.0, "a fraction as the original's ProcessCpuLoad, not a percent: " + cpu);

            String configuration = (String) connection.getAttribute(name, "Configuration");
            assertTrue(configuration.contains("\"node-timeout\" : 8400") || configuration.contains("\"node-timeout\":8400"), configuration);
            assertTrue(configuration.contains("load-balancer-statistics"), configuration);
        } finally {
            this.heartbeats.command("stop", 94011L);
        }
    }

    @Test
    public void writesGoThroughTheManagementModel() throws Exception {
        try (JMXConnector connector = JmxClient.connect(this.managementClient)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(JmxClient.OBJECT_NAME);
            List<String> writable = Arrays.stream(connection.getMBeanInfo(name).getAttributes()).filter(MBeanAttributeInfo::isWritable).map(MBeanAttributeInfo::getName).sorted().toList();
            assertEquals(List.of("NodeExpiration", "NodeExpirationTaskInterval"), writable);

            connection.setAttribute(name, new Attribute("NodeExpiration", 9300L));
            connection.setAttribute(name, new Attribute("NodeExpirationTaskInterval", 250L));
            // /subsystem=load-balancer:read-attribute(name=node-timeout)
            assertEquals(9300L, this.management.read(Management.SUBSYSTEM, "node-timeout").asLong());
            // /subsystem=load-balancer:read-attribute(name=heartbeat-interval)
            assertEquals(250L, this.management.read(Management.SUBSYSTEM, "heartbeat-interval").asLong());
            assertEquals(9300L, connection.getAttribute(name, "NodeExpiration"), "the running balancer uses the written value");
            assertEquals(250L, connection.getAttribute(name, "NodeExpirationTaskInterval"));
        } finally {
            // /subsystem=load-balancer:undefine-attribute(name=node-timeout)
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "node-timeout"));
            // /subsystem=load-balancer:undefine-attribute(name=heartbeat-interval)
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "heartbeat-interval"));
        }
    }

    @Test
    public void aBadValueIsRefusedNamingTheAttributeAndChangesNothing() throws Exception {
        try (JMXConnector connector = JmxClient.connect(this.managementClient)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(JmxClient.OBJECT_NAME);
            RuntimeMBeanException refused = assertThrows(RuntimeMBeanException.class, () -> connection.setAttribute(name, new Attribute("NodeExpiration", 0L)));
            assertTrue(refused.getCause() instanceof IllegalArgumentException, messages(refused));
            assertTrue(messages(refused).contains("node-timeout"), "the refusal names the model attribute: " + messages(refused));
        }
        ModelNode read = Operations.createReadAttributeOperation(Management.SUBSYSTEM, "node-timeout");
        assertEquals(8400L, this.management.success(read).asLong(), "nothing written");
        assertEquals(8400L, JmxClient.read(this.managementClient, "NodeExpiration"));
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause).append(" | ");
        }
        return text.toString();
    }
}

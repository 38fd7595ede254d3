package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.as.controller.client.helpers.Operations;
import org.junit.jupiter.api.Test;

/** One set of counters, read as /lbstat, /lbinfo, management metrics, Prometheus and the remote MBean. */
public class StatisticsViewsTestCase extends LoadBalancerTestCase {

    private static final List<String> LBSTAT_NUMBERS = List.of("activeNodes", "JvmCpuUsage", "JvmHeapSize", "NumberOfActiveHttpConnections",
            "NumberOfActiveSipConnections", "NumberOfActiveSmppConnections", "NumberOfBytesTransferred", "NumberOfHttpBytesToClient",
            "NumberOfHttpBytesToServer", "NumberOfHttpRequests", "NumberOfRequestsProcessed", "NumberOfResponsesProcessed",
            "NumberOfSmppBytesToClient", "NumberOfSmppBytesToServer", "NumberOfSmppRequestsToClient", "NumberOfSmppRequestsToServer",
            "NumberOfActiveCalls", "NumberOfHeartbeatsRejected");

    private static final List<String> MBEAN_ATTRIBUTES = List.of("NumberOfRequestsProcessed", "NumberOfResponsesProcessed", "NumberOfBytesTransferred",
            "NumberOfRequestsProcessedByMethod", "NumberOfResponsesProcessedByStatusCode", "NumberOfActiveSipConnections", "NumberOfHttpRequests",
            "NumberOfHttpBytesToServer", "NumberOfHttpBytesToClient", "NumberOfActiveHttpConnections", "NumberOfSmppRequestsToServer",
            "NumberOfSmppRequestsToClient", "NumberOfSmppBytesToServer", "NumberOfSmppBytesToClient", "NumberOfActiveSmppConnections",
            "JvmCpuUsage", "JvmHeapSize", "NodeExpiration", "NodeExpirationTaskInterval", "Nodes");
    @Test
    public void lbstatHasTheOriginalFieldsAsNumbersAndCountsNodes() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5401, 94001L, "1", "stat-a"));
        try {
            HttpResponse<String> response = StatisticsPages.get("/lbstat");
            assertEquals(200, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
            JsonObject metrics = StatisticsPages.lbstat();
            for (String field : LBSTAT_NUMBERS) {
                assertEquals(JsonValue.ValueType.NUMBER, metrics.get(field).getValueType(), field);
            }
            assertEquals("Restcomm Load Balancer", metrics.getString("releaseName"));
            assertTrue(metrics.getString("releaseVersion").startsWith("1."));
            assertEquals(this.management.nodeNames().size(), metrics.getInt("activeNodes"));
            assertTrue(metrics.getJsonNumber("JvmHeapSize").longValue() > 0);
        } finally {
            this.heartbeats.command("stop", 94001L);
        }
    }

    @Test
    public void lbinfoListsNodesWithTheirProperties() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5402, 94002L, "4", "info-a"));
        try {
            JsonObject info = StatisticsPages.lbinfo();
            assertEquals(JsonValue.ValueType.ARRAY, info.get("nodesIPv6").getValueType());
            assertEquals(JsonValue.ValueType.ARRAY, info.get("smppRemoteServers").getValueType());
            JsonObject node = StatisticsPages.node(info, "127.0.0.1", "5402");
            assertEquals("node-5402", node.getString("hostName"));
            assertTrue(node.getJsonNumber("timeStamp").longValue() > 1_600_000_000_000L, "epoch milliseconds");
            assertEquals("4", node.getJsonObject("properties").getString("version"));
            assertEquals("info-a", node.getJsonObject("properties").getString("jvmRoute"));
            assertEquals(false, node.getBoolean("gracefulShutdown"));
            assertEquals(false, node.getBoolean("bad"));
            assertEquals(404, StatisticsPages.get("/nothing-here").statusCode());
        } finally {
            this.heartbeats.command("stop", 94002L);
        }
    }

    @Test
    public void prometheusExportsTheManagementMetrics() throws Exception {
        this.heartbeats.command("heartbeat", 1L);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + this.managementClient.getMgmtAddress() + ":" + this.managementClient.getMgmtPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("wildfly_load_balancer_active_nodes "), metrics.body());
        assertTrue(metrics.body().contains("# TYPE wildfly_load_balancer_heartbeats_received_total counter"));
        assertTrue(metrics.body().contains("wildfly_load_balancer_heartbeats_rejected_total "));
        assertTrue(metrics.body().contains("wildfly_load_balancer_jvm_heap_size_bytes "));
    }

    @Test
    public void remoteJmxClientReadsTheOriginalMBean() throws Exception {
        this.heartbeats.start(HeartbeatClient.node(5403, 94003L, "1", "jmx-a"));
        try (JMXConnector connector = JmxClient.connect(this.managementClient)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(JmxClient.OBJECT_NAME);
            List<String> attributes = java.util.Arrays.stream(connection.getMBeanInfo(name).getAttributes()).map(MBeanAttributeInfo::getName).toList();
            assertTrue(attributes.containsAll(MBEAN_ATTRIBUTES), "missing: " + MBEAN_ATTRIBUTES.stream().filter(a -> !attributes.contains(a)).toList());

            assertEquals(8400L, connection.getAttribute(name, "NodeExpiration"));
            assertEquals(150L, connection.getAttribute(name, "NodeExpirationTaskInterval"));
            assertTrue(List.of((String[]) connection.getAttribute(name, "Nodes")).contains("127.0.0.1:5403"));
            assertTrue(connection.getAttribute(name, "NumberOfRequestsProcessedByMethod") instanceof TabularData);
            assertEquals(0L, connection.invoke(name, "getRequestsProcessedByMethod", new Object[] { "INVITE" }, new String[] { String.class.getName() }));
            assertEquals(0L, connection.invoke(name, "getSmppRequestsProcessedById", new Object[] { 4 }, new String[] { Integer.class.getName() }));
        } finally {
            this.heartbeats.command("stop", 94003L);
        }
    }

    @Test
    public void countersFollowStatisticsEnabledAndReset() throws Exception {
        this.heartbeats.command("heartbeat", 1L);
        assertTrue(this.management.read(Management.SUBSYSTEM, "heartbeats-received").asLong() > 0);

        // /subsystem=load-balancer:reset-statistics
        this.management.success(Operations.createOperation("reset-statistics", Management.SUBSYSTEM));
        assertEquals(0L, this.management.read(Management.SUBSYSTEM, "heartbeats-received").asLong());

        // /subsystem=load-balancer:write-attribute(name=statistics-enabled, value=false)
        this.management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "statistics-enabled", false));
        try {
            this.heartbeats.command("heartbeat", 1L);
            assertEquals(0L, this.management.read(Management.SUBSYSTEM, "heartbeats-received").asLong());
        } finally {
            this.management.success(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "statistics-enabled"));
        }
        this.heartbeats.command("heartbeat", 1L);
        assertEquals(1L, this.management.read(Management.SUBSYSTEM, "heartbeats-received").asLong());
    }
}

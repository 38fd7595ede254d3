package org.restcomm.lb.admin;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/** The MBean over the shared counters; it keeps no numbers of its own. */
public final class LoadBalancerJmx implements LoadBalancerMXBean {

    public static final String OBJECT_NAME = "mobicents:type=LoadBalancer,name=LoadBalancer";

    private final LoadBalancerStatistics statistics;
    private final NodeRegistry registry;
    private final LongSupplier expiryIntervalMillis;
    private final ManagedSettings settings;
    private MBeanServer server;

    public LoadBalancerJmx(LoadBalancerStatistics statistics, NodeRegistry registry, LongSupplier expiryIntervalMillis, ManagedSettings settings) {
        this.statistics = statistics;
        this.registry = registry;
        this.expiryIntervalMillis = expiryIntervalMillis;
        this.settings = settings;
    }

    public synchronized void register(MBeanServer server) {
        try {
            ObjectName name = objectName();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
            this.server = server;
        } catch (JMException e) {
            LoadBalancerLogger.ROOT_LOGGER.mbeanRegistrationFailed(OBJECT_NAME, e);
        }
    }

    public synchronized void unregister() {
        if (this.server != null) {
            try {
                this.server.unregisterMBean(objectName());
            } catch (JMException e) {
                // already gone
            }
            this.server = null;
        }
    }

    private static ObjectName objectName() throws MalformedObjectNameException {
        return new ObjectName(OBJECT_NAME);
    }

    @Override
    public long getNumberOfRequestsProcessed() {
        return this.statistics.sip().requestsProcessed();
    }

    @Override
    public long getNumberOfResponsesProcessed() {
        return this.statistics.sip().responsesProcessed();
    }

    @Override
    public long getNumberOfBytesTransferred() {
        return this.statistics.sip().bytesTransferred();
    }

    @Override
    public Map<String, Long> getNumberOfRequestsProcessedByMethod() {
        return this.statistics.sip().requestsByMethod().snapshot();
    }

    @Override
    public Map<String, Long> getNumberOfResponsesProcessedByStatusCode() {
        return this.statistics.sip().responsesByStatusCode().snapshot();
    }

    @Override
    public long getNumberOfActiveSipConnections() {
        return this.statistics.sip().activeConnections().value();
    }

    @Override
    public long getNumberOfHttpRequests() {
        return this.statistics.http().requests();
    }

    @Override
    public long getNumberOfHttpBytesToServer() {
        return this.statistics.http().bytesToServer();
    }

    @Override
    public long getNumberOfHttpBytesToClient() {
        return this.statistics.http().bytesToClient();
    }

    @Override
    public long getNumberOfActiveHttpConnections() {
        return this.statistics.http().activeConnections().value();
    }

    @Override
    public long getNumberOfSmppRequestsToServer() {
        return this.statistics.smpp().requestsToServer();
    }

    @Override
    public long getNumberOfSmppRequestsToClient() {
        return this.statistics.smpp().requestsToClient();
    }

    @Override
    public long getNumberOfSmppBytesToServer() {
        return this.statistics.smpp().bytesToServer();
    }

    @Override
    public long getNumberOfSmppBytesToClient() {
        return this.statistics.smpp().bytesToClient();
    }

    @Override
    public long getNumberOfActiveSmppConnections() {
        return this.statistics.smpp().activeConnections().value();
    }

    @Override
    public double getJvmCpuUsage() {
        return this.statistics.jvm().processCpuLoad();
    }

    @Override
    public long getJvmHeapSize() {
        return this.statistics.jvm().heapUsedBytes();
    }

    @Override
    public long getNodeExpiration() {
        return this.registry.nodeTimeoutMillis();
    }

    @Override
    public void setNodeExpiration(long millis) {
        this.settings.setNodeTimeout(millis);
    }

    @Override
    public long getNodeExpirationTaskInterval() {
        return this.expiryIntervalMillis.getAsLong();
    }

    @Override
    public void setNodeExpirationTaskInterval(long millis) {
        this.settings.setHeartbeatInterval(millis);
    }

    @Override
    public List<String> getNodes() {
        return this.registry.nodes().stream().map(Node::name).sorted().toList();
    }

    @Override
    public String[] getNodeList() {
        return this.registry.nodes().stream().sorted(Comparator.comparing(Node::name)).map(LoadBalancerJmx::describe).toArray(String[]::new);
    }

    private static String describe(Node node) {
        StringBuilder text = new StringBuilder("Node hostname[").append(node.hostName()).append("] ip[").append(node.ip()).append("] ");
        new TreeMap<>(node.properties()).forEach((key, value) -> text.append(key).append('[').append(value).append("] "));
        return text.toString();
    }

    @Override
    public String getConfiguration() {
        return this.settings.configuration();
    }

    @Override
    public long getRequestsProcessedByMethod(String method) {
        return this.statistics.sip().requestsByMethod().get(method);
    }

    @Override
    public long getResponsesProcessedByStatusCode(String statusCode) {
        return this.statistics.sip().responsesByStatusCode().get(statusCode);
    }

    @Override
    public long getHttpRequestsProcessedByMethod(String method) {
        return this.statistics.http().requestsByMethod().get(method);
    }

    @Override
    public long getHttpResponseProcessedByCode(String statusCode) {
        return this.statistics.http().responsesByStatusCode().get(statusCode);
    }

    @Override
    public long getSmppRequestsProcessedById(Integer commandId) {
        return this.statistics.smpp().requestsByCommandId().get(commandId);
    }

    @Override
    public long getSmppResponsesProcessedById(Integer commandId) {
        return this.statistics.smpp().responsesByCommandId().get(commandId);
    }
}

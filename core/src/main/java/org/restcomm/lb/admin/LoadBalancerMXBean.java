package org.restcomm.lb.admin;

import java.util.List;
import java.util.Map;

/**
 * The original balancer's JMX view, {@code mobicents:type=LoadBalancer,name=LoadBalancer}; attribute and
 * operation names are kept so existing JConsole tabs and scripts still work.
 */
public interface LoadBalancerMXBean {

    long getNumberOfRequestsProcessed();

    long getNumberOfResponsesProcessed();

    long getNumberOfBytesTransferred();

    Map<String, Long> getNumberOfRequestsProcessedByMethod();

    Map<String, Long> getNumberOfResponsesProcessedByStatusCode();

    long getNumberOfActiveSipConnections();

    long getNumberOfHttpRequests();

    long getNumberOfHttpBytesToServer();

    long getNumberOfHttpBytesToClient();

    long getNumberOfActiveHttpConnections();

    long getNumberOfSmppRequestsToServer();

    long getNumberOfSmppRequestsToClient();

    long getNumberOfSmppBytesToServer();

    long getNumberOfSmppBytesToClient();

    long getNumberOfActiveSmppConnections();

    /** The process's recent CPU load, 0.0 to 1.0 (negative when the platform does not tell), as the original's. */
    double getJvmCpuUsage();

    long getJvmHeapSize();

    /** node-timeout in milliseconds. */
    long getNodeExpiration();

    /** Writes node-timeout through the management model. */
    void setNodeExpiration(long millis);

    /** heartbeat-interval in milliseconds. */
    long getNodeExpirationTaskInterval();

    /** Writes heartbeat-interval through the management model. */
    void setNodeExpirationTaskInterval(long millis);

    /** Names of the registered nodes. */
    List<String> getNodes();

    /** The registered nodes as the original printed them: {@code Node hostname[h] ip[i] key[value] ...}. */
    String[] getNodeList();

    /** The subsystem's configuration as text (the original returned a class a remote client cannot load). */
    String getConfiguration();

    long getRequestsProcessedByMethod(String method);

    long getResponsesProcessedByStatusCode(String statusCode);

    long getHttpRequestsProcessedByMethod(String method);

    long getHttpResponseProcessedByCode(String statusCode);

    long getSmppRequestsProcessedById(Integer commandId);

    long getSmppResponsesProcessedById(Integer commandId);
}

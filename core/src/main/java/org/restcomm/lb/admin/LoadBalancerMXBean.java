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

    int getJvmCpuUsage();

    long getJvmHeapSize();

    /** node-timeout in milliseconds. */
    long getNodeExpiration();

    /** heartbeat-interval in milliseconds. */
    long getNodeExpirationTaskInterval();

    /** Names of the registered nodes. */
    List<String> getNodes();

    long getRequestsProcessedByMethod(String method);

    long getResponsesProcessedByStatusCode(String statusCode);

    long getHttpRequestsProcessedByMethod(String method);

    long getHttpResponseProcessedByCode(String statusCode);

    long getSmppRequestsProcessedById(Integer commandId);

    long getSmppResponsesProcessedById(Integer commandId);
}

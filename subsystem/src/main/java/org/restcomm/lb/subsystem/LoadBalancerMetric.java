package org.restcomm.lb.subsystem;

import java.util.function.ToLongFunction;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.wildfly.subsystem.resource.executor.Metric;

/** Balancer-wide runtime metrics, read from the same counters as /lbstat and the MBean. */
enum LoadBalancerMetric implements Metric<LoadBalancerRuntime> {
    ACTIVE_NODES("active-nodes", MeasurementUnit.NONE, false, runtime -> runtime.registry().size()),
    HEARTBEATS_RECEIVED("heartbeats-received", MeasurementUnit.NONE, true, runtime -> runtime.statistics().heartbeats().receivedCount()),
    HEARTBEATS_REJECTED("heartbeats-rejected", MeasurementUnit.NONE, true, runtime -> runtime.statistics().heartbeats().rejectedCount()),
    JVM_CPU_USAGE("jvm-cpu-usage", MeasurementUnit.PERCENTAGE, false, runtime -> runtime.statistics().jvm().cpuUsagePercent()),
    JVM_HEAP_SIZE("jvm-heap-size", MeasurementUnit.BYTES, false, runtime -> runtime.statistics().jvm().heapUsedBytes()),
    SIP_REQUESTS_PROCESSED("sip-requests-processed", MeasurementUnit.NONE, true, runtime -> runtime.statistics().sip().requestsProcessed()),
    SIP_RESPONSES_PROCESSED("sip-responses-processed", MeasurementUnit.NONE, true, runtime -> runtime.statistics().sip().responsesProcessed()),
    SIP_MALFORMED_MESSAGES("sip-malformed-messages", MeasurementUnit.NONE, true, runtime -> runtime.statistics().sip().malformedMessages()),
    SIP_STALLED_CONNECTIONS("sip-stalled-connections", MeasurementUnit.NONE, true, runtime -> runtime.statistics().sip().stalledConnections()),
    SIP_ACTIVE_CONNECTIONS("sip-active-connections", MeasurementUnit.NONE, false, runtime -> runtime.statistics().sip().activeConnections().value()),
    SIP_BYTES_TRANSFERRED("sip-bytes-transferred", MeasurementUnit.BYTES, true, runtime -> runtime.statistics().sip().bytesTransferred()),
    HTTP_REQUESTS("http-requests", MeasurementUnit.NONE, true, runtime -> runtime.statistics().http().requests()),
    HTTP_BYTES_TO_SERVER("http-bytes-to-server", MeasurementUnit.BYTES, true, runtime -> runtime.statistics().http().bytesToServer()),
    HTTP_BYTES_TO_CLIENT("http-bytes-to-client", MeasurementUnit.BYTES, true, runtime -> runtime.statistics().http().bytesToClient()),
    HTTP_ACTIVE_CONNECTIONS("http-active-connections", MeasurementUnit.NONE, false, runtime -> runtime.statistics().http().activeConnections().value()),
    HTTP_STALLED_CONNECTIONS("http-stalled-connections", MeasurementUnit.NONE, true, runtime -> runtime.statistics().http().stalledConnections()),
    SMPP_REQUESTS_TO_SERVER("smpp-requests-to-server", MeasurementUnit.NONE, true, runtime -> runtime.statistics().smpp().requestsToServer()),
    SMPP_REQUESTS_TO_CLIENT("smpp-requests-to-client", MeasurementUnit.NONE, true, runtime -> runtime.statistics().smpp().requestsToClient()),
    SMPP_BYTES_TO_SERVER("smpp-bytes-to-server", MeasurementUnit.BYTES, true, runtime -> runtime.statistics().smpp().bytesToServer()),
    SMPP_BYTES_TO_CLIENT("smpp-bytes-to-client", MeasurementUnit.BYTES, true, runtime -> runtime.statistics().smpp().bytesToClient()),
    SMPP_ACTIVE_CONNECTIONS("smpp-active-connections", MeasurementUnit.NONE, false, runtime -> runtime.statistics().smpp().activeConnections().value()),
    SMPP_MALFORMED_PDUS("smpp-malformed-pdus", MeasurementUnit.NONE, true, runtime -> runtime.statistics().smpp().malformedPdus()),
    SMPP_STALLED_CONNECTIONS("smpp-stalled-connections", MeasurementUnit.NONE, true, runtime -> runtime.statistics().smpp().stalledConnections()),
    TLS_HANDSHAKE_FAILURES("tls-handshake-failures", MeasurementUnit.NONE, true, runtime -> runtime.statistics().tlsHandshakeFailures().count()),
    ;

    private final AttributeDefinition definition;
    private final ToLongFunction<LoadBalancerRuntime> value;

    LoadBalancerMetric(String name, MeasurementUnit unit, boolean counter, ToLongFunction<LoadBalancerRuntime> value) {
        SimpleAttributeDefinitionBuilder builder = new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setRequired(false)
                .setStorageRuntime()
                .setMeasurementUnit(unit);
        if (counter) {
            builder.addFlag(AttributeAccess.Flag.COUNTER_METRIC);
        }
        this.definition = builder.build();
        this.value = value;
    }

    @Override
    public AttributeDefinition get() {
        return this.definition;
    }

    @Override
    public ModelNode execute(LoadBalancerRuntime runtime) {
        return new ModelNode(this.value.applyAsLong(runtime));
    }
}

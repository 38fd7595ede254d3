package org.restcomm.lb.subsystem;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.PropertiesAttributeDefinition;
import org.jboss.dmr.ModelNode;
import org.wildfly.subsystem.resource.executor.Metric;

/** Descriptive runtime state of the balancer that is not a number, so not a metric. */
enum LoadBalancerRuntimeAttribute implements Metric<LoadBalancerRuntime> {
    /** jvmRoute → the jvmRoute that took its work over, from switchover heartbeats. */
    JVM_ROUTE_SWITCHOVERS(new PropertiesAttributeDefinition.Builder("jvm-route-switchovers", true).setStorageRuntime().build(),
            runtime -> runtime.registry().jvmRouteSwitchovers()),
    ;

    private final AttributeDefinition definition;
    private final Function<LoadBalancerRuntime, Map<String, String>> value;

    LoadBalancerRuntimeAttribute(AttributeDefinition definition, Function<LoadBalancerRuntime, Map<String, String>> value) {
        this.definition = definition;
        this.value = value;
    }

    @Override
    public AttributeDefinition get() {
        return this.definition;
    }

    @Override
    public ModelNode execute(LoadBalancerRuntime runtime) {
        ModelNode result = new ModelNode().setEmptyObject();
        new TreeMap<>(this.value.apply(runtime)).forEach((key, value) -> result.get(key).set(value));
        return result;
    }
}

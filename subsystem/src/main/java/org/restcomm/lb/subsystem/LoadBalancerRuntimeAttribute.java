package org.restcomm.lb.subsystem;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.PropertiesAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.wildfly.subsystem.resource.executor.Metric;

/** Descriptive runtime state of the balancer that is not a number, so not a metric. */
enum LoadBalancerRuntimeAttribute implements Metric<LoadBalancerRuntime> {
    /** jvmRoute → the jvmRoute that took its work over, from switchover heartbeats. */
    JVM_ROUTE_SWITCHOVERS(new PropertiesAttributeDefinition.Builder("jvm-route-switchovers", true).setStorageRuntime().build(),
            runtime -> properties(runtime.registry().jvmRouteSwitchovers())),
    /** The class of the algorithm the engines ask now. */
    ACTIVE_ALGORITHM(new SimpleAttributeDefinitionBuilder("active-algorithm", ModelType.STRING).setRequired(false).setStorageRuntime().build(),
            runtime -> new ModelNode(runtime.algorithm().getClass().getName())),
    ;

    private final AttributeDefinition definition;
    private final Function<LoadBalancerRuntime, ModelNode> value;

    LoadBalancerRuntimeAttribute(AttributeDefinition definition, Function<LoadBalancerRuntime, ModelNode> value) {
        this.definition = definition;
        this.value = value;
    }

    @Override
    public AttributeDefinition get() {
        return this.definition;
    }

    @Override
    public ModelNode execute(LoadBalancerRuntime runtime) {
        return this.value.apply(runtime);
    }

    private static ModelNode properties(Map<String, String> map) {
        ModelNode result = new ModelNode().setEmptyObject();
        new TreeMap<>(map).forEach((key, value) -> result.get(key).set(value));
        return result;
    }
}

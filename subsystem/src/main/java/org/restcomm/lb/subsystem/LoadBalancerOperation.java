package org.restcomm.lb.subsystem;

import org.jboss.as.controller.ExpressionResolver;
import org.jboss.as.controller.OperationDefinition;
import org.jboss.as.controller.SimpleOperationDefinitionBuilder;
import org.jboss.dmr.ModelNode;
import org.wildfly.subsystem.resource.executor.RuntimeOperation;

/** Balancer-wide runtime operations. */
enum LoadBalancerOperation implements RuntimeOperation<LoadBalancerRuntime> {
    /** Zeroes every counter behind the metrics, /lbstat and the MBean. */
    RESET_STATISTICS("reset-statistics") {
        @Override
        public ModelNode execute(ExpressionResolver resolver, ModelNode operation, LoadBalancerRuntime runtime) {
            runtime.statistics().reset();
            return null;
        }
    },
    ;

    private final OperationDefinition definition;

    LoadBalancerOperation(String name) {
        this.definition = new SimpleOperationDefinitionBuilder(name, LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER).setRuntimeOnly().build();
    }

    @Override
    public OperationDefinition getOperationDefinition() {
        return this.definition;
    }
}

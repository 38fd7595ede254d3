package org.restcomm.lb.subsystem;

import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.dmr.ModelNode;
import org.wildfly.common.function.ExceptionFunction;
import org.wildfly.subsystem.resource.executor.Metric;
import org.wildfly.subsystem.resource.executor.MetricExecutor;
import org.wildfly.subsystem.resource.executor.MetricFunction;
import org.wildfly.subsystem.resource.executor.RuntimeOperation;
import org.wildfly.subsystem.resource.executor.RuntimeOperationExecutor;
import org.wildfly.subsystem.resource.executor.RuntimeOperationFunction;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capture.FunctionExecutorRegistry;

/** Runs management reads and operations against the running balancer, when there is one. */
final class LoadBalancerRuntimeExecutor implements MetricExecutor<LoadBalancerRuntime>, RuntimeOperationExecutor<LoadBalancerRuntime> {

    private final FunctionExecutorRegistry<LoadBalancerRuntime> runtimes;

    LoadBalancerRuntimeExecutor(FunctionExecutorRegistry<LoadBalancerRuntime> runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public ModelNode execute(OperationContext context, Metric<LoadBalancerRuntime> metric) throws OperationFailedException {
        return this.execute(new MetricFunction<>(runtime -> runtime, metric));
    }

    @Override
    public ModelNode execute(OperationContext context, ModelNode operation, RuntimeOperation<LoadBalancerRuntime> executable) throws OperationFailedException {
        return this.execute(new RuntimeOperationFunction<>(context, operation, runtime -> runtime, executable));
    }

    /** Applies the function to the running balancer; null when it is not running. */
    <R> R execute(ExceptionFunction<LoadBalancerRuntime, R, OperationFailedException> function) throws OperationFailedException {
        var executor = this.runtimes.getExecutor(ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR));
        return (executor != null) ? executor.execute(function) : null;
    }
}

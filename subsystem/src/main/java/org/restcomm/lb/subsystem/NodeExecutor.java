package org.restcomm.lb.subsystem;

import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.dmr.ModelNode;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.wildfly.subsystem.resource.executor.Metric;
import org.wildfly.subsystem.resource.executor.MetricExecutor;
import org.wildfly.subsystem.resource.executor.RuntimeOperation;
import org.wildfly.subsystem.resource.executor.RuntimeOperationExecutor;

/** Runs reads and operations of {@code node=<name>} against that node of the running registry. */
final class NodeExecutor implements MetricExecutor<Node>, RuntimeOperationExecutor<NodeExecutor.RegisteredNode> {

    /** A node with the registry that holds it, for operations that change its state. */
    record RegisteredNode(NodeRegistry registry, Node node) {
    }

    private final LoadBalancerRuntimeExecutor runtimes;

    NodeExecutor(LoadBalancerRuntimeExecutor runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public ModelNode execute(OperationContext context, Metric<Node> metric) throws OperationFailedException {
        return metric.execute(this.node(context).node());
    }

    @Override
    public ModelNode execute(OperationContext context, ModelNode operation, RuntimeOperation<RegisteredNode> executable) throws OperationFailedException {
        return executable.execute(context, operation, this.node(context));
    }

    private RegisteredNode node(OperationContext context) throws OperationFailedException {
        String name = context.getCurrentAddressValue();
        RegisteredNode node = this.runtimes.execute(runtime -> runtime.registry().node(name).map(n -> new RegisteredNode(runtime.registry(), n)).orElse(null));
        if (node == null) {
            throw new OperationFailedException(SubsystemMessages.noSuchNode(name));
        }
        return node;
    }
}

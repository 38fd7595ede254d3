package org.restcomm.lb.subsystem;

import java.util.function.BiConsumer;

import org.jboss.as.controller.ExpressionResolver;
import org.jboss.as.controller.OperationDefinition;
import org.jboss.as.controller.SimpleOperationDefinitionBuilder;
import org.jboss.dmr.ModelNode;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.wildfly.subsystem.resource.executor.RuntimeOperation;

/** Operator actions on one node: drain, disable, enable. */
enum NodeOperation implements RuntimeOperation<NodeExecutor.RegisteredNode> {
    /** Keeps the node's calls and sessions, sends it nothing new. */
    DRAIN("drain", (registry, node) -> registry.drain(node.name())),
    /** As drain, until enabled. */
    DISABLE("disable", (registry, node) -> registry.disable(node.name())),
    /** Back to active. */
    ENABLE("enable", (registry, node) -> registry.enable(node.name())),
    ;

    private final OperationDefinition definition;
    private final BiConsumer<NodeRegistry, Node> action;

    NodeOperation(String name, BiConsumer<NodeRegistry, Node> action) {
        this.definition = new SimpleOperationDefinitionBuilder(name, NodeResourceDefinitionRegistrar.RESOLVER).setRuntimeOnly().build();
        this.action = action;
    }

    @Override
    public OperationDefinition getOperationDefinition() {
        return this.definition;
    }

    @Override
    public ModelNode execute(ExpressionResolver resolver, ModelNode operation, NodeExecutor.RegisteredNode node) {
        this.action.accept(node.registry(), node.node());
        return null;
    }
}

package org.restcomm.lb.subsystem;

import java.util.function.BiConsumer;

import org.jboss.as.controller.AbstractWriteAttributeHandler;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.dmr.ModelNode;

/** Applies a write to the running balancer at once, without a restart, and undoes it on rollback. */
final class LiveWriteAttributeHandler extends AbstractWriteAttributeHandler<Void> {

    private final BiConsumer<LoadBalancerRuntime, ModelNode> apply;
    private final LoadBalancerRuntimeExecutor executor;

    LiveWriteAttributeHandler(AttributeDefinition attribute, BiConsumer<LoadBalancerRuntime, ModelNode> apply, LoadBalancerRuntimeExecutor executor) {
        super(attribute);
        this.apply = apply;
        this.executor = executor;
    }

    @Override
    protected boolean applyUpdateToRuntime(OperationContext context, ModelNode operation, String attributeName, ModelNode resolvedValue, ModelNode currentValue, HandbackHolder<Void> handback)
            throws OperationFailedException {
        this.applyToRuntime(context, attributeName, resolvedValue);
        return false;
    }

    @Override
    protected void revertUpdateToRuntime(OperationContext context, ModelNode operation, String attributeName, ModelNode valueToRestore, ModelNode valueToRevert, Void handback)
            throws OperationFailedException {
        this.applyToRuntime(context, attributeName, valueToRestore);
    }

    /** Resolves through the attribute definition, so an undefined value means its default. */
    private void applyToRuntime(OperationContext context, String attributeName, ModelNode newValue) throws OperationFailedException {
        ModelNode model = new ModelNode();
        model.get(attributeName).set(newValue);
        ModelNode value = this.getAttributeDefinition(attributeName).resolveModelAttribute(context, model);
        this.executor.execute(runtime -> {
            this.apply.accept(runtime, value);
            return null;
        });
    }
}

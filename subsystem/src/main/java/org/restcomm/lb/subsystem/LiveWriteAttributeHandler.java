package org.restcomm.lb.subsystem;

import org.jboss.as.controller.AbstractWriteAttributeHandler;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathAddress;
import org.jboss.dmr.ModelNode;

/** Applies a write to the running balancer at once, without a restart, and undoes it on rollback. */
final class LiveWriteAttributeHandler extends AbstractWriteAttributeHandler<Void> {

    /** Hands the resource's model, with the written value in place, to whatever runs from it. */
    @FunctionalInterface
    interface RuntimeUpdate {
        void apply(OperationContext context, ModelNode model) throws OperationFailedException;
    }

    private final RuntimeUpdate update;

    LiveWriteAttributeHandler(AttributeDefinition attribute, RuntimeUpdate update) {
        super(attribute);
        this.update = update;
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

    /** The model is resolved through the attribute definitions, so an undefined value means its default. */
    private void applyToRuntime(OperationContext context, String attributeName, ModelNode value) throws OperationFailedException {
        ModelNode model = context.readResource(PathAddress.EMPTY_ADDRESS).getModel().clone();
        model.get(attributeName).set(value);
        this.update.apply(context, model);
    }
}

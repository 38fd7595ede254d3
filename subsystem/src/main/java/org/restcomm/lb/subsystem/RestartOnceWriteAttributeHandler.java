package org.restcomm.lb.subsystem;

import java.util.Optional;

import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.wildfly.subsystem.resource.operation.OperationStepHandlerDescriptor;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.resource.operation.WriteAttributeOperationStepHandler;

/**
 * The standard write handler of attributes that restart their resource's service, except that the second and later
 * writes to the resource in one composite do not mark the server reload-required. The standard handler restarts only
 * for the first write and flags the others for reload, yet that one restart already read the model with every write
 * of the composite in it (all MODEL steps run before the RUNTIME steps). Attributes that must be set together, like
 * https-socket-binding and ssl-context, can then only be set in a batch, which would otherwise always ask for a reload.
 */
final class RestartOnceWriteAttributeHandler extends WriteAttributeOperationStepHandler {

    RestartOnceWriteAttributeHandler(ResourceOperationRuntimeHandler runtime) {
        super(new OperationStepHandlerDescriptor() {
            @Override
            public Optional<ResourceOperationRuntimeHandler> getRuntimeHandler() {
                return Optional.of(runtime);
            }
        });
    }

    @Override
    protected boolean applyUpdateToRuntime(OperationContext context, ModelNode operation, String attributeName, ModelNode resolvedValue,
            ModelNode currentValue, HandbackHolder<Void> handback) throws OperationFailedException {
        boolean reload = super.applyUpdateToRuntime(context, operation, attributeName, resolvedValue, currentValue, handback);
        AttributeAccess access = context.getResourceRegistration().getAttributeAccess(PathAddress.EMPTY_ADDRESS, attributeName);
        // a changed value, restarts allowed and the flag set: the only reason left for a reload is that an earlier write restarted already
        boolean restartedEarlier = reload && context.isResourceServiceRestartAllowed() && AttributeAccess.Flag.RESTART_RESOURCE_SERVICES.test(access);
        return reload && !restartedEarlier;
    }
}

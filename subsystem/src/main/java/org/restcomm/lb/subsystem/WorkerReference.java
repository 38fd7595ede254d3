package org.restcomm.lb.subsystem;

import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.wildfly.io.IOServiceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.capability.ResourceCapabilityReference;
import org.wildfly.subsystem.service.ServiceDependency;
import org.xnio.XnioWorker;

/**
 * An optional io worker reference; a capability reference cannot have a default, so undefined means the io
 * subsystem's default worker, which the resource then always requires.
 */
final class WorkerReference {

    private WorkerReference() {
    }

    static CapabilityReferenceAttributeDefinition<XnioWorker> attribute(RuntimeCapability<Void> capability) {
        return new CapabilityReferenceAttributeDefinition.Builder<>("worker", CapabilityReference.builder(capability, IOServiceDescriptor.WORKER).build())
                .setRequired(false)
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    /** Goes on the resource's descriptor, so the io subsystem cannot drop its default worker under it. */
    static ResourceCapabilityReference<XnioWorker> defaultWorker(RuntimeCapability<Void> capability) {
        return ResourceCapabilityReference.builder(capability, IOServiceDescriptor.DEFAULT_WORKER).build();
    }

    static ServiceDependency<XnioWorker> resolve(CapabilityReferenceAttributeDefinition<XnioWorker> attribute, OperationContext context, ModelNode model)
            throws OperationFailedException {
        return model.hasDefined(attribute.getName()) ? attribute.resolve(context, model) : ServiceDependency.on(IOServiceDescriptor.DEFAULT_WORKER);
    }
}

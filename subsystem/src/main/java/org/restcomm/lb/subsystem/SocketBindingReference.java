package org.restcomm.lb.subsystem;

import org.jboss.as.controller.access.management.SensitiveTargetAccessConstraintDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.network.ManagedBinding;
import org.jboss.as.network.SocketBinding;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;

/**
 * A socket-binding reference: completed by jboss-cli, checked at write time, sensitive, restarts its service;
 * and the bound/unbound marks that make {@code :read-attribute(name=bound)} of the binding tell the truth.
 */
final class SocketBindingReference {

    private SocketBindingReference() {
    }

    static CapabilityReferenceAttributeDefinition<SocketBinding> attribute(String name, RuntimeCapability<Void> capability) {
        return builder(name, capability).setRequired(true).build();
    }

    /** An optional binding, for a listener that opens only when set; {@code requires} names what must be set with it. */
    static CapabilityReferenceAttributeDefinition<SocketBinding> optionalAttribute(String name, RuntimeCapability<Void> capability, String... requires) {
        return builder(name, capability).setRequired(false).setRequires(requires).build();
    }

    private static CapabilityReferenceAttributeDefinition.Builder<SocketBinding> builder(String name, RuntimeCapability<Void> capability) {
        return new CapabilityReferenceAttributeDefinition.Builder<>(name, CapabilityReference.builder(capability, SocketBinding.SERVICE_DESCRIPTOR).build())
                .addAccessConstraint(SensitiveTargetAccessConstraintDefinition.SOCKET_BINDING_REF)
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES);
    }

    /** Marks the binding bound once an engine listens on it. */
    static void markBound(SocketBinding binding) {
        binding.getSocketBindings().getNamedRegistry().registerBinding(ManagedBinding.Factory.createSimpleManagedBinding(binding));
    }

    static void markUnbound(SocketBinding binding) {
        binding.getSocketBindings().getNamedRegistry().unregisterBinding(binding.getName());
    }
}

package org.restcomm.lb.subsystem;

import java.util.List;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.StringAllowedValuesValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.wildfly.service.descriptor.UnaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;

/** Registers {@code sip=default/listener=<name>}: one SIP listening point; a change restarts the SIP engine. */
class SipListenerResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar {

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("listener"));
    static final ResourceDescriptionResolver RESOLVER = SipResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    /** Marks each listener, so its socket-binding reference is recorded against it. */
    static final UnaryServiceDescriptor<Void> SERVICE_DESCRIPTOR = UnaryServiceDescriptor.of("org.restcomm.lb.sip.listener", Void.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final SimpleAttributeDefinition SIDE = new SimpleAttributeDefinitionBuilder("side", ModelType.STRING)
            .setRequired(true)
            .setAllowExpression(true)
            .setValidator(new StringAllowedValuesValidator("external", "internal"))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition TRANSPORT = new SimpleAttributeDefinitionBuilder("transport", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode("udp"))
            .setValidator(new StringAllowedValuesValidator("udp", "tcp", "ws"))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> SOCKET_BINDING = SocketBindingReference.attribute("socket-binding", CAPABILITY);

    static final SimpleAttributeDefinition IP_LOAD_BALANCER_ADDRESS = new SimpleAttributeDefinitionBuilder("ip-load-balancer-address", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition IP_LOAD_BALANCER_PORT = new SimpleAttributeDefinitionBuilder("ip-load-balancer-port", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new IntRangeValidator(1, 65535, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final List<AttributeDefinition> ATTRIBUTES = List.of(SIDE, TRANSPORT, SOCKET_BINDING, IP_LOAD_BALANCER_ADDRESS, IP_LOAD_BALANCER_PORT);

    private final ResourceOperationRuntimeHandler sipRuntimeHandler;

    SipListenerResourceDefinitionRegistrar(ResourceOperationRuntimeHandler sipRuntimeHandler) {
        this.sipRuntimeHandler = sipRuntimeHandler;
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        ResourceDescriptor descriptor = ResourceDescriptor.builder(RESOLVER)
                .addAttributes(ATTRIBUTES)
                .addCapability(CAPABILITY)
                .withRuntimeHandler(ResourceOperationRuntimeHandler.restartParent(this.sipRuntimeHandler))
                .build();
        ManagementResourceRegistrar.of(descriptor).register(registration);
        return registration;
    }
}

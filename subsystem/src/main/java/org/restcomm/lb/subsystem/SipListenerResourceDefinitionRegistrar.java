package org.restcomm.lb.subsystem;

import java.util.List;

import javax.net.ssl.SSLContext;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.OperationStepHandler;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.operations.global.UndefineAttributeHandler;
import org.jboss.as.controller.operations.global.WriteAttributeHandler;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.StringAllowedValuesValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.sip.Transport;
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
            .setValidator(new StringAllowedValuesValidator("udp", "tcp", "tls", "ws", "wss"))
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

    /** Since 1.2: the Elytron server-ssl-context a tls or wss listener serves with; it alone decides client authentication, protocols and cipher suites. */
    static final CapabilityReferenceAttributeDefinition<SSLContext> SSL_CONTEXT = SslContextReference.attribute("ssl-context", CAPABILITY);

    static final List<AttributeDefinition> ATTRIBUTES = List.of(SIDE, TRANSPORT, SOCKET_BINDING, IP_LOAD_BALANCER_ADDRESS, IP_LOAD_BALANCER_PORT, SSL_CONTEXT);



    /** The handler, then the transport/ssl-context check at the end of the model stage: a refusal leaves nothing applied. */
    private static OperationStepHandler checked(OperationStepHandler handler) {
        return (context, operation) -> {
            handler.execute(context, operation);
            context.addStep((checking, ignored) -> check(checking, checking.readResource(PathAddress.EMPTY_ADDRESS, false).getModel()),
                    OperationContext.Stage.MODEL);
        };
    }

    /** A tls or wss listener needs an ssl-context; any other takes none. */
    private static void check(OperationContext context, ModelNode listener) throws OperationFailedException {
        Transport transport = Transport.of(TRANSPORT.resolveModelAttribute(context, listener).asString());
        boolean hasSslContext = listener.hasDefined(SSL_CONTEXT.getName());
        if (transport != null && transport.isSecure() && !hasSslContext) {
            throw new OperationFailedException(SubsystemMessages.sslContextRequired(SSL_CONTEXT.getName(), TRANSPORT.getName(), transport.parameter()));
        }
        if (transport != null && !transport.isSecure() && hasSslContext) {
            throw new OperationFailedException(SubsystemMessages.sslContextNotApplicable(SSL_CONTEXT.getName(), TRANSPORT.getName(), transport.parameter()));
        }
    }

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
                .withAddResourceOperationTransformation(SipListenerResourceDefinitionRegistrar::checked)
                .build();
        ManagementResourceRegistrar.of(descriptor).register(registration);
        // every write of this resource is checked too, once the whole batch is in the model: attribute write handlers of
        // our own would be replayed by the add (a restart within the add that fails), so the global operations are wrapped
        registration.registerOperationHandler(WriteAttributeHandler.DEFINITION, checked(WriteAttributeHandler.INSTANCE));
        registration.registerOperationHandler(UndefineAttributeHandler.DEFINITION, checked(UndefineAttributeHandler.INSTANCE));
        return registration;
    }
}

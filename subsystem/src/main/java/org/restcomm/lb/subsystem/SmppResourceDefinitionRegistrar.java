package org.restcomm.lb.subsystem;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.AttributeMarshaller;
import org.jboss.as.controller.AttributeParser;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.access.management.SensitiveTargetAccessConstraintDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.operations.validation.StringAllowedValuesValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.controller.registry.Resource;
import org.jboss.as.network.OutboundSocketBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.smpp.SmppBalancer;
import org.restcomm.lb.smpp.SmppBalancerSettings;
import org.restcomm.lb.smpp.SmppMode;
import org.restcomm.lb.smpp.SmppToNodeAlgorithm;
import org.restcomm.lb.smpp.SmppToProviderAlgorithm;
import org.restcomm.lb.smpp.SmppTlsListener;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceListAttributeDefinition;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;

/** Registers {@code smpp=default}: the SMPP engine, its listening socket, the SMSCs it binds to and its timers. */
class SmppResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    private static final String SOCKET_BINDING_GROUP = "socket-binding-group";
    private static final String REMOTE_DESTINATION = "remote-destination-outbound-socket-binding";

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("smpp", "default"));
    static final ResourceDescriptionResolver RESOLVER = LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    static final NullaryServiceDescriptor<SmppBalancer> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.smpp", SmppBalancer.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> SOCKET_BINDING = SocketBindingReference.attribute("socket-binding", CAPABILITY);

    // the TLS listener (the original's smppSslPort) needs both; the model refuses one without the other
    static final CapabilityReferenceAttributeDefinition<SocketBinding> SSL_SOCKET_BINDING = SocketBindingReference.optionalAttribute("ssl-socket-binding",
            CAPABILITY, "ssl-context");
    static final CapabilityReferenceAttributeDefinition<SSLContext> SSL_CONTEXT = SslContextReference.attribute("ssl-context", CAPABILITY, "ssl-socket-binding");

    /** TLS towards the SMSCs, the original's isRemoteServerSsl: an Elytron client-ssl-context. */
    static final CapabilityReferenceAttributeDefinition<SSLContext> BACKEND_SSL_CONTEXT = SslContextReference.attribute("backend-ssl-context", CAPABILITY);

    /** Checked against the outbound socket bindings at write time; their destinations are read from the model. */
    static final CapabilityReferenceListAttributeDefinition<OutboundSocketBinding> REMOTE_SERVERS = new CapabilityReferenceListAttributeDefinition.Builder<>("remote-servers",
            CapabilityReference.builder(CAPABILITY, OutboundSocketBinding.SERVICE_DESCRIPTOR).build())
            .setRequired(false)
            .setMinSize(0)
            .setAttributeParser(AttributeParser.STRING_LIST)
            .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
            .addAccessConstraint(SensitiveTargetAccessConstraintDefinition.SOCKET_BINDING_REF)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition WINDOW_SIZE = new SimpleAttributeDefinitionBuilder("window-size", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SmppBalancerSettings.DEFAULT_WINDOW_SIZE))
            .setValidator(new IntRangeValidator(1, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition RESPONSE_TIMEOUT = duration("response-timeout", SmppBalancerSettings.DEFAULT_RESPONSE_TIMEOUT);
    static final SimpleAttributeDefinition BIND_TIMEOUT = duration("bind-timeout", SmppBalancerSettings.DEFAULT_BIND_TIMEOUT);
    static final SimpleAttributeDefinition ENQUIRE_LINK_INTERVAL = duration("enquire-link-interval", SmppBalancerSettings.DEFAULT_ENQUIRE_LINK_INTERVAL);
    static final SimpleAttributeDefinition RECONNECT_INTERVAL = duration("reconnect-interval", SmppBalancerSettings.DEFAULT_RECONNECT_INTERVAL);
    static final SimpleAttributeDefinition CLIENT_CHECK_TIMEOUT = duration("client-check-timeout", SmppBalancerSettings.DEFAULT_CHECK_TIMEOUT);
    static final SimpleAttributeDefinition SERVER_CHECK_TIMEOUT = duration("server-check-timeout", SmppBalancerSettings.DEFAULT_CHECK_TIMEOUT);

    /** ESME_RSYSERR (8) by default, the original's answer to requests that arrive while the upstream bind is being replaced. */
    static final SimpleAttributeDefinition REBINDING_STATUS = new SimpleAttributeDefinitionBuilder("rebinding-status", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(0x08))
            .setValidator(new IntRangeValidator(1, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition MODE = new SimpleAttributeDefinitionBuilder("mode", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode("regular"))
            .setValidator(new StringAllowedValuesValidator("regular", "mux"))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** In mux mode, which ESMEs get an SMSC request; the original's toNodeAlgorithmClass. */
    static final SimpleAttributeDefinition TO_NODE_ALGORITHM = algorithm("to-node-algorithm", SmppToNodeAlgorithm.values(), SmppToNodeAlgorithm::modelName);

    /** Which SMSC takes a bind (regular mode) or a request (mux mode); the original's toProviderAlgorithmClass. */
    static final SimpleAttributeDefinition TO_PROVIDER_ALGORITHM = algorithm("to-provider-algorithm", SmppToProviderAlgorithm.values(), SmppToProviderAlgorithm::modelName);

    /** Netty's write-buffer high water mark of every ESME and SMSC socket; an int there. */
    static final SimpleAttributeDefinition MAX_QUEUED_BYTES = new SimpleAttributeDefinitionBuilder("max-queued-bytes", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode((long) SmppBalancerSettings.DEFAULT_MAX_QUEUED_BYTES))
            .setMeasurementUnit(MeasurementUnit.BYTES)
            .setValidator(new LongRangeValidator(SmppBalancerSettings.MIN_MAX_QUEUED_BYTES, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition WRITE_STALL_TIMEOUT = duration("write-stall-timeout", SmppBalancerSettings.DEFAULT_WRITE_STALL_TIMEOUT);

    static final SimpleAttributeDefinition HANDSHAKE_TIMEOUT = duration("handshake-timeout", SmppBalancerSettings.DEFAULT_HANDSHAKE_TIMEOUT);

    static final List<AttributeDefinition> ATTRIBUTES = List.of(SOCKET_BINDING, SSL_SOCKET_BINDING, SSL_CONTEXT, BACKEND_SSL_CONTEXT, REMOTE_SERVERS, WINDOW_SIZE,
            RESPONSE_TIMEOUT, BIND_TIMEOUT, ENQUIRE_LINK_INTERVAL, RECONNECT_INTERVAL, CLIENT_CHECK_TIMEOUT, SERVER_CHECK_TIMEOUT, REBINDING_STATUS, MODE,
            MAX_QUEUED_BYTES, WRITE_STALL_TIMEOUT, HANDSHAKE_TIMEOUT, TO_NODE_ALGORITHM, TO_PROVIDER_ALGORITHM);

    private final LoadBalancerRuntimeExecutor runtimes;

    SmppResourceDefinitionRegistrar(LoadBalancerRuntimeExecutor runtimes) {
        this.runtimes = runtimes;
    }

    private static SimpleAttributeDefinition duration(String name, long defaultMillis) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultMillis))
                .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
                .setValidator(new LongRangeValidator(1L, true))
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    /** One of the enum's model names, the first (round-robin, the original's default) by default. */
    private static <E extends Enum<E>> SimpleAttributeDefinition algorithm(String name, E[] values, Function<E, String> modelName) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.STRING)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(modelName.apply(values[0])))
                .setValidator(new StringAllowedValuesValidator(Arrays.stream(values).map(modelName).toArray(String[]::new)))
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    /** The constant whose model name ("submit-to-all") the attribute holds. */
    private static <E extends Enum<E>> E resolveEnum(SimpleAttributeDefinition attribute, Class<E> type, OperationContext context, ModelNode model)
            throws OperationFailedException {
        return Enum.valueOf(type, attribute.resolveModelAttribute(context, model).asString().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        ResourceOperationRuntimeHandler runtime = ResourceOperationRuntimeHandler.configureService(this);
        ResourceDescriptor.Builder descriptor = ResourceDescriptor.builder(RESOLVER)
                .addCapability(CAPABILITY)
                .withRuntimeHandler(runtime);
        // a batch of timer changes, or of ssl-socket-binding and ssl-context, restarts the engine once and needs no reload
        RestartOnceWriteAttributeHandler restart = new RestartOnceWriteAttributeHandler(runtime);
        for (AttributeDefinition attribute : ATTRIBUTES) {
            descriptor.addAttribute(attribute, (attribute == REMOTE_SERVERS) ? new LiveWriteAttributeHandler(attribute, this::updateRemoteServers) : restart);
        }
        ManagementResourceRegistrar.of(descriptor.build()).register(registration);
        return registration;
    }

    /** Binds on SMSCs that stay listed are kept; the engine moves only the ESMEs of removed ones. */
    private void updateRemoteServers(OperationContext context, ModelNode model) throws OperationFailedException {
        List<InetSocketAddress> servers = remoteServers(context, model);
        this.runtimes.execute(runtime -> {
            runtime.updateSmppRemoteServers(servers);
            return null;
        });
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        SmppBalancerSettings.Builder settings = SmppBalancerSettings.builder()
                .remoteServers(remoteServers(context, model))
                .windowSize(WINDOW_SIZE.resolveModelAttribute(context, model).asInt())
                .responseTimeout(RESPONSE_TIMEOUT.resolveModelAttribute(context, model).asLong())
                .bindTimeout(BIND_TIMEOUT.resolveModelAttribute(context, model).asLong())
                .enquireLinkInterval(ENQUIRE_LINK_INTERVAL.resolveModelAttribute(context, model).asLong())
                .reconnectInterval(RECONNECT_INTERVAL.resolveModelAttribute(context, model).asLong())
                .clientCheckTimeout(CLIENT_CHECK_TIMEOUT.resolveModelAttribute(context, model).asLong())
                .serverCheckTimeout(SERVER_CHECK_TIMEOUT.resolveModelAttribute(context, model).asLong())
                .rebindingStatus(REBINDING_STATUS.resolveModelAttribute(context, model).asInt())
                .mode(SmppMode.valueOf(MODE.resolveModelAttribute(context, model).asString().toUpperCase(Locale.ROOT)))
                .maxQueuedBytes(MAX_QUEUED_BYTES.resolveModelAttribute(context, model).asInt())
                .writeStallTimeout(WRITE_STALL_TIMEOUT.resolveModelAttribute(context, model).asLong())
                .handshakeTimeout(HANDSHAKE_TIMEOUT.resolveModelAttribute(context, model).asLong())
                .toNodeAlgorithm(resolveEnum(TO_NODE_ALGORITHM, SmppToNodeAlgorithm.class, context, model))
                .toProviderAlgorithm(resolveEnum(TO_PROVIDER_ALGORITHM, SmppToProviderAlgorithm.class, context, model));
        ServiceDependency<SocketBinding> binding = SOCKET_BINDING.resolve(context, model);
        // undefined references resolve to an empty dependency: nothing is required and get() answers null
        ServiceDependency<SocketBinding> sslBinding = SSL_SOCKET_BINDING.resolve(context, model);
        ServiceDependency<SSLContext> sslContext = SSL_CONTEXT.resolve(context, model);
        ServiceDependency<SSLContext> backendSslContext = BACKEND_SSL_CONTEXT.resolve(context, model);
        ServiceDependency<LoadBalancerRuntime> balancer = ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR);
        return CapabilityServiceInstaller.builder(CAPABILITY, () -> {
                    LoadBalancerRuntime runtime = balancer.get();
                    SocketBinding tls = sslBinding.get();
                    return new SmppBalancer(binding.get().getSocketAddress(), (tls != null) ? new SmppTlsListener(tls.getSocketAddress(), sslContext.get()) : null,
                            settings.backendSslContext(backendSslContext.get()).build(), runtime.registry(), runtime.statistics().smpp(), runtime.intake());
                })
                .requires(List.of(binding, sslBinding, sslContext, backendSslContext, balancer))
                .onStart(smpp -> {
                    smpp.start();
                    List<SocketBinding> listening = listening(binding, sslBinding);
                    listening.forEach(SocketBindingReference::markBound);
                    balancer.get().useSmppBalancer(smpp);
                    balancer.get().heartbeatAdmission().ownAddresses().set(smpp, listening.stream().map(SocketBinding::getSocketAddress).toList());
                })
                .onStop(smpp -> {
                    balancer.get().heartbeatAdmission().ownAddresses().remove(smpp);
                    balancer.get().releaseSmppBalancer(smpp);
                    listening(binding, sslBinding).forEach(SocketBindingReference::markUnbound);
                    smpp.stop();
                })
                .startWhen(StartWhen.INSTALLED)
                .build();
    }

    /** The plain listener's binding, then the TLS listener's when it is set. */
    private static List<SocketBinding> listening(ServiceDependency<SocketBinding> plain, ServiceDependency<SocketBinding> tls) {
        return (tls.get() != null) ? List.of(plain.get(), tls.get()) : List.of(plain.get());
    }

    /**
     * The destinations of the named remote-destination outbound socket bindings, read from the model rather than from
     * their services so that a live change needs no restart and a removed name leaves no service dependency behind.
     */
    static List<InetSocketAddress> remoteServers(OperationContext context, ModelNode model) throws OperationFailedException {
        List<String> names = LoadBalancerSubsystemResourceDefinitionRegistrar.stringList(REMOTE_SERVERS.resolveModelAttribute(context, model));
        if (names.isEmpty()) {
            return List.of();
        }
        Set<String> groups = context.readResourceFromRoot(PathAddress.EMPTY_ADDRESS, false).getChildrenNames(SOCKET_BINDING_GROUP);
        List<InetSocketAddress> servers = new ArrayList<>(names.size());
        for (String name : names) {
            servers.add(destination(context, groups, name));
        }
        return servers;
    }

    private static InetSocketAddress destination(OperationContext context, Set<String> groups, String name) throws OperationFailedException {
        for (String group : groups) {
            PathAddress address = PathAddress.pathAddress(PathElement.pathElement(SOCKET_BINDING_GROUP, group), PathElement.pathElement(REMOTE_DESTINATION, name));
            Resource binding;
            try {
                binding = context.readResourceFromRoot(address, false);
            } catch (Resource.NoSuchResourceException e) {
                continue;
            }
            ModelNode model = binding.getModel();
            return new InetSocketAddress(context.resolveExpressions(model.get("host")).asString(), context.resolveExpressions(model.get("port")).asInt());
        }
        throw new OperationFailedException(SubsystemMessages.notARemoteDestination(REMOTE_SERVERS.getName(), name));
    }
}

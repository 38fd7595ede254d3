package org.restcomm.lb.node.subsystem;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import jakarta.json.spi.JsonProvider;
import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.AttributeMarshaller;
import org.jboss.as.controller.AttributeParser;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.SubsystemRegistration;
import org.jboss.as.controller.SubsystemResourceRegistration;
import org.jboss.as.controller.access.management.SensitiveTargetAccessConstraintDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.descriptions.ParentResourceDescriptionResolver;
import org.jboss.as.controller.descriptions.SubsystemResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.NetworkInterfaceBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.server.suspend.SuspendableActivityRegistry;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.node.client.NodeHeartbeatSender;
import org.restcomm.lb.node.client.NodeHeartbeatSettings;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.service.descriptor.UnaryServiceDescriptor;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.SubsystemResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;

/** Registers {@code /subsystem=load-balancer-node}: which balancers to heartbeat to and what to advertise to them. */
class LoadBalancerNodeSubsystemResourceDefinitionRegistrar implements SubsystemResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final SubsystemResourceRegistration REGISTRATION = SubsystemResourceRegistration.of("load-balancer-node");
    static final ParentResourceDescriptionResolver RESOLVER = new SubsystemResourceDescriptionResolver(REGISTRATION.getName(), LoadBalancerNodeSubsystemResourceDefinitionRegistrar.class);

    static final NullaryServiceDescriptor<ServerNode> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.node", ServerNode.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    /** The interface whose address is advertised when advertised-address is undefined. */
    static final String DEFAULT_INTERFACE = "public";

    static final StringListAttributeDefinition BALANCERS = new StringListAttributeDefinition.Builder("balancers")
            .setRequired(true)
            .setAllowExpression(true)
            .setElementValidator(new BalancerAddressValidator())
            .setAttributeParser(AttributeParser.STRING_LIST)
            .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition HEARTBEAT_INTERVAL = new SimpleAttributeDefinitionBuilder("heartbeat-interval", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(1000L))
            .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
            .setValidator(new LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition VERSION = new SimpleAttributeDefinitionBuilder("version", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode("0"))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition JVM_ROUTE = new SimpleAttributeDefinitionBuilder("jvm-route", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition ADVERTISED_ADDRESS = new SimpleAttributeDefinitionBuilder("advertised-address", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> HTTP_SOCKET_BINDING = socketBinding("http-socket-binding");
    static final CapabilityReferenceAttributeDefinition<SocketBinding> WS_SOCKET_BINDING = socketBinding("ws-socket-binding");
    static final CapabilityReferenceAttributeDefinition<SocketBinding> HTTPS_SOCKET_BINDING = socketBinding("https-socket-binding");
    static final CapabilityReferenceAttributeDefinition<SocketBinding> WSS_SOCKET_BINDING = socketBinding("wss-socket-binding");
    static final CapabilityReferenceAttributeDefinition<SocketBinding> SIP_UDP_SOCKET_BINDING = socketBinding("sip-udp-socket-binding");
    static final CapabilityReferenceAttributeDefinition<SocketBinding> SIP_TCP_SOCKET_BINDING = socketBinding("sip-tcp-socket-binding");

    /** What Elytron's ssl-context resources (here a client-ssl-context) provide. */
    static final UnaryServiceDescriptor<SSLContext> ELYTRON_SSL_CONTEXT = UnaryServiceDescriptor.of("org.wildfly.security.ssl-context", SSLContext.class);

    /** Since 1.1: heartbeats go over HTTPS with this Elytron client-ssl-context, whose key manager presents the node's certificate. */
    static final CapabilityReferenceAttributeDefinition<SSLContext> SSL_CONTEXT = new CapabilityReferenceAttributeDefinition.Builder<>("ssl-context",
                    CapabilityReference.builder(CAPABILITY, ELYTRON_SSL_CONTEXT).build())
            .setRequired(false)
            .addAccessConstraint(SensitiveTargetAccessConstraintDefinition.SSL_REF)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Each socket binding and the start field that advertises its port. */
    static final Map<CapabilityReferenceAttributeDefinition<SocketBinding>, String> ADVERTISED_PORTS = orderedPorts();

    static final List<AttributeDefinition> ATTRIBUTES = List.of(BALANCERS, HEARTBEAT_INTERVAL, VERSION, JVM_ROUTE, ADVERTISED_ADDRESS,
            HTTP_SOCKET_BINDING, WS_SOCKET_BINDING, HTTPS_SOCKET_BINDING, WSS_SOCKET_BINDING, SIP_UDP_SOCKET_BINDING, SIP_TCP_SOCKET_BINDING,
            SSL_CONTEXT);

    @Override
    public ManagementResourceRegistration register(SubsystemRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubsystemModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        ResourceDescriptor descriptor = ResourceDescriptor.builder(RESOLVER)
                .addAttributes(ATTRIBUTES)
                .addCapability(CAPABILITY)
                .withRuntimeHandler(ResourceOperationRuntimeHandler.configureService(this))
                .build();
        ManagementResourceRegistrar.of(descriptor).register(registration);
        return registration;
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        boolean secure = model.hasDefined(SSL_CONTEXT.getName());
        List<URI> balancers = new ArrayList<>();
        for (ModelNode balancer : BALANCERS.resolveModelAttribute(context, model).asList()) {
            // one element may hold several, as ${jboss.load-balancer-node.balancers:a:2610,b:2610} resolves to
            for (String address : BalancerAddressValidator.split(balancer.asString())) {
                balancers.add(NodeHeartbeatSettings.balancerUri(address, secure));
            }
        }
        // undefined resolves to an empty dependency whose get() answers null: plain HTTP
        ServiceDependency<SSLContext> sslContext = SSL_CONTEXT.resolve(context, model);
        Duration interval = Duration.ofMillis(HEARTBEAT_INTERVAL.resolveModelAttribute(context, model).asLong());
        String version = VERSION.resolveModelAttribute(context, model).asString();
        String configuredRoute = JVM_ROUTE.resolveModelAttribute(context, model).asStringOrNull();
        // undertow's instance-id is the suffix of this server's session ids; it defaults to the node name
        ServiceDependency<String> jvmRoute = (configuredRoute != null) ? ServiceDependency.of(configuredRoute)
                : context.hasOptionalCapability(UndertowInstanceId.CAPABILITY_NAME, CAPABILITY, JVM_ROUTE) ? UndertowInstanceId.dependency()
                : ServiceDependency.of(System.getProperty("jboss.node.name"));
        String configuredAddress = ADVERTISED_ADDRESS.resolveModelAttribute(context, model).asStringOrNull();
        ServiceDependency<String> address = (configuredAddress != null) ? ServiceDependency.of(configuredAddress)
                : ServiceDependency.on(NetworkInterfaceBinding.SERVICE_DESCRIPTOR, DEFAULT_INTERFACE).map(binding -> advertisable(binding.getAddress()));
        Map<String, ServiceDependency<SocketBinding>> ports = new LinkedHashMap<>();
        for (Map.Entry<CapabilityReferenceAttributeDefinition<SocketBinding>, String> port : ADVERTISED_PORTS.entrySet()) {
            if (model.hasDefined(port.getKey().getName())) {
                ports.put(port.getValue(), port.getKey().resolve(context, model));
            }
        }
        ServiceDependency<SuspendableActivityRegistry> suspension = ServiceDependency.on(SuspendableActivityRegistry.SERVICE_DESCRIPTOR);
        List<ServiceDependency<?>> dependencies = new ArrayList<>(ports.values());
        dependencies.add(address);
        dependencies.add(jvmRoute);
        dependencies.add(suspension);
        dependencies.add(sslContext);
        return CapabilityServiceInstaller.builder(CAPABILITY, () -> {
                    Map<String, Integer> advertised = new LinkedHashMap<>();
                    ports.forEach((field, binding) -> advertised.put(field, binding.get().getAbsolutePort()));
                    String ip = address.get();
                    NodeHeartbeatSettings settings = new NodeHeartbeatSettings(balancers, interval, System.getProperty("jboss.qualified.host.name", ip), ip,
                            advertised, version, jvmRoute.get(), sslContext.get());
                    return new ServerNode(new NodeHeartbeatSender(settings, JsonProvider.provider()), suspension.get());
                })
                .requires(dependencies)
                .onStart(ServerNode::start)
                .onStop(ServerNode::stop)
                // nothing asks for the node: it must start with the server
                .startWhen(StartWhen.INSTALLED)
                .build();
    }

    /** An interface bound to every address advertises this host's own address instead. */
    private static String advertisable(InetAddress address) {
        InetAddress advertised = address;
        if (address.isAnyLocalAddress()) {
            try {
                advertised = InetAddress.getLocalHost();
            } catch (UnknownHostException e) {
                advertised = InetAddress.getLoopbackAddress();
            }
        }
        String text = advertised.getHostAddress();
        int scope = text.indexOf('%');
        return (scope < 0) ? text : text.substring(0, scope);
    }

    private static CapabilityReferenceAttributeDefinition<SocketBinding> socketBinding(String name) {
        return new CapabilityReferenceAttributeDefinition.Builder<>(name, CapabilityReference.builder(CAPABILITY, SocketBinding.SERVICE_DESCRIPTOR).build())
                .setRequired(false)
                .addAccessConstraint(SensitiveTargetAccessConstraintDefinition.SOCKET_BINDING_REF)
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    private static Map<CapabilityReferenceAttributeDefinition<SocketBinding>, String> orderedPorts() {
        Map<CapabilityReferenceAttributeDefinition<SocketBinding>, String> ports = new LinkedHashMap<>();
        ports.put(SIP_UDP_SOCKET_BINDING, "udpPort");
        ports.put(SIP_TCP_SOCKET_BINDING, "tcpPort");
        ports.put(WS_SOCKET_BINDING, "wsPort");
        ports.put(HTTP_SOCKET_BINDING, "httpPort");
        // what a balancer with backend-ssl-context connects to
        ports.put(HTTPS_SOCKET_BINDING, "sslPort");
        ports.put(WSS_SOCKET_BINDING, "wssPort");
        return ports;
    }
}

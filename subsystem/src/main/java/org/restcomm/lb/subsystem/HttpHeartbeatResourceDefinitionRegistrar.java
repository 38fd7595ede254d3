package org.restcomm.lb.subsystem;

import java.util.List;

import javax.net.ssl.SSLContext;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.restcomm.lb.node.HeartbeatEndpoint;
import org.restcomm.lb.node.Cidr;
import org.restcomm.lb.node.NodeSource;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;

/**
 * Registers {@code heartbeat=http}: the original's HTTP/JSON node heartbeat on its own socket-binding (2610), over HTTPS
 * with client certificates when an ssl-context is set.
 */
class HttpHeartbeatResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("heartbeat", "http"));
    static final ResourceDescriptionResolver RESOLVER = LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    static final NullaryServiceDescriptor<HeartbeatEndpoint> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.heartbeat.http", HeartbeatEndpoint.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> SOCKET_BINDING = SocketBindingReference.attribute("socket-binding", CAPABILITY);

    /** Since 1.1. */
    static final StringListAttributeDefinition ALLOWED_SOURCES = AllowedSourcesAttribute.attribute("allowed-sources");

    /** Since 1.1: an Elytron server-ssl-context; the listener then speaks HTTPS only, with its need-client-auth. */
    static final CapabilityReferenceAttributeDefinition<SSLContext> SSL_CONTEXT = SslContextReference.attribute("ssl-context", CAPABILITY);

    static final List<AttributeDefinition> ATTRIBUTES = List.of(SOCKET_BINDING, ALLOWED_SOURCES, SSL_CONTEXT);

    private final LoadBalancerRuntimeExecutor runtimes;

    HttpHeartbeatResourceDefinitionRegistrar(LoadBalancerRuntimeExecutor runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        ResourceDescriptor descriptor = ResourceDescriptor.builder(RESOLVER)
                .addAttributes(ATTRIBUTES.stream().filter(attribute -> attribute != ALLOWED_SOURCES).toList())
                .addAttribute(ALLOWED_SOURCES, new LiveWriteAttributeHandler(ALLOWED_SOURCES, this::applyAllowedSources))
                .addCapability(CAPABILITY)
                .withRuntimeHandler(ResourceOperationRuntimeHandler.configureService(this))
                .build();
        ManagementResourceRegistrar.of(descriptor).register(registration);
        return registration;
    }

    private void applyAllowedSources(OperationContext context, ModelNode model) throws OperationFailedException {
        List<Cidr> networks = AllowedSourcesAttribute.resolve(ALLOWED_SOURCES, context, model);
        this.runtimes.execute(runtime -> {
            runtime.heartbeatAdmission().setAllowedSources(NodeSource.HTTP, networks);
            return null;
        });
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        List<Cidr> allowedSources = AllowedSourcesAttribute.resolve(ALLOWED_SOURCES, context, model);
        ServiceDependency<SocketBinding> binding = SOCKET_BINDING.resolve(context, model);
        // undefined resolves to an empty dependency whose get() answers null: plain HTTP
        ServiceDependency<SSLContext> sslContext = SSL_CONTEXT.resolve(context, model);
        ServiceDependency<LoadBalancerRuntime> balancer = ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR);
        return CapabilityServiceInstaller.builder(CAPABILITY, () -> {
                    LoadBalancerRuntime runtime = balancer.get();
                    return new HeartbeatEndpoint(binding.get().getSocketAddress(), runtime.worker(), sslContext.get(), runtime.registry(),
                            runtime.heartbeatProtocol(), runtime.json());
                })
                .requires(List.of(binding, sslContext, balancer))
                .onStart(endpoint -> {
                    balancer.get().heartbeatAdmission().setAllowedSources(NodeSource.HTTP, allowedSources);
                    endpoint.start();
                    SocketBindingReference.markBound(binding.get());
                })
                .onStop(endpoint -> {
                    SocketBindingReference.markUnbound(binding.get());
                    endpoint.stop();
                })
                .startWhen(StartWhen.INSTALLED)
                .build();
    }
}

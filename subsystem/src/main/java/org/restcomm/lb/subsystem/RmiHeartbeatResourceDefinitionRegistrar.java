package org.restcomm.lb.subsystem;

import java.rmi.RemoteException;
import java.util.List;

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
import org.restcomm.lb.node.rmi.RmiHeartbeatReceiver;
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

/** Registers {@code heartbeat=rmi}: the legacy RMI heartbeat (registry 2000, remote object 2001), absent by default. */
class RmiHeartbeatResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("heartbeat", "rmi"));
    static final ResourceDescriptionResolver RESOLVER = LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    static final NullaryServiceDescriptor<RmiHeartbeatReceiver> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.heartbeat.rmi", RmiHeartbeatReceiver.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> REGISTRY_SOCKET_BINDING = SocketBindingReference.attribute("registry-socket-binding", CAPABILITY);
    static final CapabilityReferenceAttributeDefinition<SocketBinding> OBJECT_SOCKET_BINDING = SocketBindingReference.attribute("object-socket-binding", CAPABILITY);

    /** Since 1.1. */
    static final StringListAttributeDefinition ALLOWED_SOURCES = AllowedSourcesAttribute.attribute("allowed-sources");

    static final List<AttributeDefinition> ATTRIBUTES = List.of(REGISTRY_SOCKET_BINDING, OBJECT_SOCKET_BINDING, ALLOWED_SOURCES);

    private final LoadBalancerRuntimeExecutor runtimes;

    RmiHeartbeatResourceDefinitionRegistrar(LoadBalancerRuntimeExecutor runtimes) {
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
            runtime.heartbeatAdmission().setAllowedSources(NodeSource.RMI, networks);
            return null;
        });
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        List<Cidr> allowedSources = AllowedSourcesAttribute.resolve(ALLOWED_SOURCES, context, model);
        ServiceDependency<SocketBinding> registryBinding = REGISTRY_SOCKET_BINDING.resolve(context, model);
        ServiceDependency<SocketBinding> objectBinding = OBJECT_SOCKET_BINDING.resolve(context, model);
        ServiceDependency<LoadBalancerRuntime> balancer = ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR);
        return CapabilityServiceInstaller.builder(CAPABILITY,
                        () -> new RmiHeartbeatReceiver(registryBinding.get().getSocketAddress(), objectBinding.get().getSocketAddress().getPort(), balancer.get().heartbeatProtocol()))
                .requires(List.of(registryBinding, objectBinding, balancer))
                .onStart(receiver -> {
                    balancer.get().heartbeatAdmission().setAllowedSources(NodeSource.RMI, allowedSources);
                    start(receiver);
                })
                .onStop(RmiHeartbeatReceiver::stop)
                .startWhen(StartWhen.INSTALLED)
                .build();
    }

    private static void start(RmiHeartbeatReceiver receiver) {
        try {
            receiver.start();
        } catch (RemoteException e) {
            throw new IllegalStateException(e);
        }
    }
}

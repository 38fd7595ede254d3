package org.restcomm.lb.subsystem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.descriptions.ModelDescriptionConstants;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.operations.global.WriteAttributeHandler;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.jboss.dmr.Property;
import org.jboss.modules.Module;
import org.jboss.modules.ModuleLoadException;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.BuiltInAlgorithm;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;

/**
 * Registers one {@code algorithm=<name>} resource. They share one capability, so the server refuses a second
 * algorithm while one is defined; with none, the balancer uses Call-ID affinity with its defaults.
 */
class AlgorithmResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final NullaryServiceDescriptor<BalancerAlgorithm> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.algorithm", BalancerAlgorithm.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final SimpleAttributeDefinition CLASS = new SimpleAttributeDefinitionBuilder("class", ModelType.STRING)
            .setRequired(true)
            .setAllowExpression(true)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition MODULE = new SimpleAttributeDefinitionBuilder("module", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Since 1.4, on the algorithms that keep affinity: the Infinispan cache that holds it, shared by every balancer using it. */
    static final InfinispanCacheReference AFFINITY_CACHE = new InfinispanCacheReference(CAPABILITY);

    private final AlgorithmResource resource;
    private final LoadBalancerRuntimeExecutor runtimes;

    AlgorithmResourceDefinitionRegistrar(AlgorithmResource resource, LoadBalancerRuntimeExecutor runtimes) {
        this.resource = resource;
        this.runtimes = runtimes;
    }

    static ResourceRegistration registration(AlgorithmResource resource) {
        return ResourceRegistration.of(resource.path());
    }

    static ResourceDescriptionResolver resolver(AlgorithmResource resource) {
        return LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(resource.path(), PathElement.pathElement(resource.path().getKey()));
    }

    /** The attributes of a resource, as XML, the feature spec and the model list them. */
    static List<AttributeDefinition> attributes(AlgorithmResource resource) {
        if (resource == AlgorithmResource.CUSTOM) {
            return List.of(CLASS, MODULE, AlgorithmAttribute.CUSTOM_PROPERTIES);
        }
        List<AttributeDefinition> attributes = new ArrayList<>(AlgorithmAttribute.definitions(resource.attributes()));
        if (resource.sharesAffinity()) {
            attributes.add(AFFINITY_CACHE.container());
            attributes.add(AFFINITY_CACHE.cache());
        }
        return List.copyOf(attributes);
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ResourceDescriptionResolver resolver = resolver(this.resource);
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(registration(this.resource), resolver).build());
        ResourceDescriptor.Builder descriptor = ResourceDescriptor.builder(resolver)
                .addCapability(CAPABILITY)
                .withRuntimeHandler(ResourceOperationRuntimeHandler.configureService(this));
        for (AttributeDefinition attribute : attributes(this.resource)) {
            if (attribute.getFlags().contains(AttributeAccess.Flag.RESTART_NONE)) {
                descriptor.addAttribute(attribute, new LiveWriteAttributeHandler(attribute, this::reconfigure));
            } else {
                descriptor.addAttributes(List.of(attribute));
            }
        }
        if (this.resource.sharesAffinity()) {
            descriptor.withOperationTransformation(ModelDescriptionConstants.ADD, AFFINITY_CACHE::checkingContainerFirst);
        }
        ManagementResourceRegistrar.of(descriptor.build()).register(registration);
        if (this.resource.sharesAffinity()) {
            // write-attribute of this resource checks the cache's container first: WildFly's fails with a NullPointerException.
            // Not the attribute's own write handler: add runs a custom one for every attribute, set or not
            registration.registerOperationHandler(WriteAttributeHandler.DEFINITION, AFFINITY_CACHE.checkingContainerFirst(WriteAttributeHandler.INSTANCE));
        }
        return registration;
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        BalancerAlgorithm algorithm = this.instantiate(context, model);
        Map<String, String> properties = this.properties(context, model);
        ServiceDependency<LoadBalancerRuntime> balancer = ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR);
        boolean shared = this.resource.sharesAffinity() && AFFINITY_CACHE.cache().resolveModelAttribute(context, model).isDefined();
        ServiceDependency<Object> cache = shared ? AFFINITY_CACHE.cache().resolve(context, model) : ServiceDependency.of(null);
        return CapabilityServiceInstaller.builder(CAPABILITY, () -> algorithm)
                .requires(List.of(balancer, cache))
                .onStart(value -> balancer.get().useAlgorithm(value, properties, shared ? InfinispanAffinityStore.of(cache.get()) : null))
                .onStop(value -> balancer.get().releaseAlgorithm(value))
                .startWhen(StartWhen.INSTALLED)
                .build();
    }

    /** Recomputes the algorithm's settings from the model and hands them to the running algorithm. */
    private void reconfigure(OperationContext context, ModelNode model) throws OperationFailedException {
        Map<String, String> properties = this.properties(context, model);
        this.runtimes.execute(runtime -> {
            runtime.reconfigureAlgorithm(properties);
            return null;
        });
    }

    /** The settings under the names the algorithm reads, as the original's lb.properties spelled them. */
    private Map<String, String> properties(OperationContext context, ModelNode model) throws OperationFailedException {
        Map<String, String> properties = new HashMap<>();
        if (this.resource == AlgorithmResource.CUSTOM) {
            ModelNode custom = AlgorithmAttribute.CUSTOM_PROPERTIES.resolveModelAttribute(context, model);
            if (custom.isDefined()) {
                for (Property property : custom.asPropertyList()) {
                    properties.put(property.getName(), property.getValue().asString());
                }
            }
            return properties;
        }
        for (AlgorithmAttribute attribute : this.resource.attributes()) {
            attribute.addTo(properties, attribute.definition().resolveModelAttribute(context, model));
        }
        return properties;
    }

    private BalancerAlgorithm instantiate(OperationContext context, ModelNode model) throws OperationFailedException {
        if (this.resource.builtIn() != null) {
            return this.resource.builtIn().create();
        }
        String className = CLASS.resolveModelAttribute(context, model).asString();
        ModelNode module = MODULE.resolveModelAttribute(context, model);
        if (!module.isDefined()) {
            return BuiltInAlgorithm.forName(className)
                    .orElseThrow(() -> new OperationFailedException(SubsystemMessages.algorithmClassNotLoadable(className, null, "not a built-in; name its module")))
                    .create();
        }
        try {
            ClassLoader loader = Module.getBootModuleLoader().loadModule(module.asString()).getClassLoader();
            return loader.loadClass(className).asSubclass(BalancerAlgorithm.class).getConstructor().newInstance();
        } catch (ModuleLoadException | ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new OperationFailedException(SubsystemMessages.algorithmClassNotLoadable(className, module.asString(), e.toString()), e);
        }
    }

    static List<AlgorithmResourceDefinitionRegistrar> all(LoadBalancerRuntimeExecutor runtimes) {
        List<AlgorithmResourceDefinitionRegistrar> registrars = new ArrayList<>();
        for (AlgorithmResource resource : AlgorithmResource.values()) {
            registrars.add(new AlgorithmResourceDefinitionRegistrar(resource, runtimes));
        }
        return registrars;
    }
}

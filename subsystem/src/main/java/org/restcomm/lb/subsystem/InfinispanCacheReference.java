package org.restcomm.lb.subsystem;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.OperationStepHandler;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.descriptions.ModelDescriptionConstants;
import org.jboss.as.controller.registry.AttributeAccess;
import org.wildfly.service.descriptor.BinaryServiceDescriptor;
import org.wildfly.service.descriptor.UnaryServiceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;

/**
 * A {@code cache-container} + {@code cache} pair naming an Infinispan cache of the infinispan subsystem, as WildFly's
 * own subsystems reference theirs: completed by jboss-cli, checked when written, and the cache started before the
 * resource's service. The capabilities are named here rather than taken from WildFly's clustering modules, so a
 * server without the load-balancer-ha layer (and so without Infinispan) still loads the subsystem.
 */
final class InfinispanCacheReference {

    /** WildFly's {@code InfinispanServiceDescriptor.CACHE_CONTAINER}: an EmbeddedCacheManager. */
    static final UnaryServiceDescriptor<Object> CACHE_CONTAINER = UnaryServiceDescriptor.of("org.wildfly.clustering.infinispan.cache-container", Object.class);
    /** WildFly's {@code InfinispanServiceDescriptor.CACHE}: a started Cache of a container. */
    static final BinaryServiceDescriptor<Object> CACHE = BinaryServiceDescriptor.of("org.wildfly.clustering.infinispan.cache", Object.class);

    private final CapabilityReferenceAttributeDefinition<Object> container;
    private final CapabilityReferenceAttributeDefinition<Object> cache;

    InfinispanCacheReference(RuntimeCapability<Void> dependent) {
        this.container = new CapabilityReferenceAttributeDefinition.Builder<>("cache-container", CapabilityReference.builder(dependent, CACHE_CONTAINER).build())
                .setRequired(false)
                .setRequires("cache")
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
        this.cache = new CapabilityReferenceAttributeDefinition.Builder<>("cache", CapabilityReference.builder(dependent, CACHE).withParentAttribute(this.container).build())
                .setRequired(false)
                .setRequires("cache-container")
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    /**
     * Refuses a cache named before its container, naming both: the cache's capability is resolved within the
     * container's, so an add or write-attribute must find the container set already (or set it in the same add).
     */
    OperationStepHandler checkingContainerFirst(OperationStepHandler handler) {
        return (context, operation) -> {
            boolean add = operation.get(ModelDescriptionConstants.OP).asString().equals(ModelDescriptionConstants.ADD);
            boolean namesCache = add ? operation.hasDefined(this.cache.getName())
                    : operation.get(ModelDescriptionConstants.NAME).asString().equals(this.cache.getName()) && operation.hasDefined(ModelDescriptionConstants.VALUE);
            boolean containerSet = add ? operation.hasDefined(this.container.getName())
                    : context.readResource(PathAddress.EMPTY_ADDRESS).getModel().hasDefined(this.container.getName());
            if (namesCache && !containerSet) {
                throw new OperationFailedException(SubsystemMessages.cacheWithoutContainer(this.cache.getName(), this.container.getName()));
            }
            handler.execute(context, operation);
        };
    }

    CapabilityReferenceAttributeDefinition<Object> container() {
        return this.container;
    }

    CapabilityReferenceAttributeDefinition<Object> cache() {
        return this.cache;
    }
}

package org.restcomm.lb.test;

import org.jboss.msc.service.ServiceActivator;
import org.jboss.msc.service.ServiceActivatorContext;
import org.jboss.msc.service.ServiceName;

/**
 * A deployment's service that requires the cache {@code lb} of the container {@code load-balancer}: WildFly starts a
 * cache, its container's transport and the JGroups channel only when something requires them, as an algorithm
 * referencing the cache will.
 */
public final class SharedCacheActivator implements ServiceActivator {

    /** The service of the capability org.wildfly.clustering.infinispan.cache for the layer's container and cache. */
    static final ServiceName CACHE = ServiceName.parse("org.wildfly.clustering.infinispan.cache").append(HaBalancers.CONTAINER, HaBalancers.CACHE);

    @Override
    public void activate(ServiceActivatorContext context) {
        var builder = context.getServiceTarget().addService();
        builder.requires(CACHE);
        builder.install();
    }
}

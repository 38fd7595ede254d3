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

    /** The capability org.wildfly.clustering.infinispan.cache of the layer's cache as a service name. */
    static final ServiceName CACHE = ServiceName.parse("org.wildfly.clustering.infinispan.cache.load-balancer.lb");

    @Override
    public void activate(ServiceActivatorContext context) {
        var builder = context.getServiceTarget().addService();
        builder.requires(CACHE);
        builder.install();
    }
}

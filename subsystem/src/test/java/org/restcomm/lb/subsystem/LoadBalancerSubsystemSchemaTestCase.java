package org.restcomm.lb.subsystem;

import java.util.EnumSet;

import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.network.OutboundSocketBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.subsystem.test.AbstractSubsystemSchemaTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wildfly.io.IOServiceDescriptor;

/** Every schema version parses, validates against its XSD, and marshals back to the same model. */
@RunWith(Parameterized.class)
public class LoadBalancerSubsystemSchemaTestCase extends AbstractSubsystemSchemaTest<LoadBalancerSubsystemSchema> {

    @Parameters
    public static Iterable<LoadBalancerSubsystemSchema> parameters() {
        return EnumSet.allOf(LoadBalancerSubsystemSchema.class);
    }

    public LoadBalancerSubsystemSchemaTestCase(LoadBalancerSubsystemSchema schema) {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension(), schema, LoadBalancerSubsystemSchema.CURRENT);
    }

    @Override
    protected String getSubsystemXsdPathPattern() {
        return "schema/restcomm-%s_%d_%d.xsd";
    }

    @Override
    protected AdditionalInitialization createAdditionalInitialization() {
        return AdditionalInitialization.withCapabilities(this.getSubsystemSchema(),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-statistics"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-heartbeat"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-rmi-registry"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-rmi-object"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-sip-external"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-sip-internal"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-sip-external-tls"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-sip-external-wss"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-http"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-https"),
                RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "lb-server-tls"),
                RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "lb-node-tls"),
                RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "lb-heartbeat-tls"),
                RuntimeCapability.resolveCapabilityName(SecurityDomainReference.SECURITY_DOMAIN, "lb-admins"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-smpp"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "load-balancer-smpp-tls"),
                RuntimeCapability.resolveCapabilityName(OutboundSocketBinding.SERVICE_DESCRIPTOR, "smsc-a"),
                RuntimeCapability.resolveCapabilityName(OutboundSocketBinding.SERVICE_DESCRIPTOR, "smsc-b"),
                RuntimeCapability.resolveCapabilityName(IOServiceDescriptor.WORKER, "default"),
                RuntimeCapability.resolveCapabilityName(InfinispanCacheReference.CACHE_CONTAINER, "load-balancer"),
                RuntimeCapability.resolveCapabilityName(InfinispanCacheReference.CACHE, "load-balancer", "lb"),
                IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER);
    }
}

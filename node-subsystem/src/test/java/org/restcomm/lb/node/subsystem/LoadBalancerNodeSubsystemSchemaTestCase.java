package org.restcomm.lb.node.subsystem;

import java.util.EnumSet;

import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.subsystem.test.AbstractSubsystemSchemaTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/** Every schema version parses, validates against its XSD, and marshals back to the same model. */
@RunWith(Parameterized.class)
public class LoadBalancerNodeSubsystemSchemaTestCase extends AbstractSubsystemSchemaTest<LoadBalancerNodeSubsystemSchema> {

    @Parameters
    public static Iterable<LoadBalancerNodeSubsystemSchema> parameters() {
        return EnumSet.allOf(LoadBalancerNodeSubsystemSchema.class);
    }

    public LoadBalancerNodeSubsystemSchemaTestCase(LoadBalancerNodeSubsystemSchema schema) {
        super(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerNodeExtension(), schema, LoadBalancerNodeSubsystemSchema.CURRENT);
    }

    @Override
    protected String getSubsystemXsdPathPattern() {
        return "schema/restcomm-%s_%d_%d.xsd";
    }

    @Override
    protected AdditionalInitialization createAdditionalInitialization() {
        return AdditionalInitialization.withCapabilities(this.getSubsystemSchema(),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "http"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip-ws"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "https"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip-wss"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip-udp"),
                RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "sip-tcp"),
                RuntimeCapability.resolveCapabilityName(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.ELYTRON_SSL_CONTEXT, "node-heartbeat-tls"));
    }
}

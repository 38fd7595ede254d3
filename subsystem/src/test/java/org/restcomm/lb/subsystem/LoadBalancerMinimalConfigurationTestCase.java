package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.subsystem.test.AbstractSubsystemTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.jboss.as.subsystem.test.KernelServices;
import org.jboss.dmr.ModelNode;
import org.junit.Test;
import org.wildfly.io.IOServiceDescriptor;

/** A subsystem element with no heartbeat children parses, boots and writes back without inventing any. */
public class LoadBalancerMinimalConfigurationTestCase extends AbstractSubsystemTest {

    /** In the current namespace, which is the one written back. */
    private static final String MINIMAL = "<subsystem xmlns=\"" + LoadBalancerSubsystemSchema.CURRENT.getNamespace().getUri() + "\" statistics-socket-binding=\"stats\"/>";

    public LoadBalancerMinimalConfigurationTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Test
    public void subsystemWithoutHeartbeatReceiversRoundTrips() throws Exception {
        KernelServices services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(MINIMAL)
                .build();
        ModelNode model = services.readWholeModel().get("subsystem", "load-balancer");
        assertEquals("stats", model.get("statistics-socket-binding").asString());
        assertFalse(model.hasDefined("heartbeat"));
        this.compareXml(null, MINIMAL, services.getPersistedSubsystemXml());
    }
}

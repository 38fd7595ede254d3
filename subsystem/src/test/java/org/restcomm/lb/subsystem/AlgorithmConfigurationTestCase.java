package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.subsystem.test.AbstractSubsystemTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.jboss.as.subsystem.test.KernelServices;
import org.jboss.dmr.ModelNode;
import org.junit.Test;
import org.wildfly.io.IOServiceDescriptor;

/** Each algorithm element reads into its algorithm=* resource and writes back unchanged; two algorithms never coexist. */
public class AlgorithmConfigurationTestCase extends AbstractSubsystemTest {

    private static final String[] ALGORITHMS = {
        "<call-id-affinity max-idle-time=\"120\" group-failover=\"true\"/>",
        "<header-consistent-hash sip-affinity-key=\"to.user\" http-affinity-key=\"appsession\"/>",
        "<cluster-subdomain-affinity subclusters=\"10.0.0.1:5080,10.0.0.2:5080 10.0.1.1\" max-idle-time=\"60\"/>",
        "<user-based sip-affinity-key=\"From\" sip-affinity-exclusion-pattern=\"conference-.*\" sip-affinity-fallback-key=\"To\"/>",
        "<custom-algorithm class=\"com.example.MyAlgorithm\" module=\"com.example.lb\"><property name=\"weight\" value=\"3\"/></custom-algorithm>",
    };

    public AlgorithmConfigurationTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Test
    public void everyAlgorithmElementRoundTrips() throws Exception {
        for (String algorithm : ALGORITHMS) {
            String xml = subsystem(algorithm);
            KernelServices services = this.boot(xml);
            assertTrue(algorithm, services.isSuccessfulBoot());
            this.compareXml(null, xml, services.getPersistedSubsystemXml());
            services.shutdown();
        }
    }

    @Test
    public void attributesLandInTheModel() throws Exception {
        KernelServices services = this.boot(subsystem(ALGORITHMS[2]));
        ModelNode model = services.readWholeModel().get("subsystem", "load-balancer", "algorithm", "cluster-subdomain-affinity");
        assertEquals(2, model.get("subclusters").asList().size());
        assertEquals(60L, model.get("max-idle-time").asLong());
    }

    @Test
    public void secondAlgorithmIsRefused() throws Exception {
        KernelServices services = this.boot(subsystem(ALGORITHMS[0]));
        ModelNode add = Operations.createAddOperation(Operations.createAddress("subsystem", "load-balancer", "algorithm", "user-based"));

        ModelNode outcome = services.executeOperation(add);

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("org.restcomm.lb.algorithm"));
    }

    @Test
    public void invalidUserKeyIsRefusedNamingTheAttribute() throws Exception {
        KernelServices services = this.boot(subsystem(ALGORITHMS[3]));
        ModelNode address = Operations.createAddress("subsystem", "load-balancer", "algorithm", "user-based");

        ModelNode outcome = services.executeOperation(Operations.createWriteAttributeOperation(address, "sip-affinity-exclusion-pattern", "conference-(["));

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("sip-affinity-exclusion-pattern"));
        assertEquals("conference-.*", services.readWholeModel().get("subsystem", "load-balancer", "algorithm", "user-based", "sip-affinity-exclusion-pattern").asString());
    }

    private KernelServices boot(String xml) throws Exception {
        return this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(xml)
                .build();
    }

    private static String subsystem(String algorithm) {
        return "<subsystem xmlns=\"urn:restcomm:load-balancer:1.3\" statistics-socket-binding=\"stats\">" + algorithm + "</subsystem>";
    }
}

package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import javax.xml.stream.XMLStreamException;

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

    /** Elements schema 1.3 added. */
    private static final String[] ALGORITHMS_1_3 = {
        "<pure-consistent-hash sip-affinity-key=\"${lb.key:from.user}\" http-affinity-key=\"user\"/>",
        "<active-standby/>",
    };

    /** Elements and attributes schema 1.4 added. */
    private static final String[] ALGORITHMS_1_4 = {
        "<persistent-consistent-hash sip-affinity-key=\"from.user\" max-idle-time=\"${lb.idle:90}\" max-load-factor=\"1.25\" cache-container=\"load-balancer\" cache=\"lb\"/>",
        "<persistent-consistent-hash/>",
        "<call-id-affinity max-idle-time=\"120\" cache-container=\"load-balancer\" cache=\"lb\"/>",
    };

    public AlgorithmConfigurationTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Test
    public void everyAlgorithmElementRoundTrips() throws Exception {
        for (String algorithm : ALGORITHMS) {
            this.assertRoundTrips(subsystem(algorithm));
        }
        for (String algorithm : ALGORITHMS_1_3) {
            this.assertRoundTrips(subsystem(algorithm));
        }
        for (String algorithm : ALGORITHMS_1_4) {
            this.assertRoundTrips(subsystem(algorithm));
        }
    }

    @Test
    public void persistentConsistentHashAndTheAffinityCacheAreNotReadBefore14() {
        for (String version : new String[] { "1.0", "1.1", "1.2", "1.3" }) {
            for (String algorithm : ALGORITHMS_1_4) {
                XMLStreamException refused = assertThrows(XMLStreamException.class, () -> this.parse(subsystem(version, algorithm)));
                String unknown = algorithm.startsWith("<call-id-affinity") ? "cache" : "persistent-consistent-hash";
                assertTrue(version + ": " + refused.getMessage(), refused.getMessage().contains(unknown));
            }
        }
    }

    @Test
    public void anotherAlgorithmReplacesOneThatSharesAffinityInOneComposite() throws Exception {
        KernelServices services = this.boot(subsystem(ALGORITHMS_1_4[2]));
        ModelNode composite = Operations.createCompositeOperation();
        composite.get("steps").add(Operations.createRemoveOperation(Operations.createAddress("subsystem", "load-balancer", "algorithm", "call-id-affinity")));
        composite.get("steps").add(Operations.createAddOperation(Operations.createAddress("subsystem", "load-balancer", "algorithm", "persistent-consistent-hash")));
        composite.get("operation-headers", "allow-resource-service-restart").set(true);

        ModelNode outcome = services.executeOperation(composite);

        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertFalse(outcome.toString(), outcome.get("response-headers").hasDefined("operation-requires-reload"));
    }

    @Test
    public void theAffinityCacheLandsInTheModel() throws Exception {
        KernelServices services = this.boot(subsystem(ALGORITHMS_1_4[0]));
        ModelNode model = services.readWholeModel().get("subsystem", "load-balancer", "algorithm", "persistent-consistent-hash");
        assertEquals("load-balancer", model.get("cache-container").asString());
        assertEquals("lb", model.get("cache").asString());
        assertEquals(1.25, model.get("max-load-factor").asDouble(), 0.0);
    }

    @Test
    public void aLoadFactorBelowOneIsRefusedNamingTheAttributeAndNothingIsApplied() throws Exception {
        KernelServices services = this.boot(subsystem(ALGORITHMS_1_4[0]));
        ModelNode address = Operations.createAddress("subsystem", "load-balancer", "algorithm", "persistent-consistent-hash");

        ModelNode outcome = services.executeOperation(Operations.createWriteAttributeOperation(address, "max-load-factor", new ModelNode(0.8)));

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("max-load-factor"));
        assertEquals(1.25, services.readWholeModel().get("subsystem", "load-balancer", "algorithm", "persistent-consistent-hash", "max-load-factor").asDouble(), 0.0);
    }

    @Test
    public void aCacheWithoutItsContainerOrAnUnknownCacheIsRefused() throws Exception {
        KernelServices services = this.boot(subsystem("<persistent-consistent-hash/>"));
        ModelNode address = Operations.createAddress("subsystem", "load-balancer", "algorithm", "persistent-consistent-hash");

        ModelNode alone = services.executeOperation(Operations.createWriteAttributeOperation(address, "cache", "lb"));
        assertFalse(alone.toString(), Operations.isSuccessfulOutcome(alone));
        assertTrue(alone.toString(), Operations.getFailureDescription(alone).asString().contains("RLB0112"));
        ModelNode addAlone = Operations.createAddOperation(Operations.createAddress("subsystem", "load-balancer", "algorithm", "call-id-affinity"));
        addAlone.get("cache").set("lb");
        services.executeOperation(Operations.createRemoveOperation(address));
        ModelNode added = services.executeOperation(addAlone);
        assertFalse(added.toString(), Operations.isSuccessfulOutcome(added));
        assertTrue(added.toString(), Operations.getFailureDescription(added).asString().contains("cache-container"));
        services.executeOperation(Operations.createAddOperation(address));

        ModelNode unknown = Operations.createCompositeOperation();
        unknown.get("steps").add(Operations.createWriteAttributeOperation(address, "cache-container", "load-balancer"));
        unknown.get("steps").add(Operations.createWriteAttributeOperation(address, "cache", "no-such-cache"));
        ModelNode outcome = services.executeOperation(unknown);
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), outcome.toString().contains("no-such-cache"));
        assertFalse("nothing was applied", services.readWholeModel().get("subsystem", "load-balancer", "algorithm", "persistent-consistent-hash").hasDefined("cache-container"));
    }

    @Test
    public void algorithmsAddedIn13AreNotReadInOlderNamespaces() {
        for (String version : new String[] { "1.0", "1.1", "1.2" }) {
            for (String algorithm : ALGORITHMS_1_3) {
                XMLStreamException refused = assertThrows(XMLStreamException.class, () -> this.parse(subsystem(version, algorithm)));
                String element = algorithm.split("[ /]")[0].substring(1);
                assertTrue(refused.getMessage(), refused.getMessage().contains(element));
            }
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

    private void assertRoundTrips(String xml) throws Exception {
        KernelServices services = this.boot(xml);
        assertTrue(xml, services.isSuccessfulBoot());
        // written back in the current namespace
        this.compareXml(null, xml, services.getPersistedSubsystemXml());
        services.shutdown();
    }

    private KernelServices boot(String xml) throws Exception {
        return this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(InfinispanCacheReference.CACHE_CONTAINER, "load-balancer"),
                        RuntimeCapability.resolveCapabilityName(InfinispanCacheReference.CACHE, "load-balancer", "lb"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(xml)
                .build();
    }

    private static String subsystem(String algorithm) {
        return subsystem("1.4", algorithm);
    }

    private static String subsystem(String version, String algorithm) {
        return "<subsystem xmlns=\"urn:restcomm:load-balancer:" + version + "\" statistics-socket-binding=\"stats\">" + algorithm + "</subsystem>";
    }
}

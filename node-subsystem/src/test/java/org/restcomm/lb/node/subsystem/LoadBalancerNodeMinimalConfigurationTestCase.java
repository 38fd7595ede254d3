package org.restcomm.lb.node.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import javax.xml.stream.XMLStreamException;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.as.subsystem.test.AbstractSubsystemTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.jboss.as.subsystem.test.KernelServices;
import org.jboss.dmr.ModelNode;
import org.junit.Test;

/** Only balancers is needed: the rest defaults, nothing is invented on the way back to XML, and bad input is refused. */
public class LoadBalancerNodeMinimalConfigurationTestCase extends AbstractSubsystemTest {

    private static final String MINIMAL = "<subsystem xmlns=\"urn:restcomm:load-balancer-node:1.1\" balancers=\"127.0.0.1:2610\"/>";

    public LoadBalancerNodeMinimalConfigurationTestCase() {
        super(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerNodeExtension());
    }

    @Test
    public void balancersAloneIsAConfigurationThatRoundTrips() throws Exception {
        KernelServices services = this.boot(MINIMAL);
        ModelNode model = services.readWholeModel().get("subsystem", "load-balancer-node");
        assertEquals("127.0.0.1:2610", model.get("balancers").asList().get(0).asString());
        assertFalse(model.hasDefined("jvm-route"));
        assertFalse(model.hasDefined("http-socket-binding"));
        this.compareXml(null, MINIMAL, services.getPersistedSubsystemXml());

        ModelNode read = Operations.createReadResourceOperation(Operations.createAddress("subsystem", "load-balancer-node"));
        read.get("include-defaults").set(true);
        ModelNode resource = services.executeOperation(read).get("result");
        assertEquals(1000L, resource.get("heartbeat-interval").asLong());
        assertEquals("0", resource.get("version").asString());
    }

    @Test
    public void subsystemWithoutBalancersIsRefused() throws Exception {
        try {
            this.createKernelServicesBuilder(AdditionalInitialization.MANAGEMENT)
                    .setSubsystemXml("<subsystem xmlns=\"urn:restcomm:load-balancer-node:1.1\"/>")
                    .build();
            fail("parsed without a balancer to heartbeat to");
        } catch (XMLStreamException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("balancers"));
        }
    }

    @Test
    public void malformedBalancerAddressIsRefusedAtWriteTime() throws Exception {
        KernelServices services = this.boot(MINIMAL);
        ModelNode balancers = new ModelNode();
        balancers.add("127.0.0.1:2610,10.0.0.1:99999");
        ModelNode outcome = services.executeOperation(Operations.createWriteAttributeOperation(
                Operations.createAddress("subsystem", "load-balancer-node"), "balancers", balancers));
        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("10.0.0.1:99999"));
    }

    private KernelServices boot(String xml) throws Exception {
        KernelServices services = this.createKernelServicesBuilder(AdditionalInitialization.MANAGEMENT).setSubsystemXml(xml).build();
        assertTrue(String.valueOf(services.getBootError()), services.isSuccessfulBoot());
        return services;
    }
}

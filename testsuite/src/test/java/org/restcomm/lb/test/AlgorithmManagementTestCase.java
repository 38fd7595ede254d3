package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Choosing and tuning the algorithm with jboss-cli, live, one at a time. */
public class AlgorithmManagementTestCase extends LoadBalancerTestCase {

    private static final ModelNode CALL_ID_AFFINITY = Management.algorithm("call-id-affinity");

    @AfterEach
    public void restoreDefaultAlgorithm() {
        for (String name : new String[] { "header-consistent-hash", "custom", "user-based" }) {
            if (this.management.algorithms().contains(name)) {
                this.management.success(Management.restarting(Operations.createRemoveOperation(Management.algorithm(name))));
            }
        }
        if (!this.management.algorithms().contains("call-id-affinity")) {
            this.management.success(Operations.createAddOperation(CALL_ID_AFFINITY));
        }
        this.management.success(Operations.createUndefineAttributeOperation(CALL_ID_AFFINITY, "max-idle-time"));
    }

    @Test
    public void defaultConfigurationUsesCallIdAffinity() {
        assertEquals(java.util.List.of("call-id-affinity"), this.management.algorithms());
        assertEquals(500L, this.management.read(CALL_ID_AFFINITY, "max-idle-time").asLong());
        assertEquals("org.restcomm.lb.algorithm.CallIdAffinityAlgorithm", this.activeAlgorithm());
    }

    @Test
    public void tuningAppliesWithoutReload() {
        // /subsystem=load-balancer/algorithm=call-id-affinity:write-attribute(name=max-idle-time, value=60)
        ModelNode outcome = this.management.write(CALL_ID_AFFINITY, "max-idle-time", new ModelNode(60L));

        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"));
    }

    @Test
    public void switchingAlgorithmTakesEffectAtOnce() {
        // batch: algorithm=call-id-affinity:remove, algorithm=header-consistent-hash:add(sip-affinity-key=to.user) {allow-resource-service-restart=true}
        ModelNode add = Operations.createAddOperation(Management.algorithm("header-consistent-hash"));
        add.get("sip-affinity-key").set("to.user");
        ModelNode swap = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createRemoveOperation(CALL_ID_AFFINITY))
                .addStep(add)
                .build().getOperation();
        this.management.success(Management.restarting(swap));

        assertEquals("org.restcomm.lb.algorithm.HeaderConsistentHashAlgorithm", this.activeAlgorithm());
    }

    @Test
    public void secondAlgorithmIsRefused() {
        ModelNode outcome = this.management.execute(Operations.createAddOperation(Management.algorithm("user-based")));

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertEquals(java.util.List.of("call-id-affinity"), this.management.algorithms());
    }

    @Test
    public void originalClassNameSelectsTheBuiltIn() {
        ModelNode add = Operations.createAddOperation(Management.algorithm("custom"));
        add.get("class").set("org.mobicents.tools.sip.balancer.UserBasedAlgorithm");
        add.get("properties", "sipHeaderAffinityKey").set("From");
        ModelNode swap = Operations.CompositeOperationBuilder.create().addStep(Operations.createRemoveOperation(CALL_ID_AFFINITY)).addStep(add).build().getOperation();

        this.management.success(Management.restarting(swap));

        assertEquals("org.restcomm.lb.algorithm.UserBasedAlgorithm", this.activeAlgorithm());
    }

    @Test
    public void customAlgorithmIsLoadedFromAJBossModule() throws Exception {
        // modules/com/example/lb/algorithm/main: the user's jar and a module.xml that depends on org.restcomm.lb
        java.nio.file.Path module = java.nio.file.Path.of(System.getProperty("jboss.home"), "modules", "com", "example", "lb", "algorithm", "main");
        java.nio.file.Files.createDirectories(module);
        org.jboss.shrinkwrap.api.ShrinkWrap.create(org.jboss.shrinkwrap.api.spec.JavaArchive.class, "algorithm.jar")
                .addClass(org.restcomm.lb.test.algorithm.LowestNameAlgorithm.class)
                .as(org.jboss.shrinkwrap.api.exporter.ZipExporter.class).exportTo(module.resolve("algorithm.jar").toFile(), true);
        java.nio.file.Files.writeString(module.resolve("module.xml"), "<module xmlns=\"urn:jboss:module:1.9\" name=\"com.example.lb.algorithm\">"
                + "<resources><resource-root path=\"algorithm.jar\"/></resources>"
                + "<dependencies><module name=\"org.restcomm.lb\"/></dependencies></module>");
        // batch: algorithm=call-id-affinity:remove, algorithm=custom:add(class=..., module=com.example.lb.algorithm)
        ModelNode add = Operations.createAddOperation(Management.algorithm("custom"));
        add.get("class").set(org.restcomm.lb.test.algorithm.LowestNameAlgorithm.class.getName());
        add.get("module").set("com.example.lb.algorithm");
        ModelNode swap = Operations.CompositeOperationBuilder.create().addStep(Operations.createRemoveOperation(CALL_ID_AFFINITY)).addStep(add).build().getOperation();

        this.management.success(Management.restarting(swap));

        assertEquals(org.restcomm.lb.test.algorithm.LowestNameAlgorithm.class.getName(), this.activeAlgorithm());
    }

    @Test
    public void unloadableCustomClassIsRefusedAndNothingChanges() {
        ModelNode add = Operations.createAddOperation(Management.algorithm("custom"));
        add.get("class").set("com.example.NoSuchAlgorithm");
        add.get("module").set("com.example.missing");
        ModelNode swap = Operations.CompositeOperationBuilder.create().addStep(Operations.createRemoveOperation(CALL_ID_AFFINITY)).addStep(add).build().getOperation();

        ModelNode outcome = this.management.execute(Management.restarting(swap));

        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString().contains("RLB0104"), outcome::toString);
        assertEquals(java.util.List.of("call-id-affinity"), this.management.algorithms());
        assertEquals("org.restcomm.lb.algorithm.CallIdAffinityAlgorithm", this.activeAlgorithm());
    }

    private String activeAlgorithm() {
        return this.management.read(Management.SUBSYSTEM, "active-algorithm").asString();
    }
}

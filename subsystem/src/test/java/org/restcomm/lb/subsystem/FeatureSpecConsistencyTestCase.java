package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jboss.as.controller.AttributeDefinition;
import org.junit.Test;

/**
 * The feature pack's hand-written Galleon feature specs (build-user-feature-pack generates none) name exactly
 * the attributes and capabilities of the model, so provisioning never drops or invents a setting.
 */
public class FeatureSpecConsistencyTestCase {

    private static final Path FEATURES = Path.of("..", "feature-pack", "src", "main", "resources", "features");

    @Test
    public void rootSpecMatchesTheSubsystemResource() throws Exception {
        assertSpec("subsystem.load-balancer", LoadBalancerSubsystemResourceDefinitionRegistrar.ATTRIBUTES, LoadBalancerSubsystemResourceDefinitionRegistrar.CAPABILITY.getName());
    }

    @Test
    public void heartbeatSpecsMatchTheirResources() throws Exception {
        assertSpec("subsystem.load-balancer.heartbeat.http", HttpHeartbeatResourceDefinitionRegistrar.ATTRIBUTES, HttpHeartbeatResourceDefinitionRegistrar.CAPABILITY.getName());
        assertSpec("subsystem.load-balancer.heartbeat.rmi", RmiHeartbeatResourceDefinitionRegistrar.ATTRIBUTES, RmiHeartbeatResourceDefinitionRegistrar.CAPABILITY.getName());
    }

    @Test
    public void algorithmSpecsMatchTheirResources() throws Exception {
        for (AlgorithmResource resource : AlgorithmResource.values()) {
            assertSpec("subsystem.load-balancer.algorithm." + resource.path().getValue(), AlgorithmResourceDefinitionRegistrar.attributes(resource),
                    AlgorithmResourceDefinitionRegistrar.CAPABILITY.getName());
        }
    }

    @Test
    public void sipSpecsMatchTheirResources() throws Exception {
        List<AttributeDefinition> sip = new java.util.ArrayList<>(SipResourceDefinitionRegistrar.ATTRIBUTES);
        sip.add(SipResourceDefinitionRegistrar.STACK_PROPERTIES);
        assertSpec("subsystem.load-balancer.sip.default", sip, SipResourceDefinitionRegistrar.CAPABILITY.getName());
        assertSpec("subsystem.load-balancer.sip.default.listener", SipListenerResourceDefinitionRegistrar.ATTRIBUTES, SipListenerResourceDefinitionRegistrar.CAPABILITY.getName() + ".$listener");
    }

    @Test
    public void httpSpecMatchesItsResource() throws Exception {
        List<AttributeDefinition> http = new java.util.ArrayList<>(HttpResourceDefinitionRegistrar.ATTRIBUTES);
        http.add(HttpResourceDefinitionRegistrar.REWRITE_RULES);
        assertSpec("subsystem.load-balancer.http.default", http, HttpResourceDefinitionRegistrar.CAPABILITY.getName());
    }

    @Test
    public void smppSpecMatchesItsResource() throws Exception {
        assertSpec("subsystem.load-balancer.smpp.default", SmppResourceDefinitionRegistrar.ATTRIBUTES, SmppResourceDefinitionRegistrar.CAPABILITY.getName());
    }

    private static void assertSpec(String spec, Collection<AttributeDefinition> attributes, String capability) throws Exception {
        String xml = Files.readString(FEATURES.resolve(spec).resolve("spec.xml"));
        Set<String> expected = attributes.stream().map(AttributeDefinition::getName).collect(Collectors.toCollection(TreeSet::new));
        Matcher opParams = Pattern.compile("name=\"op-params\" value=\"([^\"]*)\"").matcher(xml);
        // a resource without attributes leaves op-params out: Galleon then takes every parameter but the address
        Set<String> declared = opParams.find() ? new TreeSet<>(Arrays.asList(opParams.group(1).split(","))) : Set.of();
        assertEquals(spec + " op-params", expected, declared);
        for (String attribute : expected) {
            assertTrue(spec + " has a param for " + attribute, xml.contains("<param name=\"" + attribute + "\""));
        }
        assertTrue(spec + " provides " + capability, xml.contains("<capability name=\"$profile." + capability + "\"/>"));
        List<String> requiredBindings = attributes.stream().map(AttributeDefinition::getName).filter(name -> name.endsWith("socket-binding")).toList();
        for (String binding : requiredBindings) {
            assertTrue(spec + " requires its " + binding, xml.contains("org.wildfly.network.socket-binding.$" + binding));
        }
    }
}

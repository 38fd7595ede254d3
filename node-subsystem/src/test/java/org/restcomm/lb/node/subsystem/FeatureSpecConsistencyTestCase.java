package org.restcomm.lb.node.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jboss.as.controller.AttributeDefinition;
import org.junit.Test;

/** The hand-written Galleon feature spec names exactly the attributes and the capability of the model. */
public class FeatureSpecConsistencyTestCase {

    private static final Path SPEC = Path.of("..", "feature-pack", "src", "main", "resources", "features", "subsystem.load-balancer-node", "spec.xml");

    @Test
    public void specMatchesTheSubsystemResource() throws Exception {
        String xml = Files.readString(SPEC);
        Set<String> expected = LoadBalancerNodeSubsystemResourceDefinitionRegistrar.ATTRIBUTES.stream().map(AttributeDefinition::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        Matcher opParams = Pattern.compile("name=\"op-params\" value=\"([^\"]*)\"").matcher(xml);
        assertTrue("declares op-params", opParams.find());
        assertEquals(expected, new TreeSet<>(Arrays.asList(opParams.group(1).split(","))));
        for (String attribute : expected) {
            assertTrue("has a param for " + attribute, xml.contains("<param name=\"" + attribute + "\""));
            if (attribute.endsWith("socket-binding")) {
                assertTrue("requires its " + attribute, xml.contains("org.wildfly.network.socket-binding.$" + attribute + "\""));
            }
        }
        assertTrue("provides its capability", xml.contains("<capability name=\"$profile." + LoadBalancerNodeSubsystemResourceDefinitionRegistrar.CAPABILITY.getName() + "\"/>"));
        assertTrue("includes its extension", xml.contains("<param name=\"extension\" default=\"org.restcomm.lb.node.subsystem\"/>"));
    }
}

package org.restcomm.lb.subsystem;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.AttributeMarshaller;
import org.jboss.as.controller.AttributeParser;
import org.jboss.as.controller.PropertiesAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.operations.validation.StringAllowedValuesValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.algorithm.ClusterSubdomainAffinityAlgorithm;
import org.restcomm.lb.algorithm.HeaderConsistentHashAlgorithm;
import org.restcomm.lb.algorithm.PersistentConsistentHashAlgorithm;
import org.restcomm.lb.algorithm.UserBasedAlgorithm;

/**
 * Settings of the algorithm resources, each with the original lb.properties name the algorithm reads it by.
 * All apply live.
 */
enum AlgorithmAttribute {
    MAX_IDLE_TIME(new SimpleAttributeDefinitionBuilder("max-idle-time", ModelType.LONG).setDefaultValue(new ModelNode(CallIdAffinityAlgorithm.DEFAULT_MAX_IDLE_SECONDS))
            .setMeasurementUnit(MeasurementUnit.SECONDS).setValidator(new LongRangeValidator(1L, true)), CallIdAffinityAlgorithm.MAX_IDLE_TIME),
    GROUP_FAILOVER(new SimpleAttributeDefinitionBuilder("group-failover", ModelType.BOOLEAN).setDefaultValue(ModelNode.FALSE), CallIdAffinityAlgorithm.GROUP_FAILOVER),
    SIP_AFFINITY_KEY(new SimpleAttributeDefinitionBuilder("sip-affinity-key", ModelType.STRING).setDefaultValue(new ModelNode(HeaderConsistentHashAlgorithm.DEFAULT_SIP_AFFINITY_KEY)),
            HeaderConsistentHashAlgorithm.SIP_AFFINITY_KEY),
    HTTP_AFFINITY_KEY(new SimpleAttributeDefinitionBuilder("http-affinity-key", ModelType.STRING).setDefaultValue(new ModelNode(HeaderConsistentHashAlgorithm.DEFAULT_HTTP_AFFINITY_KEY)),
            HeaderConsistentHashAlgorithm.HTTP_AFFINITY_KEY),
    USER_AFFINITY_KEY(new SimpleAttributeDefinitionBuilder("sip-affinity-key", ModelType.STRING).setDefaultValue(new ModelNode("To"))
            .setValidator(new StringAllowedValuesValidator("To", "From")), UserBasedAlgorithm.SIP_AFFINITY_KEY),
    USER_EXCLUSION_PATTERN(new SimpleAttributeDefinitionBuilder("sip-affinity-exclusion-pattern", ModelType.STRING).setValidator(new RegexValidator()),
            UserBasedAlgorithm.EXCLUSION_PATTERN),
    USER_FALLBACK_KEY(new SimpleAttributeDefinitionBuilder("sip-affinity-fallback-key", ModelType.STRING).setDefaultValue(new ModelNode("Call-ID"))
            .setValidator(new StringAllowedValuesValidator("To", "From", "Call-ID")), UserBasedAlgorithm.FALLBACK_KEY),
    /** Since 1.4: bounded load on persistent-consistent-hash, HAProxy's hash-balance-factor as a ratio; off when undefined. */
    MAX_LOAD_FACTOR(new SimpleAttributeDefinitionBuilder("max-load-factor", ModelType.DOUBLE).setValidator(new LoadFactorValidator()),
            PersistentConsistentHashAlgorithm.MAX_LOAD_FACTOR),
    SUBCLUSTERS(new StringListAttributeDefinition.Builder("subclusters")
            .setAttributeParser(AttributeParser.STRING_LIST).setAttributeMarshaller(AttributeMarshaller.STRING_LIST),
            ClusterSubdomainAffinityAlgorithm.SUBCLUSTER_MAP, AlgorithmAttribute::subclusterMap),
    ;

    private final AttributeDefinition definition;
    private final String property;
    private final Function<ModelNode, String> toProperty;

    AlgorithmAttribute(SimpleAttributeDefinitionBuilder builder, String property) {
        this(builder, property, ModelNode::asString);
    }

    AlgorithmAttribute(org.jboss.as.controller.AbstractAttributeDefinitionBuilder<?, ?> builder, String property, Function<ModelNode, String> toProperty) {
        this.definition = builder.setRequired(false).setAllowExpression(true).setFlags(AttributeAccess.Flag.RESTART_NONE).build();
        this.property = property;
        this.toProperty = toProperty;
    }

    AttributeDefinition definition() {
        return this.definition;
    }

    /** Adds this attribute's resolved value to the algorithm's properties, under the original's name. */
    void addTo(Map<String, String> properties, ModelNode resolved) {
        if (resolved.isDefined()) {
            properties.put(this.property, this.toProperty.apply(resolved));
        }
    }

    /** Groups as the original's subclusterMap wrote them: {@code (a, b)(c)}. */
    private static String subclusterMap(ModelNode groups) {
        StringBuilder map = new StringBuilder();
        for (ModelNode group : groups.asList()) {
            map.append('(').append(group.asString()).append(')');
        }
        return map.toString();
    }

    /** The properties map of algorithm=custom, handed to the class as they are. */
    static final PropertiesAttributeDefinition CUSTOM_PROPERTIES = new PropertiesAttributeDefinition.Builder("properties", true)
            .setAllowExpression(true)
            .setAttributeParser(org.jboss.as.controller.AttributeParsers.PROPERTIES_UNWRAPPED)
            .setAttributeMarshaller(org.jboss.as.controller.AttributeMarshallers.PROPERTIES_UNWRAPPED)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static List<AttributeDefinition> definitions(List<AlgorithmAttribute> attributes) {
        return attributes.stream().map(AlgorithmAttribute::definition).toList();
    }
}

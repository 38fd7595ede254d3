package org.restcomm.lb.node.subsystem;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.persistence.xml.ResourceXMLParticleFactory;
import org.jboss.as.controller.persistence.xml.SubsystemResourceRegistrationXMLElement;
import org.jboss.as.controller.persistence.xml.SubsystemResourceXMLSchema;
import org.jboss.as.controller.xml.IntVersionSchema;
import org.jboss.as.controller.xml.VersionedNamespace;
import org.jboss.staxmapper.IntVersion;

/**
 * XML schema versions of the subsystem, {@code urn:restcomm:load-balancer-node:<major>.<minor>}. Every version is
 * still read; an attribute added after 1.0 is named in {@link #ADDED_IN}, and older versions neither read nor write it.
 */
enum LoadBalancerNodeSubsystemSchema implements SubsystemResourceXMLSchema<LoadBalancerNodeSubsystemSchema> {
    VERSION_1_0(1, 0),
    VERSION_1_1(1, 1),
    ;
    static final LoadBalancerNodeSubsystemSchema CURRENT = VERSION_1_1;

    /** The schema version that introduced each attribute not in 1.0; the resource has one attribute of each name. */
    private static final Map<AttributeDefinition, LoadBalancerNodeSubsystemSchema> ADDED_IN = Map.of(
            LoadBalancerNodeSubsystemResourceDefinitionRegistrar.SSL_CONTEXT, VERSION_1_1);

    private final ResourceXMLParticleFactory factory = ResourceXMLParticleFactory.newInstance(this);
    private final VersionedNamespace<IntVersion, LoadBalancerNodeSubsystemSchema> namespace;

    LoadBalancerNodeSubsystemSchema(int major, int minor) {
        this.namespace = IntVersionSchema.createURN(List.of("restcomm", LoadBalancerNodeSubsystemResourceDefinitionRegistrar.REGISTRATION.getName()), new IntVersion(major, minor));
    }

    @Override
    public VersionedNamespace<IntVersion, LoadBalancerNodeSubsystemSchema> getNamespace() {
        return this.namespace;
    }

    @Override
    public SubsystemResourceRegistrationXMLElement getSubsystemXMLElement() {
        return this.factory.subsystemElement(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.REGISTRATION)
                .addAttributes(this.known(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.ATTRIBUTES))
                .build();
    }

    /** The attributes this version knows: those of 1.0 and those added up to this version. */
    private Collection<AttributeDefinition> known(Collection<? extends AttributeDefinition> attributes) {
        return attributes.stream().filter(attribute -> this.since(ADDED_IN.getOrDefault(attribute, VERSION_1_0))).map(AttributeDefinition.class::cast).toList();
    }
}

package org.restcomm.lb.node.subsystem;

import java.util.List;

import org.jboss.as.controller.persistence.xml.ResourceXMLParticleFactory;
import org.jboss.as.controller.persistence.xml.SubsystemResourceRegistrationXMLElement;
import org.jboss.as.controller.persistence.xml.SubsystemResourceXMLSchema;
import org.jboss.as.controller.xml.IntVersionSchema;
import org.jboss.as.controller.xml.VersionedNamespace;
import org.jboss.staxmapper.IntVersion;

/** XML schema versions of the subsystem, {@code urn:restcomm:load-balancer-node:<major>.<minor>}. */
enum LoadBalancerNodeSubsystemSchema implements SubsystemResourceXMLSchema<LoadBalancerNodeSubsystemSchema> {
    VERSION_1_0(1, 0),
    ;
    static final LoadBalancerNodeSubsystemSchema CURRENT = VERSION_1_0;

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
                .addAttributes(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.ATTRIBUTES)
                .build();
    }
}

package org.restcomm.lb.subsystem;

import java.util.List;

import org.jboss.as.controller.persistence.xml.ResourceXMLParticleFactory;
import org.jboss.as.controller.persistence.xml.SingletonResourceRegistrationXMLChoice;
import org.jboss.as.controller.persistence.xml.SubsystemResourceRegistrationXMLElement;
import org.jboss.as.controller.persistence.xml.SubsystemResourceXMLSchema;
import org.jboss.as.controller.xml.IntVersionSchema;
import org.jboss.as.controller.xml.XMLCardinality;
import org.jboss.as.controller.xml.VersionedNamespace;
import org.jboss.staxmapper.IntVersion;

/** XML schema versions of the subsystem, {@code urn:restcomm:load-balancer:<major>.<minor>}. */
enum LoadBalancerSubsystemSchema implements SubsystemResourceXMLSchema<LoadBalancerSubsystemSchema> {
    VERSION_1_0(1, 0),
    ;
    static final LoadBalancerSubsystemSchema CURRENT = VERSION_1_0;

    private final ResourceXMLParticleFactory factory = ResourceXMLParticleFactory.newInstance(this);
    private final VersionedNamespace<IntVersion, LoadBalancerSubsystemSchema> namespace;

    LoadBalancerSubsystemSchema(int major, int minor) {
        this.namespace = IntVersionSchema.createURN(List.of("restcomm", LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName()), new IntVersion(major, minor));
    }

    @Override
    public VersionedNamespace<IntVersion, LoadBalancerSubsystemSchema> getNamespace() {
        return this.namespace;
    }

    @Override
    public SubsystemResourceRegistrationXMLElement getSubsystemXMLElement() {
        return this.factory.subsystemElement(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION)
                .addAttributes(LoadBalancerSubsystemResourceDefinitionRegistrar.ATTRIBUTES)
                .withContent(this.factory.sequence()
                        .withCardinality(XMLCardinality.Single.OPTIONAL)
                        .addElement(this.factory.singletonElement(HttpHeartbeatResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("http-heartbeat")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(HttpHeartbeatResourceDefinitionRegistrar.ATTRIBUTES)
                                .build())
                        .addElement(this.factory.singletonElement(RmiHeartbeatResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("rmi-heartbeat")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(RmiHeartbeatResourceDefinitionRegistrar.ATTRIBUTES)
                                .build())
                        .addElement(this.sipElement())
                        .addElement(this.factory.singletonElement(HttpResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("http")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(HttpResourceDefinitionRegistrar.ATTRIBUTES)
                                .build())
                        .addElement(this.factory.singletonElement(SmppResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("smpp")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(SmppResourceDefinitionRegistrar.ATTRIBUTES)
                                .build())
                        .addChoice(this.algorithmChoice())
                        .build())
                .build();
    }

    /** {@code <sip>} with its {@code <listener name=..>} children, then stack properties as {@code <property>}. */
    private org.jboss.as.controller.persistence.xml.SingletonResourceRegistrationXMLElement sipElement() {
        return this.factory.singletonElement(SipResourceDefinitionRegistrar.REGISTRATION)
                .withElementLocalName("sip")
                .withCardinality(XMLCardinality.Single.OPTIONAL)
                .addAttributes(SipResourceDefinitionRegistrar.ATTRIBUTES)
                .withContent(this.factory.sequence()
                        .withCardinality(XMLCardinality.Single.OPTIONAL)
                        .addElement(this.factory.namedElement(SipListenerResourceDefinitionRegistrar.REGISTRATION)
                                .withCardinality(XMLCardinality.Unbounded.OPTIONAL)
                                .addAttributes(SipListenerResourceDefinitionRegistrar.ATTRIBUTES)
                                .build())
                        .addElement(SipResourceDefinitionRegistrar.STACK_PROPERTIES)
                        .build())
                .build();
    }

    /** At most one of {@code <call-id-affinity/>}, {@code <header-consistent-hash/>}, ..., {@code <custom-algorithm/>}. */
    private SingletonResourceRegistrationXMLChoice algorithmChoice() {
        SingletonResourceRegistrationXMLChoice.Builder choice = this.factory.singletonElementChoice().withCardinality(XMLCardinality.Single.OPTIONAL);
        for (AlgorithmResource resource : AlgorithmResource.values()) {
            boolean custom = resource == AlgorithmResource.CUSTOM;
            var element = this.factory.singletonElement(AlgorithmResourceDefinitionRegistrar.registration(resource))
                    .withElementLocalName(custom ? "custom-algorithm" : resource.path().getValue())
                    .addAttributes(AlgorithmResourceDefinitionRegistrar.attributes(resource));
            if (custom) {
                // <property name=".." value=".."/> children
                element.withContent(this.factory.sequence().withCardinality(XMLCardinality.Single.OPTIONAL).addElement(AlgorithmAttribute.CUSTOM_PROPERTIES).build());
            }
            choice.addElement(element.build());
        }
        return choice.build();
    }
}

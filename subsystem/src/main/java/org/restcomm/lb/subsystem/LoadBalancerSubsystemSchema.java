package org.restcomm.lb.subsystem;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.persistence.xml.ResourceXMLParticleFactory;
import org.jboss.as.controller.persistence.xml.SingletonResourceRegistrationXMLChoice;
import org.jboss.as.controller.persistence.xml.SubsystemResourceRegistrationXMLElement;
import org.jboss.as.controller.persistence.xml.SubsystemResourceXMLSchema;
import org.jboss.as.controller.xml.IntVersionSchema;
import org.jboss.as.controller.xml.XMLCardinality;
import org.jboss.as.controller.xml.VersionedNamespace;
import org.jboss.staxmapper.IntVersion;

/**
 * XML schema versions of the subsystem, {@code urn:restcomm:load-balancer:<major>.<minor>}. Every version is still
 * read; an attribute added after 1.0 is named in {@link #ADDED_IN}, and older versions neither read nor write it.
 */
enum LoadBalancerSubsystemSchema implements SubsystemResourceXMLSchema<LoadBalancerSubsystemSchema> {
    VERSION_1_0(1, 0),
    VERSION_1_1(1, 1),
    VERSION_1_2(1, 2),
    VERSION_1_3(1, 3),
    VERSION_1_4(1, 4),
    ;
    static final LoadBalancerSubsystemSchema CURRENT = VERSION_1_4;

    /**
     * The schema version that introduced each attribute not in 1.0. By identity: attribute definitions are equal by
     * name, and two resources may each have an attribute of the same name (allowed-sources, ssl-context).
     */
    private static final Map<AttributeDefinition, LoadBalancerSubsystemSchema> ADDED_IN = byIdentity(
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.MAX_NODES, VERSION_1_1),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.HEARTBEAT_RATE_LIMIT, VERSION_1_1),
            Map.entry(HttpHeartbeatResourceDefinitionRegistrar.ALLOWED_SOURCES, VERSION_1_1),
            Map.entry(HttpHeartbeatResourceDefinitionRegistrar.SSL_CONTEXT, VERSION_1_1),
            Map.entry(RmiHeartbeatResourceDefinitionRegistrar.ALLOWED_SOURCES, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.HEARTBEAT_ALLOWED_SOURCES, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.CONNECTION_IDLE_TIMEOUT, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.FIRST_MESSAGE_TIMEOUT, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.MAX_QUEUED_BYTES, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.WRITE_STALL_TIMEOUT, VERSION_1_1),
            Map.entry(SmppResourceDefinitionRegistrar.MAX_QUEUED_BYTES, VERSION_1_1),
            Map.entry(SmppResourceDefinitionRegistrar.WRITE_STALL_TIMEOUT, VERSION_1_1),
            Map.entry(HttpResourceDefinitionRegistrar.WRITE_STALL_TIMEOUT, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.NODE_RESPONSE_TIMEOUT, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.PROBE_INTERVAL, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.PROBE_FAILURES, VERSION_1_1),
            Map.entry(SipResourceDefinitionRegistrar.TERMINATE_TLS, VERSION_1_2),
            Map.entry(SipResourceDefinitionRegistrar.BACKEND_SSL_CONTEXT, VERSION_1_2),
            Map.entry(SipResourceDefinitionRegistrar.HANDSHAKE_TIMEOUT, VERSION_1_2),
            Map.entry(SipListenerResourceDefinitionRegistrar.SSL_CONTEXT, VERSION_1_2),
            Map.entry(HttpResourceDefinitionRegistrar.HANDSHAKE_TIMEOUT, VERSION_1_2),
            Map.entry(HttpResourceDefinitionRegistrar.REDIRECT_TO_HTTPS, VERSION_1_2),
            Map.entry(HttpResourceDefinitionRegistrar.HTTPS_REDIRECT_PORT, VERSION_1_2),
            Map.entry(SmppResourceDefinitionRegistrar.SSL_SOCKET_BINDING, VERSION_1_2),
            Map.entry(SmppResourceDefinitionRegistrar.SSL_CONTEXT, VERSION_1_2),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.ADMIN_ENDPOINTS, VERSION_1_3),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.ADMIN_SECURITY_DOMAIN, VERSION_1_3),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.STOP_TIMEOUT, VERSION_1_3),
            Map.entry(SmppResourceDefinitionRegistrar.BACKEND_SSL_CONTEXT, VERSION_1_2),
            Map.entry(SmppResourceDefinitionRegistrar.HANDSHAKE_TIMEOUT, VERSION_1_2),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.STATIC_NODES, VERSION_1_3),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.RAMP_UP_PERIOD, VERSION_1_3),
            Map.entry(LoadBalancerSubsystemResourceDefinitionRegistrar.RAMP_UP_INCREASE, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.BAD_NODE_UNANSWERED_REQUESTS, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.BAD_NODE_RESPONSE_TIME, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.INTERNAL_TRANSPORT, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.ROUTE_HOSTNAME, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.ROUTE_HOSTNAME_SUBDOMAINS, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.PUBLIC_ADDRESS, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.PUBLIC_ADDRESS_V6, VERSION_1_3),
            Map.entry(SipResourceDefinitionRegistrar.PUBLIC_ADDRESS_RULES, VERSION_1_3),
            Map.entry(SmppResourceDefinitionRegistrar.TO_NODE_ALGORITHM, VERSION_1_3),
            Map.entry(HttpResourceDefinitionRegistrar.REWRITE_RULES, VERSION_1_3),
            Map.entry(SmppResourceDefinitionRegistrar.TO_PROVIDER_ALGORITHM, VERSION_1_3),
            Map.entry(AlgorithmAttribute.MAX_LOAD_FACTOR.definition(), VERSION_1_4),
            Map.entry(AlgorithmResourceDefinitionRegistrar.AFFINITY_CACHE.container(), VERSION_1_4),
            Map.entry(AlgorithmResourceDefinitionRegistrar.AFFINITY_CACHE.cache(), VERSION_1_4));

    /** The schema version that introduced each algorithm element not in 1.0; older versions do not read it. */
    private static final Map<AlgorithmResource, LoadBalancerSubsystemSchema> ALGORITHM_ADDED_IN = Map.of(
            AlgorithmResource.PURE_CONSISTENT_HASH, VERSION_1_3,
            AlgorithmResource.ACTIVE_STANDBY, VERSION_1_3,
            AlgorithmResource.PERSISTENT_CONSISTENT_HASH, VERSION_1_4);

    @SafeVarargs
    private static Map<AttributeDefinition, LoadBalancerSubsystemSchema> byIdentity(Map.Entry<AttributeDefinition, LoadBalancerSubsystemSchema>... entries) {
        Map<AttributeDefinition, LoadBalancerSubsystemSchema> map = new IdentityHashMap<>();
        for (Map.Entry<AttributeDefinition, LoadBalancerSubsystemSchema> entry : entries) {
            map.put(entry.getKey(), entry.getValue());
        }
        return Collections.unmodifiableMap(map);
    }

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
                .addAttributes(this.known(LoadBalancerSubsystemResourceDefinitionRegistrar.ATTRIBUTES))
                .withContent(this.factory.sequence()
                        .withCardinality(XMLCardinality.Single.OPTIONAL)
                        .addElement(this.factory.singletonElement(HttpHeartbeatResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("http-heartbeat")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(this.known(HttpHeartbeatResourceDefinitionRegistrar.ATTRIBUTES))
                                .build())
                        .addElement(this.factory.singletonElement(RmiHeartbeatResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("rmi-heartbeat")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(this.known(RmiHeartbeatResourceDefinitionRegistrar.ATTRIBUTES))
                                .build())
                        .addElement(this.sipElement())
                        .addElement(this.httpElement())
                        .addElement(this.factory.singletonElement(SmppResourceDefinitionRegistrar.REGISTRATION)
                                .withElementLocalName("smpp")
                                .withCardinality(XMLCardinality.Single.OPTIONAL)
                                .addAttributes(this.known(SmppResourceDefinitionRegistrar.ATTRIBUTES))
                                .build())
                        .addChoice(this.algorithmChoice())
                        .build())
                .build();
    }

    /** {@code <http>}, with its {@code <rewrite-rule name=".."/>} children from 1.3. */
    private org.jboss.as.controller.persistence.xml.SingletonResourceRegistrationXMLElement httpElement() {
        var http = this.factory.singletonElement(HttpResourceDefinitionRegistrar.REGISTRATION)
                .withElementLocalName("http")
                .withCardinality(XMLCardinality.Single.OPTIONAL)
                .addAttributes(this.known(HttpResourceDefinitionRegistrar.ATTRIBUTES));
        if (!this.known(List.of(HttpResourceDefinitionRegistrar.REWRITE_RULES)).isEmpty()) {
            http.withContent(this.factory.sequence().withCardinality(XMLCardinality.Single.OPTIONAL).addElement(HttpResourceDefinitionRegistrar.REWRITE_RULES).build());
        }
        return http.build();
    }

    /** {@code <sip>} with its {@code <listener name=..>} children, then stack properties as {@code <property>}. */
    private org.jboss.as.controller.persistence.xml.SingletonResourceRegistrationXMLElement sipElement() {
        return this.factory.singletonElement(SipResourceDefinitionRegistrar.REGISTRATION)
                .withElementLocalName("sip")
                .withCardinality(XMLCardinality.Single.OPTIONAL)
                .addAttributes(this.known(SipResourceDefinitionRegistrar.ATTRIBUTES))
                .withContent(this.factory.sequence()
                        .withCardinality(XMLCardinality.Single.OPTIONAL)
                        .addElement(this.factory.namedElement(SipListenerResourceDefinitionRegistrar.REGISTRATION)
                                .withCardinality(XMLCardinality.Unbounded.OPTIONAL)
                                .addAttributes(this.known(SipListenerResourceDefinitionRegistrar.ATTRIBUTES))
                                .build())
                        .addElement(SipResourceDefinitionRegistrar.STACK_PROPERTIES)
                        .build())
                .build();
    }

    /** At most one of {@code <call-id-affinity/>}, {@code <header-consistent-hash/>}, ..., {@code <custom-algorithm/>}. */
    private SingletonResourceRegistrationXMLChoice algorithmChoice() {
        SingletonResourceRegistrationXMLChoice.Builder choice = this.factory.singletonElementChoice().withCardinality(XMLCardinality.Single.OPTIONAL);
        for (AlgorithmResource resource : AlgorithmResource.values()) {
            if (!this.since(ALGORITHM_ADDED_IN.getOrDefault(resource, VERSION_1_0))) {
                continue;
            }
            boolean custom = resource == AlgorithmResource.CUSTOM;
            var element = this.factory.singletonElement(AlgorithmResourceDefinitionRegistrar.registration(resource))
                    .withElementLocalName(custom ? "custom-algorithm" : resource.path().getValue())
                    .addAttributes(this.known(AlgorithmResourceDefinitionRegistrar.attributes(resource)));
            if (custom) {
                // <property name=".." value=".."/> children
                element.withContent(this.factory.sequence().withCardinality(XMLCardinality.Single.OPTIONAL).addElement(AlgorithmAttribute.CUSTOM_PROPERTIES).build());
            }
            choice.addElement(element.build());
        }
        return choice.build();
    }

    /** The attributes this version knows: those of 1.0 and those added up to this version. */
    private Collection<AttributeDefinition> known(Collection<? extends AttributeDefinition> attributes) {
        return attributes.stream().filter(attribute -> this.since(ADDED_IN.getOrDefault(attribute, VERSION_1_0))).map(AttributeDefinition.class::cast).toList();
    }
}

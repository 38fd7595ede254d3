package org.restcomm.lb.subsystem;

import javax.net.ssl.SSLContext;

import org.jboss.as.controller.access.management.SensitiveTargetAccessConstraintDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.registry.AttributeAccess;
import org.wildfly.service.descriptor.UnaryServiceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;

/**
 * An optional reference to an Elytron {@code ssl-context} (server-ssl-context, client-ssl-context): completed by
 * jboss-cli, checked at write time, sensitive, restarts its service. Named by its capability, so the subsystem needs
 * no Elytron classes and the elytron layer only when one is set.
 */
final class SslContextReference {

    /** What Elytron's ssl-context resources provide. */
    static final UnaryServiceDescriptor<SSLContext> SSL_CONTEXT = UnaryServiceDescriptor.of("org.wildfly.security.ssl-context", SSLContext.class);

    private SslContextReference() {
    }

    /** @param requires the attributes that must be set together with this one */
    static CapabilityReferenceAttributeDefinition<SSLContext> attribute(String name, RuntimeCapability<Void> capability, String... requires) {
        return new CapabilityReferenceAttributeDefinition.Builder<>(name, CapabilityReference.builder(capability, SSL_CONTEXT).build())
                .setRequired(false)
                .setRequires(requires)
                .addAccessConstraint(SensitiveTargetAccessConstraintDefinition.SSL_REF)
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }
}

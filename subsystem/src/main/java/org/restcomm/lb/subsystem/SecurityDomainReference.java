package org.restcomm.lb.subsystem;

import org.jboss.as.controller.access.management.SensitiveTargetAccessConstraintDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.registry.AttributeAccess;
import org.restcomm.lb.admin.AdminHttpHandler;
import org.wildfly.security.auth.server.RealmUnavailableException;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.security.evidence.PasswordGuessEvidence;
import org.wildfly.service.descriptor.UnaryServiceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;

/** An optional reference to an Elytron {@code security-domain}, and the password check the admin endpoints make against it. */
final class SecurityDomainReference {

    /** What Elytron's security-domain resources provide. */
    static final UnaryServiceDescriptor<SecurityDomain> SECURITY_DOMAIN = UnaryServiceDescriptor.of("org.wildfly.security.security-domain", SecurityDomain.class);

    private SecurityDomainReference() {
    }

    static CapabilityReferenceAttributeDefinition<SecurityDomain> attribute(String name, RuntimeCapability<Void> capability) {
        return new CapabilityReferenceAttributeDefinition.Builder<>(name, CapabilityReference.builder(capability, SECURITY_DOMAIN).build())
                .setRequired(false)
                .addAccessConstraint(SensitiveTargetAccessConstraintDefinition.ELYTRON_SECURITY_DOMAIN_REF)
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    /** Whether the domain knows the user with this password; none accepted without a domain. */
    static AdminHttpHandler.Credentials credentials(SecurityDomain domain) {
        return (user, password) -> {
            if (domain == null) {
                return false;
            }
            try {
                domain.authenticate(user, new PasswordGuessEvidence(password.toCharArray()));
                return true;
            } catch (SecurityException | RealmUnavailableException e) {
                return false;
            }
        };
    }
}

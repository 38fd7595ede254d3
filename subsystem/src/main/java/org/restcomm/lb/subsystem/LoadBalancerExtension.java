package org.restcomm.lb.subsystem;

import org.wildfly.subsystem.SubsystemConfiguration;
import org.wildfly.subsystem.SubsystemExtension;
import org.wildfly.subsystem.SubsystemPersistence;

/** The load-balancer subsystem extension. */
public class LoadBalancerExtension extends SubsystemExtension<LoadBalancerSubsystemSchema> {

    public LoadBalancerExtension() {
        super(SubsystemConfiguration.of(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION, LoadBalancerSubsystemModel.CURRENT, LoadBalancerSubsystemResourceDefinitionRegistrar::new),
                SubsystemPersistence.of(LoadBalancerSubsystemSchema.CURRENT));
    }
}

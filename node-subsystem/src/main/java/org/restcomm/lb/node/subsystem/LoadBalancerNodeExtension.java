package org.restcomm.lb.node.subsystem;

import org.wildfly.subsystem.SubsystemConfiguration;
import org.wildfly.subsystem.SubsystemExtension;
import org.wildfly.subsystem.SubsystemPersistence;

/** The load-balancer-node subsystem extension: this server heartbeats to the balancers as one of their nodes. */
public class LoadBalancerNodeExtension extends SubsystemExtension<LoadBalancerNodeSubsystemSchema> {

    public LoadBalancerNodeExtension() {
        super(SubsystemConfiguration.of(LoadBalancerNodeSubsystemResourceDefinitionRegistrar.REGISTRATION, LoadBalancerNodeSubsystemModel.CURRENT,
                        LoadBalancerNodeSubsystemResourceDefinitionRegistrar::new),
                SubsystemPersistence.of(LoadBalancerNodeSubsystemSchema.CURRENT));
    }
}

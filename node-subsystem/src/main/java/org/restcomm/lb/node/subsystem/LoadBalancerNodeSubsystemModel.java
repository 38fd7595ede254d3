package org.restcomm.lb.node.subsystem;

import org.jboss.as.controller.ModelVersion;
import org.jboss.as.controller.SubsystemModel;

/** Management model versions of the load-balancer-node subsystem. */
enum LoadBalancerNodeSubsystemModel implements SubsystemModel {
    VERSION_1_0_0(1, 0, 0),
    VERSION_1_1_0(1, 1, 0),
    ;
    static final LoadBalancerNodeSubsystemModel CURRENT = VERSION_1_1_0;

    private final ModelVersion version;

    LoadBalancerNodeSubsystemModel(int major, int minor, int micro) {
        this.version = ModelVersion.create(major, minor, micro);
    }

    @Override
    public ModelVersion getVersion() {
        return this.version;
    }
}

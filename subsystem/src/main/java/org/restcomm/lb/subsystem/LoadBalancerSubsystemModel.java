package org.restcomm.lb.subsystem;

import org.jboss.as.controller.ModelVersion;
import org.jboss.as.controller.SubsystemModel;

/** Management model versions of the load-balancer subsystem. */
enum LoadBalancerSubsystemModel implements SubsystemModel {
    VERSION_1_0_0(1, 0, 0),
    VERSION_1_1_0(1, 1, 0),
    VERSION_1_2_0(1, 2, 0),
    VERSION_1_3_0(1, 3, 0),
    VERSION_1_4_0(1, 4, 0),
    ;
    static final LoadBalancerSubsystemModel CURRENT = VERSION_1_4_0;

    private final ModelVersion version;

    LoadBalancerSubsystemModel(int major, int minor, int micro) {
        this.version = ModelVersion.create(major, minor, micro);
    }

    @Override
    public ModelVersion getVersion() {
        return this.version;
    }
}

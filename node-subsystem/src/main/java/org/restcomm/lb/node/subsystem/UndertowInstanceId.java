package org.restcomm.lb.node.subsystem;

import org.wildfly.extension.undertow.UndertowService;
import org.wildfly.subsystem.service.ServiceDependency;

/**
 * Undertow's instance-id, the jvmRoute suffix of the session ids its web apps hand out. Kept apart so that the
 * undertow classes, an optional module dependency, are only loaded on servers that have the undertow subsystem.
 */
final class UndertowInstanceId {

    static final String CAPABILITY_NAME = "org.wildfly.undertow";

    private UndertowInstanceId() {
    }

    static ServiceDependency<String> dependency() {
        return ServiceDependency.on(UndertowService.SERVICE_DESCRIPTOR).map(UndertowService::getInstanceId);
    }
}

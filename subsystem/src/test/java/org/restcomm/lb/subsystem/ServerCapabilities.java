package org.restcomm.lb.subsystem;

import org.jboss.as.server.suspend.SuspendableActivityRegistry;

/** Capabilities of the server that the balancer requires and the test kernel lacks (it has the model controller client factory). */
final class ServerCapabilities {

    static final String SUSPEND_CONTROLLER = SuspendableActivityRegistry.SERVICE_DESCRIPTOR.getName();

    private ServerCapabilities() {
    }
}

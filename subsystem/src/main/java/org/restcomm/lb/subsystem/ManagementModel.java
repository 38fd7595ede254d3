package org.restcomm.lb.subsystem;

import java.util.concurrent.Executor;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.LocalModelControllerClient;
import org.jboss.as.controller.ModelControllerClientFactory;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.restcomm.lb.admin.AdminActions;
import org.restcomm.lb.admin.ManagedSettings;

/**
 * The MBean's writes and the admin endpoints' actions as management operations, so the model validates, persists and
 * shows them as it does a jboss-cli command. MBean writes run with the JMX caller's identity; admin actions, whose
 * caller the admin-security-domain has authenticated, run as the server itself.
 */
final class ManagementModel implements ManagedSettings, AdminActions {

    private static final ModelNode SUBSYSTEM = PathAddress.pathAddress(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getPathElement()).toModelNode();
    /** The logging subsystem's logger of the balancer's own category. */
    static final ModelNode LOGGER = Operations.createAddress("subsystem", "logging", "logger", "org.restcomm.lb");

    private final ModelControllerClientFactory clients;
    private final Executor executor;

    ManagementModel(ModelControllerClientFactory clients, Executor executor) {
        this.clients = clients;
        this.executor = executor;
    }

    @Override
    public String configuration() {
        ModelNode read = Operations.createReadResourceOperation(SUBSYSTEM, true);
        read.get("include-defaults").set(true);
        return this.asCaller(read).toJSONString(false);
    }

    @Override
    public void setNodeTimeout(long millis) {
        this.write(LoadBalancerSubsystemResourceDefinitionRegistrar.NODE_TIMEOUT, millis);
    }

    @Override
    public void setHeartbeatInterval(long millis) {
        this.write(LoadBalancerSubsystemResourceDefinitionRegistrar.HEARTBEAT_INTERVAL, millis);
    }

    private void write(AttributeDefinition attribute, long value) {
        this.asCaller(Operations.createWriteAttributeOperation(SUBSYSTEM, attribute.getName(), value));
    }

    @Override
    public void stopGracefully(long timeoutMillis) {
        ModelNode shutdown = Operations.createOperation("shutdown", new ModelNode().setEmptyList());
        // whole seconds: the suspend-timeout of :shutdown
        shutdown.get("suspend-timeout").set((int) Math.min(Integer.MAX_VALUE, (timeoutMillis + 999) / 1000));
        // on a thread of its own, outside the io worker the shutdown stops
        Thread stopping = new Thread(() -> this.asServer(shutdown), "load-balancer-lbstop");
        stopping.setDaemon(true);
        stopping.start();
    }

    @Override
    public void setLogLevel(String level) {
        ModelNode exists = Operations.createReadResourceOperation(LOGGER);
        try (LocalModelControllerClient client = this.clients.createSuperUserClient(this.executor)) {
            ModelNode change;
            if (Operations.isSuccessfulOutcome(client.execute(exists))) {
                change = Operations.createWriteAttributeOperation(LOGGER, "level", level);
            } else {
                change = Operations.createAddOperation(LOGGER);
                change.get("level").set(level);
            }
            result(client.execute(change));
        }
    }

    private ModelNode asCaller(ModelNode operation) {
        try (LocalModelControllerClient client = this.clients.createClient(this.executor)) {
            return result(client.execute(operation));
        }
    }

    private ModelNode asServer(ModelNode operation) {
        try (LocalModelControllerClient client = this.clients.createSuperUserClient(this.executor)) {
            return result(client.execute(operation));
        }
    }

    private static ModelNode result(ModelNode outcome) {
        if (!Operations.isSuccessfulOutcome(outcome)) {
            throw new IllegalArgumentException(Operations.getFailureDescription(outcome).asString());
        }
        return Operations.readResult(outcome);
    }
}

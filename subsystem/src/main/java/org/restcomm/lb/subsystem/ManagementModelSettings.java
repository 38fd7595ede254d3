package org.restcomm.lb.subsystem;

import java.util.concurrent.Executor;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.LocalModelControllerClient;
import org.jboss.as.controller.ModelControllerClientFactory;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.restcomm.lb.admin.ManagedSettings;

/**
 * The MBean's writes as management operations on {@code /subsystem=load-balancer}, run with the JMX caller's identity,
 * so the model validates, persists and shows them as it does a jboss-cli write.
 */
final class ManagementModelSettings implements ManagedSettings {

    private static final ModelNode ADDRESS = PathAddress.pathAddress(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getPathElement()).toModelNode();

    private final ModelControllerClientFactory clients;
    private final Executor executor;

    ManagementModelSettings(ModelControllerClientFactory clients, Executor executor) {
        this.clients = clients;
        this.executor = executor;
    }

    @Override
    public String configuration() {
        ModelNode read = Operations.createReadResourceOperation(ADDRESS, true);
        read.get("include-defaults").set(true);
        return this.execute(read).toJSONString(false);
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
        this.execute(Operations.createWriteAttributeOperation(ADDRESS, attribute.getName(), value));
    }

    private ModelNode execute(ModelNode operation) {
        try (LocalModelControllerClient client = this.clients.createClient(this.executor)) {
            ModelNode outcome = client.execute(operation);
            if (!Operations.isSuccessfulOutcome(outcome)) {
                throw new IllegalArgumentException(Operations.getFailureDescription(outcome).asString());
            }
            return Operations.readResult(outcome);
        }
    }
}

package org.restcomm.lb.test;

import java.io.IOException;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test class: the shared server must still be running, not reload-required or restart-required. A test
 * that leaves it so (a remove without allow-resource-service-restart, say) would have the next classes test a
 * configuration the server has not applied.
 */
public final class ServerLeftRunning implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        String state;
        try (ModelControllerClient client = ModelControllerClient.Factory.create("remote+http", "127.0.0.1", 9990)) {
            // :read-attribute(name=server-state)
            ModelNode outcome = client.execute(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state"));
            state = Operations.readResult(outcome).asString();
        } catch (IOException e) {
            // no server on 9990 (stopped by its container): nothing to check
            return;
        }
        if (!"running".equals(state)) {
            throw new AssertionError(context.getDisplayName() + " left the server " + state);
        }
    }
}

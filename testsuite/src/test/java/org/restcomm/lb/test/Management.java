package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/** jboss-cli operations as a test runs them, with the equivalent command line in each caller's comments. */
final class Management {

    static final ModelNode SUBSYSTEM = Operations.createAddress("subsystem", "load-balancer");

    private final ModelControllerClient client;

    Management(ModelControllerClient client) {
        this.client = client;
    }

    static ModelNode node(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "node", name);
    }

    ModelNode execute(ModelNode operation) {
        try {
            return this.client.execute(operation);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the operation and returns its result, failing the test when the operation fails. */
    ModelNode success(ModelNode operation) {
        ModelNode outcome = this.execute(operation);
        assertTrue(Operations.isSuccessfulOutcome(outcome), () -> operation + " failed: " + outcome);
        return Operations.readResult(outcome);
    }

    ModelNode read(ModelNode address, String attribute) {
        ModelNode operation = Operations.createReadAttributeOperation(address, attribute);
        operation.get("include-defaults").set(true);
        return this.success(operation);
    }

    ModelNode write(ModelNode address, String attribute, ModelNode value) {
        return this.execute(Operations.createWriteAttributeOperation(address, attribute, value));
    }

    /**
     * Adds a socket-binding on the port and an external WebSocket SIP listener on it, restarting the SIP engine;
     * closing removes both again.
     */
    AutoCloseable webSocketListener(String name, int port) {
        ModelNode binding = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "load-balancer-sip-" + name);
        ModelNode listener = Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", name);
        // /socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-<name>:add(port=<port>)
        ModelNode addBinding = Operations.createAddOperation(binding);
        addBinding.get("port").set(port);
        this.success(addBinding);
        // /subsystem=load-balancer/sip=default/listener=<name>:add(side=external, transport=ws, socket-binding=load-balancer-sip-<name>){allow-resource-service-restart=true}
        ModelNode add = Operations.createAddOperation(listener);
        add.get("side").set("external");
        add.get("transport").set("ws");
        add.get("socket-binding").set("load-balancer-sip-" + name);
        this.success(restarting(add));
        return () -> {
            this.success(restarting(Operations.createRemoveOperation(listener)));
            this.success(restarting(Operations.createRemoveOperation(binding)));
        };
    }

    /**
     * Adds an external WSS SIP listener on the layer's socket-binding {@code load-balancer-sip-external-wss} (5083) with
     * the Elytron server-ssl-context, restarting the SIP engine; closing removes it again.
     */
    AutoCloseable secureWebSocketListener(String name, String sslContext) {
        ModelNode listener = Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", name);
        // /subsystem=load-balancer/sip=default/listener=<name>:add(side=external, transport=wss, socket-binding=load-balancer-sip-external-wss, ssl-context=<ssl-context>){allow-resource-service-restart=true}
        ModelNode add = Operations.createAddOperation(listener);
        add.get("side").set("external");
        add.get("transport").set("wss");
        add.get("socket-binding").set("load-balancer-sip-external-wss");
        add.get("ssl-context").set(sslContext);
        this.success(restarting(add));
        return () -> this.success(restarting(Operations.createRemoveOperation(listener)));
    }

    /** The operation with {@code {allow-resource-service-restart=true}}, as jboss-cli writes it. */
    static ModelNode restarting(ModelNode operation) {
        operation.get("operation-headers", "allow-resource-service-restart").set(true);
        return operation;
    }

    /** The add operation that recreates a resource from what its read-resource returned: its defined attributes. */
    static ModelNode addOperation(ModelNode address, ModelNode resource) {
        ModelNode add = Operations.createAddOperation(address);
        for (String attribute : resource.keys()) {
            if (resource.hasDefined(attribute)) {
                add.get(attribute).set(resource.get(attribute));
            }
        }
        return add;
    }

    static ModelNode algorithm(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "algorithm", name);
    }

    /** The algorithm=* resources defined. */
    List<String> algorithms() {
        ModelNode operation = Operations.createOperation("read-children-names", SUBSYSTEM);
        operation.get("child-type").set("algorithm");
        return this.success(operation).asList().stream().map(ModelNode::asString).toList();
    }

    List<String> nodeNames() {
        ModelNode operation = Operations.createOperation("read-children-names", SUBSYSTEM);
        operation.get("child-type").set("node");
        return this.success(operation).asList().stream().map(ModelNode::asString).toList();
    }

    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}

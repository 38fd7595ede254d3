package org.restcomm.lb.test;

import java.util.ArrayList;
import java.util.List;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/**
 * An Elytron server-ssl-context over an RSA key pair that Elytron generates in memory, for a test's TLS listener; its
 * subject ({@link #subject}) is unique, so a client can tell this certificate from any other. Closing removes its
 * resources in reverse order, after the listener that used it is gone.
 */
final class ServerSslContext implements AutoCloseable {

    private static final ModelNode ELYTRON = Operations.createAddress("subsystem", "elytron");

    private final Management management;
    private final String name;
    private final String subject;
    private final List<ModelNode> added = new ArrayList<>();

    private ServerSslContext(Management management, String name) {
        this.management = management;
        this.name = name;
        this.subject = "CN=localhost, O=" + name + "-" + Long.toHexString(System.nanoTime());
    }

    static ServerSslContext generate(Management management, String name) {
        ServerSslContext context = new ServerSslContext(management, name);
        // no path: the key store lives in memory only, so no file is left in the server's configuration directory
        // /subsystem=elytron/key-store=<name>:add(type=PKCS12, credential-reference={clear-text=secret})
        ModelNode keyStore = Operations.createAddOperation(address("key-store", name));
        keyStore.get("type").set("PKCS12");
        keyStore.get("credential-reference", "clear-text").set("secret");
        context.add(keyStore);
        // /subsystem=elytron/key-store=<name>:generate-key-pair(alias=lb, algorithm=RSA, key-size=2048, distinguished-name="CN=localhost, O=<name>-<nonce>")
        ModelNode generate = Operations.createOperation("generate-key-pair", address("key-store", name));
        generate.get("alias").set("lb");
        generate.get("algorithm").set("RSA");
        generate.get("key-size").set(2048);
        generate.get("distinguished-name").set(context.subject);
        management.success(generate);
        // /subsystem=elytron/key-manager=<name>:add(key-store=<name>, credential-reference={clear-text=secret})
        ModelNode keyManager = Operations.createAddOperation(address("key-manager", name));
        keyManager.get("key-store").set(name);
        keyManager.get("credential-reference", "clear-text").set("secret");
        context.add(keyManager);
        // /subsystem=elytron/server-ssl-context=<name>:add(key-manager=<name>)
        ModelNode server = Operations.createAddOperation(address("server-ssl-context", name));
        server.get("key-manager").set(name);
        context.add(server);
        return context;
    }

    String name() {
        return this.name;
    }

    /** The distinguished name of the certificate, as X500Principal.getName(RFC2253) writes it. */
    String subject() {
        return this.subject.replace(", ", ",");
    }

    private void add(ModelNode operation) {
        this.management.success(operation);
        this.added.add(Operations.getOperationAddress(operation));
    }

    /** Without the restart header Elytron keeps its services and asks for a reload. */
    @Override
    public void close() {
        for (int i = this.added.size() - 1; i >= 0; i--) {
            // /subsystem=elytron/<type>=<name>:remove{allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createRemoveOperation(this.added.get(i))));
        }
    }

    private static ModelNode address(String type, String name) {
        ModelNode address = ELYTRON.clone();
        address.add(type, name);
        return address;
    }
}

package org.restcomm.lb.subsystem;

import java.util.function.Function;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.PropertiesAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.node.Node;
import org.wildfly.subsystem.resource.executor.Metric;

/** Read-only runtime attributes of {@code node=<name>}, straight from the registry. */
enum NodeAttribute implements Metric<Node> {
    HOST_NAME(text("host-name"), node -> new ModelNode(node.hostName())),
    IP(text("ip"), node -> new ModelNode(node.ip())),
    SESSION_ID(text("session-id"), node -> new ModelNode(node.sessionId())),
    VERSION(text("version"), node -> new ModelNode(node.version())),
    JVM_ROUTE(text("jvm-route"), node -> (node.jvmRoute() != null) ? new ModelNode(node.jvmRoute()) : new ModelNode()),
    STATE(text("state"), node -> new ModelNode(node.state().displayName())),
    SOURCE(text("source"), node -> new ModelNode(node.source().displayName())),
    LAST_HEARTBEAT_AGE(new SimpleAttributeDefinitionBuilder("last-heartbeat-age", ModelType.LONG).setRequired(false).setStorageRuntime()
            .setMeasurementUnit(MeasurementUnit.MILLISECONDS).build(),
            node -> new ModelNode(Math.max(0L, System.currentTimeMillis() - node.lastSeen()))),
    CALLS_ASSIGNED(new SimpleAttributeDefinitionBuilder("calls-assigned", ModelType.LONG).setRequired(false).setStorageRuntime().build(),
            node -> new ModelNode(node.callsAssigned())),
    PROPERTIES(new PropertiesAttributeDefinition.Builder("properties", true).setStorageRuntime().build(), NodeAttribute::properties),
    ;

    private final AttributeDefinition definition;
    private final Function<Node, ModelNode> value;

    NodeAttribute(AttributeDefinition definition, Function<Node, ModelNode> value) {
        this.definition = definition;
        this.value = value;
    }

    @Override
    public AttributeDefinition get() {
        return this.definition;
    }

    @Override
    public ModelNode execute(Node node) {
        return this.value.apply(node);
    }

    private static AttributeDefinition text(String name) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.STRING).setRequired(false).setStorageRuntime().build();
    }

    private static ModelNode properties(Node node) {
        ModelNode properties = new ModelNode().setEmptyObject();
        node.properties().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(property -> properties.get(property.getKey()).set(property.getValue()));
        return properties;
    }
}

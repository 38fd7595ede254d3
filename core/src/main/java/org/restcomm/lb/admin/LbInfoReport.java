package org.restcomm.lb.admin;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeState;

/** The original's {@code GET /lbinfo} document: the nodes by address family and the SMPP remote servers. */
public final class LbInfoReport {

    private final NodeRegistry registry;
    private final Supplier<Collection<String>> smppRemoteServers;
    private final JsonProvider json;

    public LbInfoReport(NodeRegistry registry, Supplier<Collection<String>> smppRemoteServers, JsonProvider json) {
        this.registry = registry;
        this.smppRemoteServers = smppRemoteServers;
        this.json = json;
    }

    public JsonObject build() {
        Collection<Node> nodes = this.registry.nodes();
        JsonArrayBuilder ipv4 = this.json.createArrayBuilder();
        JsonArrayBuilder ipv6 = this.json.createArrayBuilder();
        for (Node node : nodes) {
            (node.ip().contains(":") ? ipv6 : ipv4).add(this.node(node));
        }
        JsonArrayBuilder smpp = this.json.createArrayBuilder();
        List.copyOf(this.smppRemoteServers.get()).forEach(smpp::add);
        JsonObject info = this.json.createObjectBuilder()
                .add("nodesIPv4", ipv4)
                .add("nodesIPv6", ipv6)
                .add("smppRemoteServers", smpp)
                .build();
        return this.json.createObjectBuilder().add("Nodes info", info).build();
    }

    private JsonObjectBuilder node(Node node) {
        JsonObjectBuilder properties = this.json.createObjectBuilder();
        node.properties().forEach(properties::add);
        return this.json.createObjectBuilder()
                .add("hostName", node.hostName())
                .add("ip", node.ip())
                .add("timeStamp", node.lastSeen())
                .add("properties", properties)
                .add("gracefulShutdown", node.state() == NodeState.DRAINING || node.state() == NodeState.DISABLED)
                .add("bad", node.state() == NodeState.BAD)
                .add("state", node.state().displayName());
    }
}

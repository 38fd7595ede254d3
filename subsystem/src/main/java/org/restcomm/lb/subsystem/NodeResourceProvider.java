package org.restcomm.lb.subsystem;

import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.registry.PlaceholderResource;
import org.jboss.as.controller.registry.Resource;
import org.restcomm.lb.node.Node;
import org.wildfly.subsystem.resource.ChildResourceProvider;

/** Lists the registry's live nodes as {@code node=<name>} children; they exist only while registered. */
final class NodeResourceProvider implements ChildResourceProvider {

    private final LoadBalancerRuntimeExecutor executor;

    NodeResourceProvider(LoadBalancerRuntimeExecutor executor) {
        this.executor = executor;
    }

    @Override
    public Resource getChild(String name) {
        return this.getChildren().contains(name) ? PlaceholderResource.INSTANCE : null;
    }

    @Override
    public Set<String> getChildren() {
        try {
            Set<String> names = this.executor.execute(runtime -> runtime.registry().nodes().stream().map(Node::name).collect(Collectors.toUnmodifiableSet()));
            return (names != null) ? names : Set.of();
        } catch (OperationFailedException e) {
            return Set.of();
        }
    }
}

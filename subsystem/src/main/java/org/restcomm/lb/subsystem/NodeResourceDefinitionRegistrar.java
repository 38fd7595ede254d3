package org.restcomm.lb.subsystem;

import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.restcomm.lb.node.Node;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.executor.MetricOperationStepHandler;
import org.wildfly.subsystem.resource.executor.RuntimeOperationStepHandler;

/** Registers the runtime-only {@code node=<ip>:<port>} resources, one per registered node, with drain/disable/enable. */
class NodeResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar {

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("node"));
    static final ResourceDescriptionResolver RESOLVER = LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    private final NodeExecutor executor;

    NodeResourceDefinitionRegistrar(LoadBalancerRuntimeExecutor runtimes) {
        this.executor = new NodeExecutor(runtimes);
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).asRuntime().build());
        MetricOperationStepHandler<Node> attributes = new MetricOperationStepHandler<>(this.executor, NodeAttribute.class);
        for (NodeAttribute attribute : NodeAttribute.values()) {
            // descriptive values, not metrics: Prometheus should not export them
            registration.registerReadOnlyAttribute(attribute.get(), attributes);
        }
        new RuntimeOperationStepHandler<>(this.executor, NodeOperation.class).register(registration);
        return registration;
    }
}

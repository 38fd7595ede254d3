package org.restcomm.lb.subsystem;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.AttributeMarshaller;
import org.jboss.as.controller.AttributeParser;
import org.jboss.as.controller.ModelControllerClientFactory;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.SubsystemRegistration;
import org.jboss.as.controller.SubsystemResourceRegistration;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.descriptions.ParentResourceDescriptionResolver;
import org.jboss.as.controller.descriptions.SubsystemResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.server.suspend.SuspendableActivityRegistry;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.node.HeartbeatAdmission;
import org.restcomm.lb.node.RampUp;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.subsystem.resource.DynamicResource;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.SubsystemResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.capability.ResourceCapabilityReference;
import org.wildfly.subsystem.resource.executor.MetricOperationStepHandler;
import org.wildfly.subsystem.resource.executor.RuntimeOperationStepHandler;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;
import org.wildfly.subsystem.service.capture.ServiceValueExecutorRegistry;
import org.xnio.XnioWorker;

/** Registers {@code /subsystem=load-balancer}: balancer-wide settings, its children, metrics and the running balancer. */
class LoadBalancerSubsystemResourceDefinitionRegistrar implements SubsystemResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final SubsystemResourceRegistration REGISTRATION = SubsystemResourceRegistration.of("load-balancer");
    static final ParentResourceDescriptionResolver RESOLVER = new SubsystemResourceDescriptionResolver(REGISTRATION.getName(), LoadBalancerSubsystemResourceDefinitionRegistrar.class);

    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(LoadBalancerRuntime.SERVICE_DESCRIPTOR)
            .addRequirements(ModelControllerClientFactory.SERVICE_DESCRIPTOR, SuspendableActivityRegistry.SERVICE_DESCRIPTOR)
            .build();

    static final SimpleAttributeDefinition NODE_TIMEOUT = new SimpleAttributeDefinitionBuilder("node-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(8400L))
            .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
            .setValidator(new LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition HEARTBEAT_INTERVAL = new SimpleAttributeDefinitionBuilder("heartbeat-interval", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(150L))
            .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
            .setValidator(new LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final StringListAttributeDefinition EXTRA_SERVER_NODES = hostsAndPorts("extra-server-nodes");

    /** Since 1.3: nodes that never heartbeat and never expire; what extra-server-nodes did before 1.3. */
    static final StringListAttributeDefinition STATIC_NODES = hostsAndPorts("static-nodes");

    /** Since 1.3: the original's trafficRampupCyclePeriod; 0, a node that joins gets its full share at once. */
    static final SimpleAttributeDefinition RAMP_UP_PERIOD = new SimpleAttributeDefinitionBuilder("ramp-up-period", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(0L))
            .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
            .setValidator(new LongRangeValidator(0L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's trafficPercentageIncrease. */
    static final SimpleAttributeDefinition RAMP_UP_INCREASE = new SimpleAttributeDefinitionBuilder("ramp-up-increase", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(10))
            .setMeasurementUnit(MeasurementUnit.PERCENTAGE)
            .setValidator(new IntRangeValidator(1, 100, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition STATISTICS_ENABLED = new SimpleAttributeDefinitionBuilder("statistics-enabled", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.TRUE)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.1: a start for a new node beyond this many registered ones is refused. */
    static final SimpleAttributeDefinition MAX_NODES = new SimpleAttributeDefinitionBuilder("max-nodes", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(HeartbeatAdmission.DEFAULT_MAX_NODES))
            .setValidator(new IntRangeValidator(1, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.1: starts that add or replace a node, per source address and second. */
    static final SimpleAttributeDefinition HEARTBEAT_RATE_LIMIT = new SimpleAttributeDefinitionBuilder("heartbeat-rate-limit", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(HeartbeatAdmission.DEFAULT_STARTS_PER_SECOND))
            .setMeasurementUnit(MeasurementUnit.PER_SECOND)
            .setValidator(new IntRangeValidator(1, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the Elytron security-domain that checks the admin endpoints' credentials. */
    static final CapabilityReferenceAttributeDefinition<SecurityDomain> ADMIN_SECURITY_DOMAIN = SecurityDomainReference.attribute("admin-security-domain", CAPABILITY);

    /** Since 1.3: the original's /lbstop and /lbloglevel on the statistics port; they change the server, so off by default. */
    static final SimpleAttributeDefinition ADMIN_ENDPOINTS = new SimpleAttributeDefinitionBuilder("admin-endpoints", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setRequires(ADMIN_SECURITY_DOMAIN.getName())
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: how long /lbstop lets the work under way finish before the server stops; the original's shutdownTimeout. */
    static final SimpleAttributeDefinition STOP_TIMEOUT = new SimpleAttributeDefinitionBuilder("stop-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(10_000L))
            .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
            .setValidator(new LongRangeValidator(0L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> STATISTICS_SOCKET_BINDING = SocketBindingReference.attribute("statistics-socket-binding", CAPABILITY);

    static final CapabilityReferenceAttributeDefinition<XnioWorker> WORKER = WorkerReference.attribute(CAPABILITY);

    static final List<AttributeDefinition> ATTRIBUTES = List.of(NODE_TIMEOUT, HEARTBEAT_INTERVAL, EXTRA_SERVER_NODES, STATISTICS_ENABLED, STATISTICS_SOCKET_BINDING, WORKER,
            MAX_NODES, HEARTBEAT_RATE_LIMIT, STATIC_NODES, RAMP_UP_PERIOD, RAMP_UP_INCREASE, ADMIN_ENDPOINTS, ADMIN_SECURITY_DOMAIN, STOP_TIMEOUT);

    /** How each live attribute reaches the running balancer, from the root resource's settings with the new value. */
    private static final Map<AttributeDefinition, BiConsumer<LoadBalancerRuntime, LoadBalancerRuntime.Settings>> LIVE_ATTRIBUTES = Map.ofEntries(
            Map.entry(NODE_TIMEOUT, (runtime, settings) -> runtime.setNodeTimeout(settings.nodeTimeoutMillis())),
            Map.entry(HEARTBEAT_INTERVAL, (runtime, settings) -> runtime.setHeartbeatInterval(settings.heartbeatIntervalMillis())),
            Map.entry(EXTRA_SERVER_NODES, (runtime, settings) -> runtime.setExtraServerNodes(settings.extraServerNodes())),
            Map.entry(STATIC_NODES, (runtime, settings) -> runtime.setStaticNodes(settings.staticNodes())),
            Map.entry(STATISTICS_ENABLED, (runtime, settings) -> runtime.setStatisticsEnabled(settings.statisticsEnabled())),
            Map.entry(MAX_NODES, (runtime, settings) -> runtime.setMaxNodes(settings.maxNodes())),
            Map.entry(HEARTBEAT_RATE_LIMIT, (runtime, settings) -> runtime.setHeartbeatRateLimit(settings.heartbeatRateLimit())),
            Map.entry(RAMP_UP_PERIOD, (runtime, settings) -> runtime.setRampUp(settings.rampUp())),
            Map.entry(RAMP_UP_INCREASE, (runtime, settings) -> runtime.setRampUp(settings.rampUp())),
            Map.entry(ADMIN_ENDPOINTS, (runtime, settings) -> runtime.admin().setEnabled(settings.adminEndpoints())),
            Map.entry(STOP_TIMEOUT, (runtime, settings) -> runtime.admin().setStopTimeoutMillis(settings.stopTimeoutMillis())));

    private final ServiceValueExecutorRegistry<LoadBalancerRuntime> runtimes = ServiceValueExecutorRegistry.newInstance();

    @Override
    public ManagementResourceRegistration register(SubsystemRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubsystemModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        LoadBalancerRuntimeExecutor executor = new LoadBalancerRuntimeExecutor(this.runtimes);
        NodeResourceProvider nodes = new NodeResourceProvider(executor);
        ResourceDescriptor.Builder descriptor = ResourceDescriptor.builder(RESOLVER)
                .addCapability(CAPABILITY)
                .addResourceCapabilityReference(WorkerReference.defaultWorker(CAPABILITY))
                .withRuntimeHandler(ResourceOperationRuntimeHandler.configureService(this))
                .withResourceTransformation(resource -> new DynamicResource(resource, Map.of(NodeResourceDefinitionRegistrar.REGISTRATION.getPathElement().getKey(), nodes)));
        for (AttributeDefinition attribute : ATTRIBUTES) {
            BiConsumer<LoadBalancerRuntime, LoadBalancerRuntime.Settings> apply = LIVE_ATTRIBUTES.get(attribute);
            if (apply != null) {
                descriptor.addAttribute(attribute, new LiveWriteAttributeHandler(attribute, (operationContext, model) -> {
                    LoadBalancerRuntime.Settings settings = settings(operationContext, model);
                    executor.execute(runtime -> {
                        apply.accept(runtime, settings);
                        return null;
                    });
                }));
            } else {
                descriptor.addAttributes(List.of(attribute));
            }
        }
        ManagementResourceRegistrar.of(descriptor.build()).register(registration);

        new MetricOperationStepHandler<>(executor, LoadBalancerMetric.class).register(registration);
        MetricOperationStepHandler<LoadBalancerRuntime> runtimeAttributes = new MetricOperationStepHandler<>(executor, LoadBalancerRuntimeAttribute.class);
        for (LoadBalancerRuntimeAttribute attribute : LoadBalancerRuntimeAttribute.values()) {
            registration.registerReadOnlyAttribute(attribute.get(), runtimeAttributes);
        }
        new RuntimeOperationStepHandler<>(executor, LoadBalancerOperation.class).register(registration);

        new HttpHeartbeatResourceDefinitionRegistrar(executor).register(registration, context);
        new RmiHeartbeatResourceDefinitionRegistrar(executor).register(registration, context);
        new NodeResourceDefinitionRegistrar(executor).register(registration, context);
        new SipResourceDefinitionRegistrar(executor).register(registration, context);
        new HttpResourceDefinitionRegistrar(executor).register(registration, context);
        new SmppResourceDefinitionRegistrar(executor).register(registration, context);
        for (AlgorithmResourceDefinitionRegistrar algorithm : AlgorithmResourceDefinitionRegistrar.all(executor)) {
            algorithm.register(registration, context);
        }
        return registration;
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        LoadBalancerRuntime.Settings settings = settings(context, model);
        ServiceDependency<SocketBinding> statisticsBinding = STATISTICS_SOCKET_BINDING.resolve(context, model);
        ServiceDependency<XnioWorker> worker = WorkerReference.resolve(WORKER, context, model);
        ServiceDependency<SecurityDomain> adminDomain = ADMIN_SECURITY_DOMAIN.resolve(context, model);
        // the MBean writes through the management model
        ServiceDependency<ModelControllerClientFactory> clients = ServiceDependency.on(ModelControllerClientFactory.SERVICE_DESCRIPTOR);
        ServiceDependency<SuspendableActivityRegistry> suspendController = ServiceDependency.on(SuspendableActivityRegistry.SERVICE_DESCRIPTOR);
        ResourceServiceInstaller balancer = CapabilityServiceInstaller.builder(CAPABILITY, () -> new LoadBalancerRuntime(settings, statisticsBinding.get(), worker.get(),
                        new ManagementModel(clients.get(), worker.get()), SecurityDomainReference.credentials(adminDomain.get()), suspendController.get()))
                .requires(List.of(statisticsBinding, worker, clients, suspendController, adminDomain))
                .onStart(LoadBalancerRuntime::start)
                .onStop(LoadBalancerRuntime::stop)
                // nothing asks for the balancer: it must start with the server
                .startWhen(StartWhen.INSTALLED)
                .build();
        ResourceServiceInstaller capture = this.runtimes.capture(ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR));
        return ResourceServiceInstaller.combine(balancer, capture);
    }

    /** A live, space-separated list of host, host:port or [IPv6]:port. */
    private static StringListAttributeDefinition hostsAndPorts(String name) {
        return new StringListAttributeDefinition.Builder(name)
                .setRequired(false)
                .setAllowExpression(true)
                .setElementValidator(new HostAndPortValidator())
                .setAttributeParser(AttributeParser.STRING_LIST)
                .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
                .setFlags(AttributeAccess.Flag.RESTART_NONE)
                .build();
    }

    /** The root resource's settings the running balancer takes, resolved from its model. */
    private static LoadBalancerRuntime.Settings settings(OperationContext context, ModelNode model) throws OperationFailedException {
        return new LoadBalancerRuntime.Settings(
                NODE_TIMEOUT.resolveModelAttribute(context, model).asLong(),
                HEARTBEAT_INTERVAL.resolveModelAttribute(context, model).asLong(),
                stringList(EXTRA_SERVER_NODES.resolveModelAttribute(context, model)),
                stringList(STATIC_NODES.resolveModelAttribute(context, model)),
                STATISTICS_ENABLED.resolveModelAttribute(context, model).asBoolean(),
                MAX_NODES.resolveModelAttribute(context, model).asInt(),
                HEARTBEAT_RATE_LIMIT.resolveModelAttribute(context, model).asInt(),
                new RampUp(RAMP_UP_PERIOD.resolveModelAttribute(context, model).asLong(), RAMP_UP_INCREASE.resolveModelAttribute(context, model).asInt()),
                ADMIN_ENDPOINTS.resolveModelAttribute(context, model).asBoolean(),
                STOP_TIMEOUT.resolveModelAttribute(context, model).asLong());
    }

    static List<String> stringList(ModelNode list) {
        return list.isDefined() ? list.asList().stream().map(ModelNode::asString).toList() : List.of();
    }
}

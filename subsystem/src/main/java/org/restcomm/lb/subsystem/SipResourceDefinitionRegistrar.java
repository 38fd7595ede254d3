package org.restcomm.lb.subsystem;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.sip.SipException;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.AttributeMarshaller;
import org.jboss.as.controller.AttributeParser;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathAddress;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.PropertiesAttributeDefinition;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.descriptions.ParentResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.StringAllowedValuesValidator;
import org.jboss.as.controller.operations.validation.StringLengthValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.controller.registry.Resource;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.jboss.dmr.Property;
import org.restcomm.lb.node.Cidr;
import org.restcomm.lb.node.HeartbeatAdmission;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.sip.Side;
import org.restcomm.lb.sip.SipBalancer;
import org.restcomm.lb.sip.SipBalancerSettings;
import org.restcomm.lb.sip.SipRouting;
import org.restcomm.lb.sip.Transport;
import org.restcomm.lb.sip.SipListenerSettings;
import org.restcomm.lb.sip.Transport;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;

/** Registers {@code sip=default}: the SIP engine's behaviour; its {@code listener=*} children are its sockets. */
class SipResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("sip", "default"));
    static final ParentResourceDescriptionResolver RESOLVER = LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    static final NullaryServiceDescriptor<SipBalancer> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.sip", SipBalancer.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final SimpleAttributeDefinition SEND_TRYING = new SimpleAttributeDefinitionBuilder("send-trying", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.TRUE)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition NO_NODE_STATUS = new SimpleAttributeDefinitionBuilder("no-node-status", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(503))
            .setValidator(new IntRangeValidator(400, 699, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition NO_NODE_REASON = new SimpleAttributeDefinitionBuilder("no-node-reason", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode("Service Unavailable"))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final StringListAttributeDefinition BLOCKED_USER_AGENTS = new StringListAttributeDefinition.Builder("blocked-user-agents")
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(defaultBlockedUserAgents())
            .setAttributeParser(AttributeParser.STRING_LIST)
            .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final StringListAttributeDefinition BAD_NODE_STATUS_CODES = new StringListAttributeDefinition.Builder("bad-node-status-codes")
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode().add("503"))
            .setElementValidator(new IntRangeValidator(300, 699, false, true))
            .setAttributeParser(AttributeParser.STRING_LIST)
            .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition BAD_NODE_MAX_ERRORS = new SimpleAttributeDefinitionBuilder("bad-node-max-errors", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(5))
            .setValidator(new IntRangeValidator(0, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition BAD_NODE_ERROR_WINDOW = new SimpleAttributeDefinitionBuilder("bad-node-error-window", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(300L))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.SECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's maxRequestNumberWithoutResponse; undefined, unanswered requests are not judged. */
    static final SimpleAttributeDefinition BAD_NODE_UNANSWERED_REQUESTS = new SimpleAttributeDefinitionBuilder("bad-node-unanswered-requests", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new IntRangeValidator(1, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's maxResponseTime. */
    static final SimpleAttributeDefinition BAD_NODE_RESPONSE_TIME = new SimpleAttributeDefinitionBuilder("bad-node-response-time", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(0L))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.MILLISECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(0L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's internalTransport; undefined, a request reaches the node over the client's transport. */
    static final SimpleAttributeDefinition INTERNAL_TRANSPORT = new SimpleAttributeDefinitionBuilder("internal-transport", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new StringAllowedValuesValidator("udp", "tcp", "tls", "ws", "wss"))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's matchingHostnameForRoute. */
    static final SimpleAttributeDefinition ROUTE_HOSTNAME = new SimpleAttributeDefinitionBuilder("route-hostname", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new StringLengthValidator(1, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's isFilterSubdomain. */
    static final SimpleAttributeDefinition ROUTE_HOSTNAME_SUBDOMAINS = new SimpleAttributeDefinitionBuilder("route-hostname-subdomains", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's publicIp. */
    static final SimpleAttributeDefinition PUBLIC_ADDRESS = new SimpleAttributeDefinitionBuilder("public-address", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new IpAddressValidator())
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's publicIpv6. */
    static final SimpleAttributeDefinition PUBLIC_ADDRESS_V6 = new SimpleAttributeDefinitionBuilder("public-address-v6", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new IpAddressValidator())
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.3: the original's routingRulesIpv4 and routingRulesIpv6 (their patch=false rules). */
    static final StringListAttributeDefinition PUBLIC_ADDRESS_RULES = new StringListAttributeDefinition.Builder("public-address-rules")
            .setRequired(false)
            .setAllowExpression(true)
            .setElementValidator(new RegexValidator())
            .setAttributeParser(AttributeParser.STRING_LIST)
            .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition SEND_FAILURE_STATUS = new SimpleAttributeDefinitionBuilder("send-failure-status", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new IntRangeValidator(500, 599, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition SEND_FAILURE_REASON = new SimpleAttributeDefinitionBuilder("send-failure-reason", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final PropertiesAttributeDefinition STACK_PROPERTIES = new PropertiesAttributeDefinition.Builder("stack-properties", true)
            .setAllowExpression(true)
            .setAttributeParser(org.jboss.as.controller.AttributeParsers.PROPERTIES_UNWRAPPED)
            .setAttributeMarshaller(org.jboss.as.controller.AttributeMarshallers.PROPERTIES_UNWRAPPED)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** The original's useIpLoadBalancerAddressInViaHeaders: Vias carry the listeners' ip-load-balancer-address too. */
    static final SimpleAttributeDefinition IP_LOAD_BALANCER_ADDRESS_IN_VIA = new SimpleAttributeDefinitionBuilder("ip-load-balancer-address-in-via", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Since 1.1: who may send SIP OPTIONS/INFO heartbeats to the internal listeners; applies live. */
    static final StringListAttributeDefinition HEARTBEAT_ALLOWED_SOURCES = AllowedSourcesAttribute.attribute("heartbeat-allowed-sources");

    /** Since 1.1: a stream connection that carries nothing (and holds no live registration) this long is closed. */
    static final SimpleAttributeDefinition CONNECTION_IDLE_TIMEOUT = new SimpleAttributeDefinitionBuilder("connection-idle-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(600L))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.SECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Since 1.1: a stream connection that sends no whole message this long after it opened is closed (slowloris). */
    static final SimpleAttributeDefinition FIRST_MESSAGE_TIMEOUT = new SimpleAttributeDefinitionBuilder("first-message-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(10_000L))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.MILLISECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(100L, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Since 1.1: bytes a TCP or WebSocket peer may leave unread before it is cut off. */
    static final SimpleAttributeDefinition MAX_QUEUED_BYTES = new SimpleAttributeDefinitionBuilder("max-queued-bytes", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipBalancerSettings.StreamConnections.DEFAULT.maxQueuedBytes()))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.BYTES)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(1024L, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Since 1.1: how long a TCP or WebSocket peer may take none of the bytes waiting for it before it is cut off. */
    static final SimpleAttributeDefinition WRITE_STALL_TIMEOUT = new SimpleAttributeDefinitionBuilder("write-stall-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipBalancerSettings.StreamConnections.DEFAULT.writeStallTimeoutMillis()))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.MILLISECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Since 1.1: an INVITE without any answer from its node within this time counts towards unreachable. */
    static final SimpleAttributeDefinition NODE_RESPONSE_TIMEOUT = new SimpleAttributeDefinitionBuilder("node-response-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipBalancerSettings.Reachability.DEFAULT.responseTimeoutMillis()))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.MILLISECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.1: Kamailio's ds_ping_interval; undefined sends no probes. */
    static final SimpleAttributeDefinition PROBE_INTERVAL = new SimpleAttributeDefinitionBuilder("probe-interval", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.SECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(1L, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.1: Kamailio's ds_probing_threshold. */
    static final SimpleAttributeDefinition PROBE_FAILURES = new SimpleAttributeDefinitionBuilder("probe-failures", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipBalancerSettings.Reachability.DEFAULT.probeFailures()))
            .setValidator(new IntRangeValidator(1, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.2: the original's terminateTLSTraffic: requests from TLS/WSS clients go to the nodes over TCP/WS (or UDP); live. */
    static final SimpleAttributeDefinition TERMINATE_TLS = new SimpleAttributeDefinitionBuilder("terminate-tls", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    /** Since 1.2: the Elytron client-ssl-context that verifies the nodes' certificates (and any certificate the balancer connects to) over TLS and WSS. */
    static final CapabilityReferenceAttributeDefinition<SSLContext> BACKEND_SSL_CONTEXT = SslContextReference.attribute("backend-ssl-context", CAPABILITY);

    /** Since 1.2: a TLS or WSS connection whose handshake has not finished this long after it opened is closed and counted. */
    static final SimpleAttributeDefinition HANDSHAKE_TIMEOUT = new SimpleAttributeDefinitionBuilder("handshake-timeout", ModelType.LONG)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(SipBalancerSettings.Tls.DEFAULT.handshakeTimeoutMillis()))
            .setMeasurementUnit(org.jboss.as.controller.client.helpers.MeasurementUnit.MILLISECONDS)
            .setValidator(new org.jboss.as.controller.operations.validation.LongRangeValidator(100L, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /** Behaviour that applies to the next message; listeners, addresses and stack properties restart the engine. */
    static final List<AttributeDefinition> LIVE_ATTRIBUTES = List.of(SEND_TRYING, NO_NODE_STATUS, NO_NODE_REASON, BLOCKED_USER_AGENTS,
            BAD_NODE_STATUS_CODES, BAD_NODE_MAX_ERRORS, BAD_NODE_ERROR_WINDOW, SEND_FAILURE_STATUS, SEND_FAILURE_REASON,
            NODE_RESPONSE_TIMEOUT, PROBE_INTERVAL, PROBE_FAILURES, TERMINATE_TLS, BAD_NODE_UNANSWERED_REQUESTS, BAD_NODE_RESPONSE_TIME,
            INTERNAL_TRANSPORT, ROUTE_HOSTNAME, ROUTE_HOSTNAME_SUBDOMAINS, PUBLIC_ADDRESS, PUBLIC_ADDRESS_V6, PUBLIC_ADDRESS_RULES);

    /** XML attributes of {@code <sip>}; stack-properties are {@code <property>} children. */
    static final List<AttributeDefinition> ATTRIBUTES = java.util.stream.Stream.concat(LIVE_ATTRIBUTES.stream(),
            java.util.stream.Stream.of(IP_LOAD_BALANCER_ADDRESS_IN_VIA, HEARTBEAT_ALLOWED_SOURCES, CONNECTION_IDLE_TIMEOUT, FIRST_MESSAGE_TIMEOUT,
            MAX_QUEUED_BYTES, WRITE_STALL_TIMEOUT, BACKEND_SSL_CONTEXT, HANDSHAKE_TIMEOUT)).toList();

    private final ResourceOperationRuntimeHandler runtimeHandler = ResourceOperationRuntimeHandler.configureService(this);
    private final LoadBalancerRuntimeExecutor runtimes;

    SipResourceDefinitionRegistrar(LoadBalancerRuntimeExecutor runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        ResourceDescriptor.Builder descriptor = ResourceDescriptor.builder(RESOLVER)
                .addCapability(CAPABILITY)
                .withRuntimeHandler(this.runtimeHandler);
        // both restart the SIP engine: in one batch, once and without a reload
        RestartOnceWriteAttributeHandler restart = new RestartOnceWriteAttributeHandler(this.runtimeHandler);
        descriptor.addAttribute(STACK_PROPERTIES, restart).addAttribute(IP_LOAD_BALANCER_ADDRESS_IN_VIA, restart)
                .addAttribute(CONNECTION_IDLE_TIMEOUT, restart).addAttribute(FIRST_MESSAGE_TIMEOUT, restart)
                .addAttribute(MAX_QUEUED_BYTES, restart).addAttribute(WRITE_STALL_TIMEOUT, restart)
                .addAttribute(BACKEND_SSL_CONTEXT, restart).addAttribute(HANDSHAKE_TIMEOUT, restart);
        for (AttributeDefinition attribute : LIVE_ATTRIBUTES) {
            descriptor.addAttribute(attribute, new LiveWriteAttributeHandler(attribute, this::reconfigure));
        }
        // admission belongs to the heartbeat protocol, not to the engine's settings
        descriptor.addAttribute(HEARTBEAT_ALLOWED_SOURCES, new LiveWriteAttributeHandler(HEARTBEAT_ALLOWED_SOURCES, this::applyHeartbeatAllowedSources));
        ManagementResourceRegistrar.of(descriptor.build()).register(registration);
        new SipListenerResourceDefinitionRegistrar(this.runtimeHandler).register(registration, context);
        return registration;
    }

    private void applyHeartbeatAllowedSources(OperationContext context, ModelNode model) throws OperationFailedException {
        List<Cidr> networks = AllowedSourcesAttribute.resolve(HEARTBEAT_ALLOWED_SOURCES, context, model);
        this.runtimes.execute(runtime -> {
            runtime.heartbeatAdmission().setAllowedSources(NodeSource.SIP, networks);
            return null;
        });
    }

    /** Recomputes the behaviour from the model and hands it to the running engine. */
    private void reconfigure(OperationContext context, ModelNode model) throws OperationFailedException {
        SipBalancerSettings behaviour = settings(context, model, List.of());
        this.runtimes.execute(runtime -> {
            runtime.reconfigureSip(behaviour);
            return null;
        });
    }

    /** The engine's settings from the model, with the given listeners. */
    private static SipBalancerSettings settings(OperationContext context, ModelNode model, List<SipListenerSettings> listeners) throws OperationFailedException {
        SipBalancerSettings.BadNodeDetection badNodeDetection = new SipBalancerSettings.BadNodeDetection(
                LoadBalancerSubsystemResourceDefinitionRegistrar.stringList(BAD_NODE_STATUS_CODES.resolveModelAttribute(context, model)).stream()
                        .map(Integer::valueOf).collect(java.util.stream.Collectors.toSet()),
                BAD_NODE_MAX_ERRORS.resolveModelAttribute(context, model).asInt(),
                java.util.concurrent.TimeUnit.SECONDS.toMillis(BAD_NODE_ERROR_WINDOW.resolveModelAttribute(context, model).asLong()))
                .withUnansweredRequests(BAD_NODE_UNANSWERED_REQUESTS.resolveModelAttribute(context, model).asInt(0),
                        BAD_NODE_RESPONSE_TIME.resolveModelAttribute(context, model).asLong());
        Map<String, String> stackProperties = new HashMap<>();
        ModelNode properties = STACK_PROPERTIES.resolveModelAttribute(context, model);
        if (properties.isDefined()) {
            for (Property property : properties.asPropertyList()) {
                stackProperties.put(property.getName(), property.getValue().asString());
            }
        }
        return new SipBalancerSettings(listeners,
                SEND_TRYING.resolveModelAttribute(context, model).asBoolean(),
                NO_NODE_STATUS.resolveModelAttribute(context, model).asInt(),
                NO_NODE_REASON.resolveModelAttribute(context, model).asString(),
                LoadBalancerSubsystemResourceDefinitionRegistrar.stringList(BLOCKED_USER_AGENTS.resolveModelAttribute(context, model)),
                stackProperties, badNodeDetection, failureAnswer(context, model), new SipBalancerSettings.StreamConnections(
                        java.util.concurrent.TimeUnit.SECONDS.toMillis(CONNECTION_IDLE_TIMEOUT.resolveModelAttribute(context, model).asLong()),
                        FIRST_MESSAGE_TIMEOUT.resolveModelAttribute(context, model).asLong(),
                        SipBalancerSettings.StreamConnections.DEFAULT.acceptBacklog(),
                        MAX_QUEUED_BYTES.resolveModelAttribute(context, model).asLong(),
                        WRITE_STALL_TIMEOUT.resolveModelAttribute(context, model).asLong()), reachability(context, model),
                // the backend context is a service: configure() adds it once it is up
                new SipBalancerSettings.Tls(TERMINATE_TLS.resolveModelAttribute(context, model).asBoolean(), null,
                        HANDSHAKE_TIMEOUT.resolveModelAttribute(context, model).asLong()), routing(context, model));
    }

    private static SipRouting routing(OperationContext context, ModelNode model) throws OperationFailedException {
        ModelNode internalTransport = INTERNAL_TRANSPORT.resolveModelAttribute(context, model);
        ModelNode routeHostname = ROUTE_HOSTNAME.resolveModelAttribute(context, model);
        ModelNode publicAddress = PUBLIC_ADDRESS.resolveModelAttribute(context, model);
        ModelNode publicAddressV6 = PUBLIC_ADDRESS_V6.resolveModelAttribute(context, model);
        return new SipRouting(internalTransport.isDefined() ? Transport.require(internalTransport.asString()) : null,
                routeHostname.isDefined() ? routeHostname.asString() : null,
                ROUTE_HOSTNAME_SUBDOMAINS.resolveModelAttribute(context, model).asBoolean(),
                publicAddress.isDefined() ? publicAddress.asString() : null,
                publicAddressV6.isDefined() ? publicAddressV6.asString() : null,
                LoadBalancerSubsystemResourceDefinitionRegistrar.stringList(PUBLIC_ADDRESS_RULES.resolveModelAttribute(context, model)).stream()
                        .map(java.util.regex.Pattern::compile).toList());
    }

    private static SipBalancerSettings.Reachability reachability(OperationContext context, ModelNode model) throws OperationFailedException {
        ModelNode probeInterval = PROBE_INTERVAL.resolveModelAttribute(context, model);
        return new SipBalancerSettings.Reachability(NODE_RESPONSE_TIMEOUT.resolveModelAttribute(context, model).asLong(),
                SipBalancerSettings.Reachability.UNANSWERED_INVITES,
                probeInterval.isDefined() ? java.util.concurrent.TimeUnit.SECONDS.toMillis(probeInterval.asLong()) : 0,
                PROBE_FAILURES.resolveModelAttribute(context, model).asInt());
    }

    private static SipBalancerSettings.FailureAnswer failureAnswer(OperationContext context, ModelNode model) throws OperationFailedException {
        ModelNode status = SEND_FAILURE_STATUS.resolveModelAttribute(context, model);
        ModelNode reason = SEND_FAILURE_REASON.resolveModelAttribute(context, model);
        return status.isDefined() ? new SipBalancerSettings.FailureAnswer(status.asInt(), reason.isDefined() ? reason.asString() : null) : SipBalancerSettings.FailureAnswer.NONE;
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        SipBalancerSettings behaviour = settings(context, model, List.of());
        boolean advertisedInVia = IP_LOAD_BALANCER_ADDRESS_IN_VIA.resolveModelAttribute(context, model).asBoolean();
        List<Cidr> heartbeatAllowedSources = AllowedSourcesAttribute.resolve(HEARTBEAT_ALLOWED_SOURCES, context, model);
        List<ListenerModel> listeners = new ArrayList<>();
        List<ServiceDependency<?>> dependencies = new ArrayList<>();
        ServiceDependency<SSLContext> backendSslContext = BACKEND_SSL_CONTEXT.resolve(context, model);
        dependencies.add(backendSslContext);
        Resource resource = context.readResource(PathAddress.EMPTY_ADDRESS);
        for (Resource.ResourceEntry entry : resource.getChildren(SipListenerResourceDefinitionRegistrar.REGISTRATION.getPathElement().getKey())) {
            ModelNode listener = entry.getModel();
            ServiceDependency<SocketBinding> binding = SipListenerResourceDefinitionRegistrar.SOCKET_BINDING.resolve(context, listener);
            ServiceDependency<SSLContext> sslContext = SipListenerResourceDefinitionRegistrar.SSL_CONTEXT.resolve(context, listener);
            ModelNode ipLoadBalancerAddress = SipListenerResourceDefinitionRegistrar.IP_LOAD_BALANCER_ADDRESS.resolveModelAttribute(context, listener);
            ModelNode ipLoadBalancerPort = SipListenerResourceDefinitionRegistrar.IP_LOAD_BALANCER_PORT.resolveModelAttribute(context, listener);
            listeners.add(new ListenerModel(
                    Side.valueOf(SipListenerResourceDefinitionRegistrar.SIDE.resolveModelAttribute(context, listener).asString().toUpperCase(Locale.ROOT)),
                    Transport.require(SipListenerResourceDefinitionRegistrar.TRANSPORT.resolveModelAttribute(context, listener).asString()),
                    binding, sslContext,
                    ipLoadBalancerAddress.isDefined() ? ipLoadBalancerAddress.asString() : null,
                    ipLoadBalancerPort.isDefined() ? ipLoadBalancerPort.asInt() : 0, advertisedInVia));
            dependencies.add(binding);
            dependencies.add(sslContext);
        }
        ServiceDependency<LoadBalancerRuntime> balancer = ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR);
        dependencies.add(balancer);
        return CapabilityServiceInstaller.builder(CAPABILITY, () -> {
                    LoadBalancerRuntime runtime = balancer.get();
                    SipBalancerSettings settings = behaviour.withListeners(listeners.stream().map(ListenerModel::settings).toList())
                            .withTls(new SipBalancerSettings.Tls(behaviour.tls().terminate(), backendSslContext.get(), behaviour.tls().handshakeTimeoutMillis()));
                    return new SipBalancer(settings, runtime.registry(), runtime::algorithm, runtime.heartbeatProtocol(), runtime.statistics().sip(), runtime.intake());
                })
                .requires(dependencies)
                .onStart(sip -> {
                    HeartbeatAdmission admission = balancer.get().heartbeatAdmission();
                    admission.setAllowedSources(NodeSource.SIP, heartbeatAllowedSources);
                    // a node at one of these would make every call loop through the balancer
                    admission.ownAddresses().set(sip, listeners.stream().map(ListenerModel::settings)
                            .flatMap(listener -> java.util.stream.Stream.of(listener.bind(), InetSocketAddress.createUnresolved(listener.advertisedHost(), listener.advertisedPort())))
                            .toList());
                    start(sip);
                    balancer.get().useSipBalancer(sip);
                })
                .onStop(sip -> {
                    balancer.get().heartbeatAdmission().ownAddresses().remove(sip);
                    balancer.get().releaseSipBalancer(sip);
                    sip.stop();
                })
                .startWhen(StartWhen.INSTALLED)
                .build();
    }

    private static void start(SipBalancer balancer) {
        try {
            // before the ports open: a failover to a fresh server must not meet a cold engine
            balancer.warmUp();
            balancer.start();
        } catch (SipException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static ModelNode defaultBlockedUserAgents() {
        ModelNode list = new ModelNode();
        SipBalancerSettings.DEFAULT_BLOCKED_USER_AGENTS.forEach(list::add);
        return list;
    }

    /** A listener as the model says it, resolved to an address once its socket-binding is up. */
    private record ListenerModel(Side side, Transport transport, ServiceDependency<SocketBinding> binding, ServiceDependency<SSLContext> sslContext,
            String advertisedHost, int advertisedPort, boolean advertisedInVia) {
        SipListenerSettings settings() {
            InetSocketAddress bind = this.binding.get().getSocketAddress();
            return new SipListenerSettings(this.side, this.transport, bind,
                    (this.advertisedHost != null) ? this.advertisedHost : bind.getAddress().getHostAddress(),
                    (this.advertisedPort > 0) ? this.advertisedPort : bind.getPort(), this.advertisedInVia, this.sslContext.get());
        }
    }
}

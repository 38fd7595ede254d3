package org.restcomm.lb.subsystem;

import java.util.List;

import javax.net.ssl.SSLContext;

import org.jboss.as.controller.AttributeDefinition;
import org.jboss.as.controller.AttributeMarshallers;
import org.jboss.as.controller.AttributeParsers;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.PathElement;
import org.jboss.as.controller.ResourceDefinition;
import org.jboss.as.controller.ResourceRegistration;
import org.jboss.as.controller.SimpleAttributeDefinition;
import org.jboss.as.controller.SimpleAttributeDefinitionBuilder;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.MeasurementUnit;
import org.jboss.as.controller.descriptions.ResourceDescriptionResolver;
import org.jboss.as.controller.operations.validation.IntRangeValidator;
import org.jboss.as.controller.operations.validation.LongRangeValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.as.controller.registry.ManagementResourceRegistration;
import org.jboss.as.network.SocketBinding;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.http.HttpBalancer;
import org.restcomm.lb.http.HttpBalancerSettings;
import org.restcomm.lb.http.HttpsListener;
import org.restcomm.lb.http.HttpsRedirectSettings;
import org.wildfly.service.Installer.StartWhen;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.wildfly.subsystem.resource.ChildResourceDefinitionRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrar;
import org.wildfly.subsystem.resource.ManagementResourceRegistrationContext;
import org.wildfly.subsystem.resource.ResourceDescriptor;
import org.wildfly.subsystem.resource.capability.CapabilityReference;
import org.wildfly.subsystem.resource.capability.CapabilityReferenceAttributeDefinition;
import org.wildfly.subsystem.resource.capability.ResourceCapabilityReference;
import org.wildfly.subsystem.resource.operation.ResourceOperationRuntimeHandler;
import org.wildfly.subsystem.service.ResourceServiceConfigurator;
import org.wildfly.subsystem.service.ResourceServiceInstaller;
import org.wildfly.subsystem.service.ServiceDependency;
import org.wildfly.subsystem.service.capability.CapabilityServiceInstaller;
import org.xnio.XnioWorker;

/**
 * Registers {@code http=default}: the HTTP/WebSocket engine, its listening sockets (HTTP, and HTTPS with an Elytron
 * ssl-context), its I/O worker and its connection pools, over TLS when a backend ssl-context is set.
 */
class HttpResourceDefinitionRegistrar implements ChildResourceDefinitionRegistrar, ResourceServiceConfigurator {

    static final ResourceRegistration REGISTRATION = ResourceRegistration.of(PathElement.pathElement("http", "default"));
    static final ResourceDescriptionResolver RESOLVER = LoadBalancerSubsystemResourceDefinitionRegistrar.RESOLVER.createChildResolver(REGISTRATION.getPathElement());

    static final NullaryServiceDescriptor<HttpBalancer> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb.http", HttpBalancer.class);
    static final RuntimeCapability<Void> CAPABILITY = RuntimeCapability.Builder.of(SERVICE_DESCRIPTOR).build();

    static final CapabilityReferenceAttributeDefinition<SocketBinding> SOCKET_BINDING = SocketBindingReference.attribute("socket-binding", CAPABILITY);

    // the HTTPS listener needs both; the model refuses one without the other
    static final CapabilityReferenceAttributeDefinition<SocketBinding> HTTPS_SOCKET_BINDING = SocketBindingReference.optionalAttribute("https-socket-binding",
            CAPABILITY, "ssl-context");
    static final CapabilityReferenceAttributeDefinition<SSLContext> SSL_CONTEXT = SslContextReference.attribute("ssl-context", CAPABILITY, "https-socket-binding");

    static final CapabilityReferenceAttributeDefinition<SSLContext> BACKEND_SSL_CONTEXT = SslContextReference.attribute("backend-ssl-context", CAPABILITY);

    static final CapabilityReferenceAttributeDefinition<XnioWorker> WORKER = WorkerReference.attribute(CAPABILITY);

    static final SimpleAttributeDefinition UNAVAILABLE_HOST = new SimpleAttributeDefinitionBuilder("unavailable-host", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new HostAndPortValidator())
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition MAX_REQUEST_SIZE = size("max-request-size");
    static final SimpleAttributeDefinition MAX_RESPONSE_SIZE = size("max-response-size");

    static final SimpleAttributeDefinition MAX_REQUEST_TIME = milliseconds("max-request-time", 0);

    static final SimpleAttributeDefinition NO_REQUEST_TIMEOUT = milliseconds("no-request-timeout", HttpBalancerSettings.DEFAULT_NO_REQUEST_TIMEOUT);
    static final SimpleAttributeDefinition REQUEST_PARSE_TIMEOUT = milliseconds("request-parse-timeout", HttpBalancerSettings.DEFAULT_REQUEST_PARSE_TIMEOUT);
    static final SimpleAttributeDefinition WRITE_STALL_TIMEOUT = milliseconds("write-stall-timeout", HttpBalancerSettings.DEFAULT_WRITE_STALL_TIMEOUT);

    static final SimpleAttributeDefinition FORWARDED_HEADERS = new SimpleAttributeDefinitionBuilder("forwarded-headers", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.TRUE)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition BAD_NODE_REQUEST_PATTERN = new SimpleAttributeDefinitionBuilder("bad-node-request-pattern", ModelType.STRING)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new RegexValidator())
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final SimpleAttributeDefinition HANDSHAKE_TIMEOUT = milliseconds("handshake-timeout", HttpBalancerSettings.DEFAULT_HANDSHAKE_TIMEOUT);

    // live: the next request on the plain listener sees the change; needs an HTTPS listener, which the model checks
    static final SimpleAttributeDefinition REDIRECT_TO_HTTPS = new SimpleAttributeDefinitionBuilder("redirect-to-https", ModelType.BOOLEAN)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(ModelNode.FALSE)
            .setRequires(HTTPS_SOCKET_BINDING.getName())
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition HTTPS_REDIRECT_PORT = new SimpleAttributeDefinitionBuilder("https-redirect-port", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setValidator(new IntRangeValidator(1, 65535, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_NONE)
            .build();

    static final SimpleAttributeDefinition CONNECTIONS_PER_THREAD = count("connections-per-thread", HttpBalancerSettings.DEFAULT_CONNECTIONS_PER_THREAD, 1);
    static final SimpleAttributeDefinition REQUEST_QUEUE_SIZE = count("request-queue-size", HttpBalancerSettings.DEFAULT_REQUEST_QUEUE_SIZE, 0);

    static final SimpleAttributeDefinition PROBLEM_SERVER_RETRY = new SimpleAttributeDefinitionBuilder("problem-server-retry", ModelType.INT)
            .setRequired(false)
            .setAllowExpression(true)
            .setDefaultValue(new ModelNode(HttpBalancerSettings.DEFAULT_PROBLEM_SERVER_RETRY))
            .setMeasurementUnit(MeasurementUnit.SECONDS)
            .setValidator(new IntRangeValidator(1, Integer.MAX_VALUE, true, true))
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    /**
     * Undertow predicate/handler expressions run before the proxy, in order; in XML one {@code <rewrite-rule name=".."/>}
     * each. No management expressions: Undertow's own {@code ${remaining}} and {@code ${1}} would be taken for them.
     */
    static final StringListAttributeDefinition REWRITE_RULES = new StringListAttributeDefinition.Builder("rewrite-rules")
            .setRequired(false)
            .setAllowExpression(false)
            .setXmlName("rewrite-rule")
            .setElementValidator(new RewriteRuleValidator())
            .setAttributeParser(AttributeParsers.STRING_LIST_NAMED_ELEMENT)
            .setAttributeMarshaller(AttributeMarshallers.STRING_LIST_NAMED_ELEMENT)
            .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
            .build();

    static final List<AttributeDefinition> ATTRIBUTES = List.of(SOCKET_BINDING, HTTPS_SOCKET_BINDING, SSL_CONTEXT, BACKEND_SSL_CONTEXT, WORKER,
            UNAVAILABLE_HOST, MAX_REQUEST_SIZE, MAX_RESPONSE_SIZE, MAX_REQUEST_TIME, NO_REQUEST_TIMEOUT, REQUEST_PARSE_TIMEOUT, FORWARDED_HEADERS,
            BAD_NODE_REQUEST_PATTERN, CONNECTIONS_PER_THREAD, REQUEST_QUEUE_SIZE, PROBLEM_SERVER_RETRY, WRITE_STALL_TIMEOUT, HANDSHAKE_TIMEOUT,
            REDIRECT_TO_HTTPS, HTTPS_REDIRECT_PORT);

    private final LoadBalancerRuntimeExecutor runtimes;

    HttpResourceDefinitionRegistrar(LoadBalancerRuntimeExecutor runtimes) {
        this.runtimes = runtimes;
    }

    /** A timeout in milliseconds; 0 for none. */
    private static SimpleAttributeDefinition milliseconds(String name, int defaultValue) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue))
                .setMeasurementUnit(MeasurementUnit.MILLISECONDS)
                .setValidator(new IntRangeValidator(0, Integer.MAX_VALUE, true, true))
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    /** A body size limit in bytes; 0, the default, for none. */
    private static SimpleAttributeDefinition size(String name) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.LONG)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(0L))
                .setMeasurementUnit(MeasurementUnit.BYTES)
                .setValidator(new LongRangeValidator(0L, true))
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    private static SimpleAttributeDefinition count(String name, int defaultValue, int min) {
        return new SimpleAttributeDefinitionBuilder(name, ModelType.INT)
                .setRequired(false)
                .setAllowExpression(true)
                .setDefaultValue(new ModelNode(defaultValue))
                .setValidator(new IntRangeValidator(min, Integer.MAX_VALUE, true, true))
                .setFlags(AttributeAccess.Flag.RESTART_RESOURCE_SERVICES)
                .build();
    }

    @Override
    public ManagementResourceRegistration register(ManagementResourceRegistration parent, ManagementResourceRegistrationContext context) {
        ManagementResourceRegistration registration = parent.registerSubModel(ResourceDefinition.builder(REGISTRATION, RESOLVER).build());
        ResourceOperationRuntimeHandler runtime = ResourceOperationRuntimeHandler.configureService(this);
        ResourceDescriptor.Builder descriptor = ResourceDescriptor.builder(RESOLVER)
                .addCapability(CAPABILITY)
                .addResourceCapabilityReference(WorkerReference.defaultWorker(CAPABILITY))
                .withRuntimeHandler(runtime);
        // a batch that sets https-socket-binding and ssl-context together restarts the engine once and needs no reload
        RestartOnceWriteAttributeHandler write = new RestartOnceWriteAttributeHandler(runtime);
        for (AttributeDefinition attribute : ATTRIBUTES) {
            boolean live = attribute.getFlags().contains(AttributeAccess.Flag.RESTART_NONE);
            descriptor.addAttribute(attribute, live ? new LiveWriteAttributeHandler(attribute, this::redirect) : write);
        }
        descriptor.addAttribute(REWRITE_RULES, write);
        ManagementResourceRegistrar.of(descriptor.build()).register(registration);
        return registration;
    }

    private static HttpsRedirectSettings httpsRedirect(OperationContext context, ModelNode model) throws OperationFailedException {
        ModelNode port = HTTPS_REDIRECT_PORT.resolveModelAttribute(context, model);
        return new HttpsRedirectSettings(REDIRECT_TO_HTTPS.resolveModelAttribute(context, model).asBoolean(), port.isDefined() ? port.asInt() : 0);
    }

    /** Hands redirect-to-https and https-redirect-port to the running engine. */
    private void redirect(OperationContext context, ModelNode model) throws OperationFailedException {
        HttpsRedirectSettings redirect = httpsRedirect(context, model);
        this.runtimes.execute(runtime -> {
            runtime.redirectHttpToHttps(redirect);
            return null;
        });
    }

    @Override
    public ResourceServiceInstaller configure(OperationContext context, ModelNode model) throws OperationFailedException {
        ModelNode unavailableHost = UNAVAILABLE_HOST.resolveModelAttribute(context, model);
        HttpBalancerSettings.Builder settings = HttpBalancerSettings.builder()
                .unavailableHost(unavailableHost.isDefined() ? unavailableHost.asString() : null)
                .maxRequestSize(MAX_REQUEST_SIZE.resolveModelAttribute(context, model).asLong())
                .maxResponseSize(MAX_RESPONSE_SIZE.resolveModelAttribute(context, model).asLong())
                .maxRequestTime(MAX_REQUEST_TIME.resolveModelAttribute(context, model).asInt())
                .noRequestTimeout(NO_REQUEST_TIMEOUT.resolveModelAttribute(context, model).asInt())
                .requestParseTimeout(REQUEST_PARSE_TIMEOUT.resolveModelAttribute(context, model).asInt())
                .writeStallTimeout(WRITE_STALL_TIMEOUT.resolveModelAttribute(context, model).asInt())
                .handshakeTimeout(HANDSHAKE_TIMEOUT.resolveModelAttribute(context, model).asInt())
                .httpsRedirect(httpsRedirect(context, model))
                .rewriteRules(RewriteRuleValidator.parse(REWRITE_RULES.getName(), REWRITE_RULES.unwrap(context, model)))
                .forwardedHeaders(FORWARDED_HEADERS.resolveModelAttribute(context, model).asBoolean())
                .badNodeRequestPattern(BAD_NODE_REQUEST_PATTERN.resolveModelAttribute(context, model).asStringOrNull())
                .connectionsPerThread(CONNECTIONS_PER_THREAD.resolveModelAttribute(context, model).asInt())
                .requestQueueSize(REQUEST_QUEUE_SIZE.resolveModelAttribute(context, model).asInt())
                .problemServerRetrySeconds(PROBLEM_SERVER_RETRY.resolveModelAttribute(context, model).asInt());
        ServiceDependency<SocketBinding> binding = SOCKET_BINDING.resolve(context, model);
        // undefined references resolve to an empty dependency: nothing is required and get() answers null
        ServiceDependency<SocketBinding> httpsBinding = HTTPS_SOCKET_BINDING.resolve(context, model);
        ServiceDependency<SSLContext> sslContext = SSL_CONTEXT.resolve(context, model);
        ServiceDependency<SSLContext> backendSslContext = BACKEND_SSL_CONTEXT.resolve(context, model);
        ServiceDependency<XnioWorker> worker = WorkerReference.resolve(WORKER, context, model);
        ServiceDependency<LoadBalancerRuntime> balancer = ServiceDependency.on(LoadBalancerRuntime.SERVICE_DESCRIPTOR);
        return CapabilityServiceInstaller.builder(CAPABILITY, () -> {
                    LoadBalancerRuntime runtime = balancer.get();
                    return new HttpBalancer(settings.backendSslContext(backendSslContext.get()).build(), runtime.registry(), runtime::algorithm,
                            runtime.statistics().http(), runtime.intake());
                })
                .requires(List.of(binding, httpsBinding, sslContext, backendSslContext, worker, balancer))
                .onStart(http -> {
                    SocketBinding https = httpsBinding.get();
                    http.start(binding.get().getSocketAddress(), (https != null) ? new HttpsListener(https.getSocketAddress(), sslContext.get()) : null,
                            worker.get());
                    SocketBindingReference.markBound(binding.get());
                    if (https != null) {
                        SocketBindingReference.markBound(https);
                    }
                    balancer.get().heartbeatAdmission().ownAddresses().set(http, (https != null)
                            ? List.of(binding.get().getSocketAddress(), https.getSocketAddress()) : List.of(binding.get().getSocketAddress()));
                    balancer.get().useHttpBalancer(http);
                })
                .onStop(http -> {
                    balancer.get().releaseHttpBalancer(http);
                    balancer.get().heartbeatAdmission().ownAddresses().remove(http);
                    SocketBindingReference.markUnbound(binding.get());
                    if (httpsBinding.get() != null) {
                        SocketBindingReference.markUnbound(httpsBinding.get());
                    }
                    http.stop();
                })
                // nothing asks for the engine: its listener must open with the server
                .startWhen(StartWhen.INSTALLED)
                .build();
    }
}

package org.restcomm.lb.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.sip.ListeningPoint;
import javax.sip.PeerUnavailableException;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipStack;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.LoadBalancerStatistics;
import org.restcomm.lb.stats.SipStatistics;

/** The SIP engine: a jain-sip stack whose listening points feed the stateless forwarder. */
public final class SipBalancer {

    private static final long HEALTH_TICK_MILLIS = 50;
    /** What the balancer asks of the kernel for each UDP listener's receive queue, unless stack-properties say otherwise. */
    static final int UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

    private final SipBalancerSettings settings;
    private final NodeRegistry registry;
    private final Supplier<BalancerAlgorithm> algorithm;
    private final HeartbeatProtocol heartbeats;
    private final SipStatistics statistics;
    private SipStack stack;
    private final Intake intake;
    private SipRules rules;
    private SipMessageProcessorFactory processors;
    private SipFastPath fastPath;
    private java.util.concurrent.ScheduledExecutorService health;
    /** Whether the listeners opening are logged; not for the warm-up's engine on loopback. */
    private final boolean announced;

    public SipBalancer(SipBalancerSettings settings, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, HeartbeatProtocol heartbeats, SipStatistics statistics) {
        this(settings, registry, algorithm, heartbeats, statistics, new Intake());
    }

    /** @param intake whether new calls are taken; a closed one answers them 503 while dialogs carry on */
    public SipBalancer(SipBalancerSettings settings, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, HeartbeatProtocol heartbeats, SipStatistics statistics,
            Intake intake) {
        this(settings, registry, algorithm, heartbeats, statistics, intake, true);
    }

    private SipBalancer(SipBalancerSettings settings, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm, HeartbeatProtocol heartbeats,
            SipStatistics statistics, Intake intake, boolean announced) {
        this.announced = announced;
        this.intake = intake;
        this.settings = settings;
        this.registry = registry;
        this.algorithm = algorithm;
        this.heartbeats = heartbeats;
        this.statistics = statistics;
    }

    public synchronized void start() throws SipException {
        SipStack created = createStack(this.settings);
        // jain-sip makes its (static) message executor on first use, without a lock: made here, before any listener runs
        ((gov.nist.javax.sip.stack.SIPTransactionStack) created).getSelfRoutingThreadpoolExecutor();
        SipListeners listeners = new SipListeners();
        SipRules rules = new SipRules(listeners, this.registry, this.algorithm, this.settings, this.intake);
        SipForwarder forwarder = new SipForwarder(rules, this.registry, this.heartbeats, this.statistics);
        // the valve sees every parsed message before the transaction layer; in place before any socket opens
        ((SIPTransactionStack) created).sipMessageValves.add(forwarder);
        SIPTransactionStack transactionStack = (SIPTransactionStack) created;
        transactionStack.setMessageParserFactory(new CountingParserFactory(transactionStack.getMessageParserFactory(), this.statistics));
        SipFastPath fastPath = new SipFastPath(rules, this.statistics);
        SipMessageProcessorFactory processors = new SipMessageProcessorFactory(this.statistics, fastPath, this.settings);
        transactionStack.setMessageProcessorFactory(processors);
        try {
            for (SipListenerSettings listener : this.settings.listeners()) {
                ListeningPoint point = created.createListeningPoint(listener.bind().getAddress().getHostAddress(), listener.bind().getPort(), listener.transport().viaName());
                listeners.add(((ListeningPointImpl) point).getMessageProcessor(), listener);
                if (this.announced) {
                    LoadBalancerLogger.ROOT_LOGGER.sipListenerStarted(listener.side().name().toLowerCase(java.util.Locale.ROOT), listener.bind(), listener.transport().viaName());
                }
            }
            created.start();
        } catch (SipException | javax.sip.InvalidArgumentException | RuntimeException e) {
            created.stop();
            throw (e instanceof SipException se) ? se : new SipException(e.getMessage(), e);
        }
        this.stack = created;
        this.health = startHealthChecks(rules, new NodeProber(rules, this.registry));
        this.rules = rules;
        this.processors = processors;
        this.fastPath = fastPath;
    }

    /** An engine that opens its listeners without a log line: the warm-up's, on loopback. */
    static SipBalancer unannounced(SipBalancerSettings settings, NodeRegistry registry, Supplier<BalancerAlgorithm> algorithm,
            LoadBalancerStatistics statistics) {
        return new SipBalancer(settings, registry, algorithm, new HeartbeatProtocol(registry, statistics.heartbeats()), statistics.sip(), new Intake(), false);
    }

    /**
     * Runs synthetic calls through an engine of these settings on loopback before this one's listeners open, the
     * first time in this JVM ({@link SipWarmUp}); call it before {@link #start()}.
     */
    public void warmUp() {
        SipWarmUp.oncePerProcess(this.settings);
    }

    /** Datagrams relayed without a full parse since start; for tests. */
    synchronized long fastPathRelayed() {
        return (this.fastPath != null) ? this.fastPath.relayedCount() : 0;
    }

    /** The jain-sip processor of a side's listener for a transport; for tests. */
    synchronized gov.nist.javax.sip.stack.MessageProcessor processor(Side side, Transport transport) {
        return this.rules.listeners().processor(side, transport);
    }

    /** Applies new behaviour settings at once; listener and stack settings need a restart and are ignored here. */
    public synchronized void reconfigure(SipBalancerSettings settings) {
        if (this.rules != null) {
            this.rules.reconfigure(settings);
        }
    }

    public synchronized void stop() {
        if (this.health != null) {
            this.health.shutdownNow();
            this.health = null;
        }
        if (this.stack != null) {
            try {
                this.stack.stop();
            } catch (RuntimeException e) {
                // jain-sip's UDP processor fails to stop before its thread has run once; give it that moment
                pause();
                this.stack.stop();
            }
            this.processors.closeAll();
            this.stack = null;
            this.rules = null;
            this.processors = null;
        }
    }

    /**
     * Unanswered INVITEs and probes are looked at every {@value #HEALTH_TICK_MILLIS} ms, so a node is marked within
     * that much of node-response-timeout; probes go out on the same thread.
     */
    private static java.util.concurrent.ScheduledExecutorService startHealthChecks(SipRules rules, NodeProber prober) {
        java.util.concurrent.ScheduledExecutorService executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "load-balancer-sip-health");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                rules.checkReachability();
                prober.tick(System.currentTimeMillis());
            } catch (RuntimeException e) {
                // a failing check must not end health checks for good
                LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("node health check", e);
            }
        }, HEALTH_TICK_MILLIS, HEALTH_TICK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        return executor;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** jain-sip's message threads for stream transports. */
    static final String THREAD_POOL_SIZE = "gov.nist.javax.sip.THREAD_POOL_SIZE";

    private static SipStack createStack(SipBalancerSettings settings) throws PeerUnavailableException {
        Properties properties = new Properties();
        properties.putAll(settings.stackProperties());
        // the balancer's own settings win over pass-through ones
        properties.setProperty("javax.sip.STACK_NAME", "load-balancer-" + UUID.randomUUID());
        properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        properties.setProperty("gov.nist.javax.sip.STACK_LOGGER", JainSipStackLogger.class.getName());
        properties.setProperty("gov.nist.javax.sip.SERVER_LOGGER", JainSipServerLogger.class.getName());
        properties.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // TLS keys come from Elytron, never from javax.net.ssl.*
        properties.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", NoJvmKeyStores.class.getName());
        // jain-sip's own default, named so that it does not warn "using default tls security policy" at every start
        properties.putIfAbsent("gov.nist.javax.sip.TLS_SECURITY_POLICY", "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
        // NIO processors: TCP without a thread per connection, and the WS transport
        properties.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", "gov.nist.javax.sip.stack.NioMessageProcessorFactory");
        // one worker keeps each socket's messages in arrival order: a 180 overtaking its 200 breaks strict UAs (sipp aborts)
        // (and the stream fast path keeps a connection's messages in order only with one)
        properties.putIfAbsent(THREAD_POOL_SIZE, "1");
        properties.putIfAbsent("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        // jain-sip asks for 64 KiB, about 10 ms of datagrams at 2000 calls/s: a GC pause or a cold JIT drops calls.
        // The kernel caps the request at net.core.rmem_max (README, Performance)
        properties.putIfAbsent("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(UDP_RECEIVE_BUFFER_BYTES));
        List<SSLContext> tlsContexts = new ArrayList<>();
        settings.listeners().stream().map(SipListenerSettings::sslContext).filter(Objects::nonNull).forEach(tlsContexts::add);
        if (!tlsContexts.isEmpty()) {
            // the engines follow the listeners' and the backend's contexts, not jain-sip's defaults
            tlsContexts.add(settings.tls().backendSslContext());
            properties.putAll(SipTls.stackProperties(tlsContexts));
        }
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        return factory.createSipStack(properties);
    }
}

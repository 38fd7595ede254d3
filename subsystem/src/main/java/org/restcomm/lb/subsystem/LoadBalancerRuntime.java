package org.restcomm.lb.subsystem;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.json.spi.JsonProvider;
import org.jboss.as.network.ManagedBinding;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.server.suspend.SuspendableActivity;
import org.jboss.as.server.suspend.SuspendableActivityRegistry;
import org.restcomm.lb.admin.LbInfoReport;
import org.restcomm.lb.algorithm.AffinityStore;
import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.admin.LbStatReport;
import org.restcomm.lb.admin.AdminActions;
import org.restcomm.lb.admin.AdminHttpHandler;
import org.restcomm.lb.admin.LoadBalancerJmx;
import org.restcomm.lb.admin.ManagedSettings;
import org.restcomm.lb.admin.ReleaseInfo;
import org.restcomm.lb.admin.StatisticsEndpoint;
import org.restcomm.lb.admin.StatisticsHttpHandler;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.node.HeartbeatAdmission;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.NodeExpiry;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.ExtraServerNodes;
import org.restcomm.lb.node.RampUp;
import org.restcomm.lb.node.StaticNodes;
import org.restcomm.lb.http.HttpBalancer;
import org.restcomm.lb.http.HttpsRedirectSettings;
import org.restcomm.lb.sip.SipBalancer;
import org.restcomm.lb.smpp.SmppBalancer;
import org.restcomm.lb.stats.LoadBalancerStatistics;
import org.wildfly.service.descriptor.NullaryServiceDescriptor;
import org.xnio.XnioWorker;

/**
 * The running balancer of one server: counters, node registry and its expiry, the statistics endpoint and
 * the MBean. Engines and heartbeat receivers of child resources plug into it.
 */
final class LoadBalancerRuntime {

    static final NullaryServiceDescriptor<LoadBalancerRuntime> SERVICE_DESCRIPTOR = NullaryServiceDescriptor.of("org.restcomm.lb", LoadBalancerRuntime.class);

    /** The root resource's settings that can change while the balancer runs. */
    record Settings(long nodeTimeoutMillis, long heartbeatIntervalMillis, List<String> extraServerNodes, List<String> staticNodes, boolean statisticsEnabled,
            int maxNodes, int heartbeatRateLimit, RampUp rampUp, boolean adminEndpoints, long stopTimeoutMillis) {
    }

    private final JsonProvider json = JsonProvider.provider();
    private final XnioWorker worker;
    private final SocketBinding statisticsBinding;
    private final LoadBalancerStatistics statistics;
    private final NodeRegistry registry;
    private final NodeExpiry expiry;
    private final HeartbeatAdmission admission;
    private final HeartbeatProtocol heartbeatProtocol;
    private final StatisticsEndpoint statisticsEndpoint;
    private final AdminHttpHandler admin;
    private final LoadBalancerJmx jmx;
    private final List<String> extraServerNodes;
    private final List<String> staticNodes;
    private final BalancerAlgorithm defaultAlgorithm = new CallIdAffinityAlgorithm();
    private volatile BalancerAlgorithm algorithm = this.defaultAlgorithm;
    private volatile AffinityStore affinityStore;
    private final Intake intake = new Intake();
    private final SuspendableActivity suspension = new BalancerSuspension(this.intake);
    private final SuspendableActivityRegistry suspendController;
    private ManagedBinding managedStatisticsBinding;
    private volatile SipBalancer sip;
    private volatile SmppBalancer smpp;
    private volatile HttpBalancer http;

    <M extends ManagedSettings & AdminActions> LoadBalancerRuntime(Settings settings, SocketBinding statisticsBinding, XnioWorker worker, M managementModel,
            AdminHttpHandler.Credentials adminCredentials, SuspendableActivityRegistry suspendController) {
        this.worker = worker;
        this.suspendController = suspendController;
        this.statisticsBinding = statisticsBinding;
        this.extraServerNodes = settings.extraServerNodes();
        this.staticNodes = settings.staticNodes();
        this.statistics = new LoadBalancerStatistics(settings.statisticsEnabled());
        this.registry = new NodeRegistry(Clock.systemUTC(), settings.nodeTimeoutMillis());
        this.expiry = new NodeExpiry(this.registry, settings.heartbeatIntervalMillis());
        this.admission = new HeartbeatAdmission(Clock.systemUTC());
        this.registry.setRampUp(settings.rampUp());
        this.admission.setMaxNodes(settings.maxNodes());
        this.admission.setStartsPerSecond(settings.heartbeatRateLimit());
        this.heartbeatProtocol = new HeartbeatProtocol(this.registry, this.statistics.heartbeats(), this.admission);
        this.admin = new AdminHttpHandler(managementModel, this.registry.userRoutes(), adminCredentials, settings.adminEndpoints(), settings.stopTimeoutMillis());
        StatisticsHttpHandler handler = new StatisticsHttpHandler(
                new LbStatReport(this.statistics, this.registry, ReleaseInfo.load(), this.json),
                new LbInfoReport(this.registry, this::smppRemoteServers, this.json), this.admin);
        this.statisticsEndpoint = new StatisticsEndpoint(statisticsBinding.getSocketAddress(), worker, handler);
        this.jmx = new LoadBalancerJmx(this.statistics, this.registry, this.expiry::intervalMillis, managementModel);
    }

    void start() {
        this.startAlgorithm(this.defaultAlgorithm, Map.of(), null);
        this.registry.setExtraServerNodes(ExtraServerNodes.of(this.extraServerNodes));
        this.registry.setStaticNodes(StaticNodes.advertisements(this.staticNodes));
        this.expiry.start();
        this.statisticsEndpoint.start();
        this.managedStatisticsBinding = ManagedBinding.Factory.createSimpleManagedBinding(this.statisticsBinding);
        this.statisticsBinding.getSocketBindings().getNamedRegistry().registerBinding(this.managedStatisticsBinding);
        this.jmx.register(ManagementFactory.getPlatformMBeanServer());
        this.suspendController.registerActivity(this.suspension);
    }

    void stop() {
        this.suspendController.unregisterActivity(this.suspension);
        this.jmx.unregister();
        if (this.managedStatisticsBinding != null) {
            this.statisticsBinding.getSocketBindings().getNamedRegistry().unregisterBinding(this.managedStatisticsBinding);
        }
        this.statisticsEndpoint.stop();
        this.expiry.stop();
        this.registry.clear();
        this.stopAlgorithm(this.defaultAlgorithm);
    }

    /** The algorithm every engine asks; Call-ID affinity with its defaults while no algorithm=* is defined. */
    BalancerAlgorithm algorithm() {
        return this.algorithm;
    }

    /** @param affinityStore where the algorithm keeps its affinity, shared with other balancers; null for its own memory */
    void useAlgorithm(BalancerAlgorithm algorithm, Map<String, String> properties, AffinityStore affinityStore) {
        this.affinityStore = affinityStore;
        this.startAlgorithm(algorithm, properties, affinityStore);
        this.algorithm = algorithm;
    }

    void releaseAlgorithm(BalancerAlgorithm algorithm) {
        if (this.algorithm == algorithm) {
            this.algorithm = this.defaultAlgorithm;
            this.affinityStore = null;
        }
        this.stopAlgorithm(algorithm);
    }

    void useSipBalancer(SipBalancer sip) {
        this.sip = sip;
    }

    void releaseSipBalancer(SipBalancer sip) {
        if (this.sip == sip) {
            this.sip = null;
        }
    }

    void reconfigureSip(org.restcomm.lb.sip.SipBalancerSettings behaviour) {
        SipBalancer running = this.sip;
        if (running != null) {
            running.reconfigure(behaviour);
        }
    }

    void useHttpBalancer(HttpBalancer http) {
        this.http = http;
    }

    void releaseHttpBalancer(HttpBalancer http) {
        if (this.http == http) {
            this.http = null;
        }
    }

    /**
     * Applies redirect-to-https to the running HTTP engine. One without an HTTPS listener is being replaced by one
     * with it in the same operation (the model requires https-socket-binding), and that one reads the setting itself.
     */
    void redirectHttpToHttps(HttpsRedirectSettings redirect) {
        HttpBalancer running = this.http;
        if (running != null && running.httpsAddress() != null) {
            running.redirectToHttps(redirect);
        }
    }

    void useSmppBalancer(SmppBalancer smpp) {
        this.smpp = smpp;
    }

    void releaseSmppBalancer(SmppBalancer smpp) {
        if (this.smpp == smpp) {
            this.smpp = null;
        }
    }

    void updateSmppRemoteServers(List<InetSocketAddress> servers) {
        SmppBalancer running = this.smpp;
        if (running != null) {
            running.updateRemoteServers(servers);
        }
    }

    /** The configured SMSCs as /lbinfo lists them, host:port; none while the SMPP engine is not running. */
    private Collection<String> smppRemoteServers() {
        SmppBalancer running = this.smpp;
        return (running == null) ? List.of()
                : running.settings().remoteServers().stream().map(server -> server.getHostString() + ":" + server.getPort()).toList();
    }

    void reconfigureAlgorithm(Map<String, String> properties) {
        this.algorithm.configurationChanged(new AlgorithmContext(this.registry, Clock.systemUTC(), properties, this.affinityStore));
    }

    private void startAlgorithm(BalancerAlgorithm algorithm, Map<String, String> properties, AffinityStore affinityStore) {
        algorithm.start(new AlgorithmContext(this.registry, Clock.systemUTC(), properties, affinityStore));
        this.registry.addListener(algorithm);
    }

    private void stopAlgorithm(BalancerAlgorithm algorithm) {
        this.registry.removeListener(algorithm);
        algorithm.stop();
    }

    void setNodeTimeout(long millis) {
        this.registry.setNodeTimeoutMillis(millis);
    }

    void setHeartbeatInterval(long millis) {
        this.expiry.setIntervalMillis(millis);
    }

    void setExtraServerNodes(List<String> entries) {
        this.registry.setExtraServerNodes(ExtraServerNodes.of(entries));
    }

    void setRampUp(RampUp rampUp) {
        this.registry.setRampUp(rampUp);
    }

    void setStaticNodes(List<String> entries) {
        this.registry.setStaticNodes(StaticNodes.advertisements(entries));
    }

    void setStatisticsEnabled(boolean enabled) {
        this.statistics.setEnabled(enabled);
    }

    void setMaxNodes(int maxNodes) {
        this.admission.setMaxNodes(maxNodes);
    }

    void setHeartbeatRateLimit(int startsPerSecond) {
        this.admission.setStartsPerSecond(startsPerSecond);
    }

    /** Source networks, node and rate limits, and the addresses nodes may not advertise; child resources set their parts. */
    HeartbeatAdmission heartbeatAdmission() {
        return this.admission;
    }

    LoadBalancerStatistics statistics() {
        return this.statistics;
    }

    NodeRegistry registry() {
        return this.registry;
    }

    HeartbeatProtocol heartbeatProtocol() {
        return this.heartbeatProtocol;
    }

    /** The admin paths of the statistics port. */
    AdminHttpHandler admin() {
        return this.admin;
    }

    /** Whether the engines take new work; the server's suspend closes it. */
    Intake intake() {
        return this.intake;
    }

    XnioWorker worker() {
        return this.worker;
    }

    JsonProvider json() {
        return this.json;
    }
}

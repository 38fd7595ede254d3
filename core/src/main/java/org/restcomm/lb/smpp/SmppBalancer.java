package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.netty.bootstrap.ServerBootstrap;
import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelPipeline;
import org.jboss.netty.channel.ChannelPipelineFactory;
import org.jboss.netty.channel.Channels;
import org.jboss.netty.channel.group.ChannelGroup;
import org.jboss.netty.channel.group.DefaultChannelGroup;
import org.jboss.netty.channel.socket.nio.NioClientSocketChannelFactory;
import org.jboss.netty.channel.socket.nio.NioServerSocketChannelFactory;
import org.jboss.netty.channel.socket.nio.NioWorkerPool;
import org.jboss.netty.util.ThreadNameDeterminer;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeRegistryListener;
import org.restcomm.lb.node.NodeState;
import org.restcomm.lb.stats.SmppStatistics;

/** The SMPP engine: accepts ESME binds and relays them to SMSCs, on Netty 3 sockets shared by both sides. */
public final class SmppBalancer {

    /** The finest timer resolution; the coarsest keeps the guide's one-second timers within a quarter second. */
    private static final long MIN_TICK_MILLIS = 5;
    private static final long MAX_TICK_MILLIS = 250;

    private final InetSocketAddress bindAddress;
    private final SmppTlsListener tlsListener;
    private final NodeRegistry registry;
    private final SmppStatistics statistics;
    private final UpstreamServers servers;
    private final NodeRegistryListener nodeListener = new NodeRegistryListener() {
        @Override
        public void nodeAdded(Node node) {
            SmppBalancer.this.serversChanged();
        }

        @Override
        public void nodeRemoved(Node node) {
            SmppBalancer.this.serversChanged();
        }

        @Override
        public void nodeStateChanged(Node node, NodeState previous) {
            SmppBalancer.this.serversChanged();
        }
    };
    private volatile SmppBalancerSettings settings;
    private ExecutorService ioThreads;
    private NioWorkerPool workers;
    private NioServerSocketChannelFactory serverChannels;
    private NioClientSocketChannelFactory clientChannels;
    private ScheduledExecutorService timers;
    private ChannelGroup acceptedChannels;
    private Channel serverChannel;
    private Channel tlsServerChannel;
    private volatile SmppDispatcher dispatcher;
    private final Intake intake;

    /** @param registry nodes advertising an smppPort join the SMSCs; may be null */
    public SmppBalancer(InetSocketAddress bindAddress, SmppBalancerSettings settings, NodeRegistry registry, SmppStatistics statistics) {
        this(bindAddress, null, settings, registry, statistics);
    }

    /** @param tlsListener where ESMEs bind over TLS besides bindAddress; null for none */
    public SmppBalancer(InetSocketAddress bindAddress, SmppTlsListener tlsListener, SmppBalancerSettings settings, NodeRegistry registry, SmppStatistics statistics) {
        this(bindAddress, tlsListener, settings, registry, statistics, new Intake());
    }

    /** @param intake whether new binds are taken; a closed one refuses them while bound sessions carry on */
    public SmppBalancer(InetSocketAddress bindAddress, SmppTlsListener tlsListener, SmppBalancerSettings settings, NodeRegistry registry, SmppStatistics statistics,
            Intake intake) {
        this.intake = intake;
        this.bindAddress = bindAddress;
        this.tlsListener = tlsListener;
        this.settings = settings;
        this.registry = registry;
        this.statistics = statistics;
        this.servers = new UpstreamServers(settings.remoteServers(), registry);
    }

    public synchronized void start() {
        this.ioThreads = Executors.newCachedThreadPool(daemonThreads("smpp-io"));
        this.workers = new NioWorkerPool(this.ioThreads, Math.max(2, Runtime.getRuntime().availableProcessors()), ThreadNameDeterminer.CURRENT);
        this.serverChannels = new NioServerSocketChannelFactory(this.ioThreads, 1, this.workers);
        SameWorkerPool upstreamWorkers = new SameWorkerPool(this.workers);
        this.clientChannels = new NioClientSocketChannelFactory(this.ioThreads, 1, upstreamWorkers);
        this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("smpp-timer"));
        SmppDispatcher created = new SmppDispatcher(this.settings, this.servers, this.statistics, this.clientChannels, upstreamWorkers, this.timers, this.intake);
        this.acceptedChannels = new DefaultChannelGroup("smpp-esme");
        try {
            this.serverChannel = this.listen(this.bindAddress, this.esmePipelines(created, null));
            if (this.tlsListener != null) {
                this.tlsServerChannel = this.listen(this.tlsListener.address(), this.esmePipelines(created, this.tlsListener));
            }
        } catch (RuntimeException e) {
            if (this.serverChannel != null) {
                this.serverChannel.close().awaitUninterruptibly();
                this.serverChannel = null;
            }
            this.releaseResources();
            throw e;
        }
        this.dispatcher = created;
        long tick = tickMillis(this.settings);
        this.timers.scheduleAtFixedRate(created::tick, tick, tick, TimeUnit.MILLISECONDS);
        if (this.registry != null) {
            this.registry.addListener(this.nodeListener);
        }
        LoadBalancerLogger.ROOT_LOGGER.smppStarted(this.boundAddress(), this.settings.mode().name().toLowerCase(java.util.Locale.ROOT));
        if (this.tlsServerChannel != null) {
            LoadBalancerLogger.ROOT_LOGGER.smppTlsStarted(this.tlsBoundAddress());
        }
    }

    /** Both listeners feed the same dispatcher; on the TLS one, SMPP starts once the handshake succeeded. */
    private ChannelPipelineFactory esmePipelines(SmppDispatcher dispatcher, SmppTlsListener tls) {
        ChannelGroup accepted = this.acceptedChannels;
        return () -> {
            ChannelPipeline pipeline = Channels.pipeline(new SmppFrameDecoder(this.statistics), new SmppChannelHandler(new EsmeSession(dispatcher)));
            if (tls != null) {
                TlsHandshake.serverSide(pipeline, tls.sslContext(), this.settings.handshakeTimeoutMillis(), this.timers, this.statistics);
            }
            pipeline.addFirst("group", new org.jboss.netty.channel.SimpleChannelUpstreamHandler() {
                @Override
                public void channelOpen(org.jboss.netty.channel.ChannelHandlerContext context, org.jboss.netty.channel.ChannelStateEvent event) throws Exception {
                    accepted.add(event.getChannel());
                    super.channelOpen(context, event);
                }
            });
            return pipeline;
        };
    }

    private Channel listen(InetSocketAddress address, ChannelPipelineFactory pipelines) {
        ServerBootstrap bootstrap = new ServerBootstrap(this.serverChannels);
        bootstrap.setPipelineFactory(pipelines);
        bootstrap.setOption("reuseAddress", true);
        bootstrap.setOption("child.tcpNoDelay", true);
        bootstrap.setOption("child.keepAlive", true);
        // a socket is unwritable once Netty holds max-queued-bytes for it: backpressure starts there (see WriteGate)
        bootstrap.setOption("child.writeBufferHighWaterMark", this.settings.maxQueuedBytes());
        bootstrap.setOption("child.writeBufferLowWaterMark", lowWaterMark(this.settings));
        return bootstrap.bind(address);
    }

    /** The address ESMEs connect to over TLS (the real port when the configured one was 0), or null without a TLS listener. */
    public InetSocketAddress tlsBoundAddress() {
        Channel channel = this.tlsServerChannel;
        if (channel != null) {
            return (InetSocketAddress) channel.getLocalAddress();
        }
        return (this.tlsListener != null) ? this.tlsListener.address() : null;
    }

    /** The address ESMEs connect to; the real port when the configured one was 0. */
    public InetSocketAddress boundAddress() {
        Channel channel = this.serverChannel;
        return (channel != null) ? (InetSocketAddress) channel.getLocalAddress() : this.bindAddress;
    }

    public SmppBalancerSettings settings() {
        return this.settings;
    }

    /**
     * New remote-servers at runtime: binds on SMSCs still listed stay. Regular mode: binds on removed ones are dropped
     * and their ESMEs rebind elsewhere after reconnect-interval. Mux mode: every group binds on the added SMSCs and
     * unbinds from the removed ones.
     */
    public void updateRemoteServers(List<InetSocketAddress> remoteServers) {
        this.settings = this.settings.withRemoteServers(remoteServers);
        this.servers.setConfigured(remoteServers);
        SmppDispatcher current = this.dispatcher;
        if (current != null) {
            current.settings(this.settings);
            current.serversChanged();
        }
    }

    private void serversChanged() {
        SmppDispatcher current = this.dispatcher;
        if (current != null) {
            current.serversChanged();
        }
    }

    public synchronized void stop() {
        if (this.serverChannel == null) {
            return;
        }
        if (this.registry != null) {
            this.registry.removeListener(this.nodeListener);
        }
        InetSocketAddress address = this.boundAddress();
        this.serverChannel.close().awaitUninterruptibly();
        if (this.tlsServerChannel != null) {
            this.tlsServerChannel.close().awaitUninterruptibly();
            this.tlsServerChannel = null;
        }
        this.acceptedChannels.close().awaitUninterruptibly();
        this.dispatcher.closeAll();
        this.serverChannel = null;
        this.dispatcher = null;
        this.releaseResources();
        LoadBalancerLogger.ROOT_LOGGER.smppStopped(address);
    }

    private void releaseResources() {
        this.timers.shutdownNow();
        this.serverChannels.shutdown();
        this.clientChannels.shutdown();
        this.workers.shutdown();
        this.ioThreads.shutdownNow();
    }

    /** Writable again, and the feeding side read again, once half of max-queued-bytes is written out. */
    static int lowWaterMark(SmppBalancerSettings settings) {
        return settings.maxQueuedBytes() / 2;
    }

    private static long tickMillis(SmppBalancerSettings settings) {
        long finest = Math.min(Math.min(settings.responseTimeoutMillis(), settings.bindTimeoutMillis()),
                Math.min(Math.min(settings.clientCheckTimeoutMillis(), settings.serverCheckTimeoutMillis()), settings.enquireLinkIntervalMillis()));
        finest = Math.min(finest, settings.writeStallTimeoutMillis());
        return Math.max(MIN_TICK_MILLIS, Math.min(MAX_TICK_MILLIS, finest / 4));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

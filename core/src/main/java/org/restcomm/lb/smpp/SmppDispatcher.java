package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.transcoder.PduTranscoder;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelFactory;
import org.jboss.netty.channel.ChannelPipeline;
import org.jboss.netty.channel.Channels;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.stats.SmppStatistics;

/**
 * What the ESME and SMSC sides share (the guide's dispatcher): settings, SMSC list, mux groups, the timer tick
 * and the outbound socket factory. It holds no lock while calling into a connection.
 */
final class SmppDispatcher {

    private final SmppStatistics statistics;
    private final Intake intake;
    private final UpstreamServers servers;
    private final ChannelFactory clientChannels;
    private final SameWorkerPool upstreamWorkers;
    private final ScheduledExecutorService timers;
    private final PduTranscoder transcoder = new DefaultPduTranscoder(new DefaultPduTranscoderContext());
    private final Set<SmppEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private final Map<MuxKey, MuxGroup> muxGroups = new HashMap<>();
    private volatile SmppBalancerSettings settings;

    /** @param upstreamWorkers the worker pool of clientChannels */
    SmppDispatcher(SmppBalancerSettings settings, UpstreamServers servers, SmppStatistics statistics, ChannelFactory clientChannels,
            SameWorkerPool upstreamWorkers, ScheduledExecutorService timers, Intake intake) {
        this.intake = intake;
        this.settings = settings;
        this.servers = servers;
        this.statistics = statistics;
        this.clientChannels = clientChannels;
        this.upstreamWorkers = upstreamWorkers;
        this.timers = timers;
    }

    SmppBalancerSettings settings() {
        return this.settings;
    }

    void settings(SmppBalancerSettings settings) {
        this.settings = settings;
    }

    SmppStatistics statistics() {
        return this.statistics;
    }

    /** Whether new binds are taken; bound sessions count as work in flight. */
    Intake intake() {
        return this.intake;
    }

    UpstreamServers servers() {
        return this.servers;
    }

    PduTranscoder transcoder() {
        return this.transcoder;
    }

    /** Monotonic milliseconds for every deadline. */
    long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** When an answer to a request relayed now is overdue. */
    long responseDeadline() {
        return this.now() + this.settings.responseTimeoutMillis();
    }

    void register(SmppEndpoint endpoint) {
        this.endpoints.add(endpoint);
    }

    void unregister(SmppEndpoint endpoint) {
        this.endpoints.remove(endpoint);
    }

    /** Where an ESME bind's requests go: a new upstream bind, or in mux mode the group of its credentials. */
    Upstream bindUpstream(EsmeSession session, ChannelBuffer bindFrame) {
        if (this.settings.mode() == SmppMode.REGULAR) {
            SmscConnection connection = SmscConnection.forEsme(this, session, bindFrame);
            connection.start();
            return connection;
        }
        BaseBind<?> bind = session.bind();
        MuxKey key = MuxKey.of(bind);
        MuxGroup group;
        boolean created = false;
        synchronized (this.muxGroups) {
            group = this.muxGroups.get(key);
            if (group == null || !group.add(session)) {
                group = new MuxGroup(this, key, bind, bindFrame);
                group.add(session);
                this.muxGroups.put(key, group);
                created = true;
            }
        }
        if (created) {
            group.start();
        } else {
            group.joined(session);
        }
        return group;
    }

    /** An ESME leaves its mux group; the last one leaving unbinds the group's upstream binds. */
    void leave(MuxGroup group, EsmeSession session) {
        boolean last;
        synchronized (this.muxGroups) {
            last = group.remove(session);
            if (last) {
                this.muxGroups.remove(group.key(), group);
            }
        }
        if (last) {
            group.close();
        }
    }

    /** A group that ends leaves the mux table, so the next ESME bind starts a fresh one. */
    void forget(MuxGroup group) {
        synchronized (this.muxGroups) {
            this.muxGroups.remove(group.key(), group);
        }
    }

    private List<MuxGroup> groups() {
        synchronized (this.muxGroups) {
            return List.copyOf(this.muxGroups.values());
        }
    }

    /**
     * Opens a socket to an SMSC for the connection, on the I/O thread of its (first) ESME; its events reach the
     * connection, a failure as disconnected().
     */
    void connect(SmscConnection connection, InetSocketAddress server) {
        Channel channel = this.upstreamWorkers.nextTo(connection.esmeChannel(), () -> this.clientChannels.newChannel(this.smscPipeline(connection, server)));
        channel.getConfig().setOption("tcpNoDelay", true);
        channel.getConfig().setOption("keepAlive", true);
        // the untyped options skip Netty's high >= low check, which depends on the order they are set in
        channel.getConfig().setOption("writeBufferHighWaterMark", this.settings.maxQueuedBytes());
        channel.getConfig().setOption("writeBufferLowWaterMark", SmppBalancer.lowWaterMark(this.settings));
        channel.getConfig().setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, this.settings.bindTimeoutMillis()));
        // known to the connection before any event of it can arrive
        connection.useChannel(channel);
        channel.connect(server);
    }

    /** With backend-ssl-context, the bind goes out once the TLS handshake with the SMSC succeeded. */
    private ChannelPipeline smscPipeline(SmscConnection connection, InetSocketAddress server) {
        ChannelPipeline pipeline = Channels.pipeline(new SmppFrameDecoder(this.statistics), new SmppChannelHandler(connection));
        SSLContext tls = this.settings.backendSslContext();
        if (tls != null) {
            TlsHandshake.clientSide(pipeline, tls, server, this.settings.handshakeTimeoutMillis(), this.timers);
        }
        return pipeline;
    }

    void schedule(Runnable task, long delayMillis) {
        try {
            this.timers.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the balancer is stopping
        }
    }

    /** One pass of every timer of every connection. */
    void tick() {
        long now = this.now();
        for (SmppEndpoint endpoint : this.endpoints) {
            try {
                endpoint.tick(now);
            } catch (RuntimeException e) {
                org.restcomm.lb.logging.LoadBalancerLogger.ROOT_LOGGER.smppConnectionFailed(endpoint.toString(), e);
            }
        }
    }

    /**
     * The SMSCs changed. Regular mode: upstream binds on SMSCs no longer configured nor advertised are dropped, their
     * ESMEs rebind elsewhere. Mux mode: every group binds on the new SMSCs and unbinds from the ones gone.
     */
    void serversChanged() {
        List<InetSocketAddress> current = this.servers.all();
        for (MuxGroup group : this.groups()) {
            group.serversChanged(current);
        }
        for (SmppEndpoint endpoint : this.endpoints) {
            if (endpoint instanceof SmscConnection connection && !connection.inGroup() && connection.state() == SmscConnection.State.BOUND
                    && !current.contains(connection.server())) {
                connection.serverRetired();
            }
        }
    }

    /** The balancer stops: every upstream bind is closed. */
    void closeAll() {
        for (MuxGroup group : this.groups()) {
            group.close();
        }
        for (SmppEndpoint endpoint : List.copyOf(this.endpoints)) {
            if (endpoint instanceof SmscConnection connection) {
                connection.close();
            }
        }
    }

    void countToServer(ChannelBuffer frame) {
        int commandId = PduHeader.commandId(frame);
        if (PduHeader.isResponse(commandId)) {
            this.statistics.responseToServer(commandId, frame.readableBytes());
        } else {
            this.statistics.requestToServer(commandId, frame.readableBytes());
        }
    }

    void countToClient(ChannelBuffer frame) {
        int commandId = PduHeader.commandId(frame);
        if (PduHeader.isResponse(commandId)) {
            this.statistics.responseToClient(commandId, frame.readableBytes());
        } else {
            this.statistics.requestToClient(commandId, frame.readableBytes());
        }
    }
}

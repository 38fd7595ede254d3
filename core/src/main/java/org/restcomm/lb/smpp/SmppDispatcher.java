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

import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.transcoder.PduTranscoder;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelFactory;
import org.jboss.netty.channel.Channels;
import org.restcomm.lb.stats.SmppStatistics;

/**
 * What the ESME and SMSC sides share (the guide's dispatcher): settings, SMSC list, mux binds, the timer tick
 * and the outbound socket factory. It holds no lock while calling into a connection.
 */
final class SmppDispatcher {

    private final SmppStatistics statistics;
    private final UpstreamServers servers;
    private final ChannelFactory clientChannels;
    private final SameWorkerPool upstreamWorkers;
    private final ScheduledExecutorService timers;
    private final PduTranscoder transcoder = new DefaultPduTranscoder(new DefaultPduTranscoderContext());
    private final Set<SmppEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private final Map<MuxKey, SmscConnection> muxBinds = new HashMap<>();
    private volatile SmppBalancerSettings settings;

    /** @param upstreamWorkers the worker pool of clientChannels */
    SmppDispatcher(SmppBalancerSettings settings, UpstreamServers servers, SmppStatistics statistics, ChannelFactory clientChannels,
            SameWorkerPool upstreamWorkers, ScheduledExecutorService timers) {
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

    /** The upstream bind for an ESME bind: a new one, or in mux mode the one its credentials already share. */
    SmscConnection bindUpstream(EsmeSession session, ChannelBuffer bindFrame) {
        BaseBind<?> bind = session.bind();
        if (this.settings.mode() == SmppMode.REGULAR) {
            SmscConnection connection = new SmscConnection(this, bind, bindFrame, null);
            connection.attach(session);
            connection.start();
            return connection;
        }
        MuxKey key = MuxKey.of(bind);
        SmscConnection created;
        synchronized (this.muxBinds) {
            SmscConnection shared = this.muxBinds.get(key);
            if (shared != null && shared.attach(session)) {
                return shared;
            }
            created = new SmscConnection(this, bind, bindFrame, key);
            created.attach(session);
            this.muxBinds.put(key, created);
        }
        created.start();
        return created;
    }

    void detach(EsmeSession session, SmscConnection connection) {
        if (connection.isShared()) {
            synchronized (this.muxBinds) {
                if (connection.detach(session)) {
                    this.muxBinds.remove(connection.muxKey(), connection);
                }
            }
        } else {
            connection.detach(session);
        }
    }

    /** A connection that ends leaves the mux table, so the next ESME bind starts a fresh one. */
    void forget(SmscConnection connection) {
        if (connection.isShared()) {
            synchronized (this.muxBinds) {
                this.muxBinds.remove(connection.muxKey(), connection);
            }
        }
    }

    /**
     * Opens a socket to an SMSC for the connection, on the I/O thread of its (first) ESME; its events reach the
     * connection, a failure as disconnected().
     */
    void connect(SmscConnection connection, InetSocketAddress server) {
        Channel channel = this.upstreamWorkers.nextTo(connection.esmeChannel(),
                () -> this.clientChannels.newChannel(Channels.pipeline(new SmppFrameDecoder(this.statistics), new SmppChannelHandler(connection))));
        channel.getConfig().setOption("tcpNoDelay", true);
        channel.getConfig().setOption("keepAlive", true);
        channel.getConfig().setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, this.settings.bindTimeoutMillis()));
        // known to the connection before any event of it can arrive
        connection.useChannel(channel);
        channel.connect(server);
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

    /** Upstream binds on SMSCs no longer configured nor advertised are dropped; their ESMEs rebind elsewhere. */
    void retireUnlistedServers() {
        List<InetSocketAddress> current = this.servers.all();
        for (SmppEndpoint endpoint : this.endpoints) {
            if (endpoint instanceof SmscConnection connection && connection.state() == SmscConnection.State.BOUND && !current.contains(connection.server())) {
                connection.serverRetired();
            }
        }
    }

    /** Every open connection, for stop(). */
    Set<SmppEndpoint> endpoints() {
        return this.endpoints;
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

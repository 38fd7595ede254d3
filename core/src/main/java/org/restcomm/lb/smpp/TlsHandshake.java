package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelFuture;
import org.jboss.netty.channel.ChannelHandlerContext;
import org.jboss.netty.channel.ChannelPipeline;
import org.jboss.netty.channel.ChannelStateEvent;
import org.jboss.netty.channel.MessageEvent;
import org.jboss.netty.channel.SimpleChannelUpstreamHandler;
import org.jboss.netty.handler.ssl.SslHandler;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.SmppStatistics;

/**
 * TLS on one SMPP socket: Netty's SslHandler in front of the SMPP decoder, the handshake started at connect, and
 * channelConnected passed on only once it succeeded, so nothing SMPP happens before. A handshake that fails, or that
 * has not finished after handshake-timeout, closes the socket (SslHandler alone would leave it open).
 */
final class TlsHandshake extends SimpleChannelUpstreamHandler {

    /** What a failed handshake means on its side of the relay. */
    @FunctionalInterface
    interface Failure {
        /** @param attempted false when the peer closed before sending a byte: a port probe rather than a handshake */
        void failed(Channel channel, Throwable cause, boolean attempted);
    }

    private final SslHandler ssl;
    private final long timeoutMillis;
    private final ScheduledExecutorService timers;
    private final Failure failure;
    private volatile boolean received;
    private volatile boolean timedOut;

    private TlsHandshake(SslHandler ssl, long timeoutMillis, ScheduledExecutorService timers, Failure failure) {
        this.ssl = ssl;
        this.timeoutMillis = timeoutMillis;
        this.timers = timers;
        this.failure = failure;
    }

    /**
     * An ESME's socket on the TLS listener. Each connection gets an engine of its own from the context, so after an
     * Elytron key-manager init the next handshake serves the new certificate. Failures count in tls-handshake-failures.
     */
    static void serverSide(ChannelPipeline pipeline, SSLContext context, long timeoutMillis, ScheduledExecutorService timers, SmppStatistics statistics) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        add(pipeline, engine, timeoutMillis, timers, (channel, cause, attempted) -> {
            if (attempted) {
                statistics.tlsHandshakeFailures().failed();
            }
            LoadBalancerLogger.ROOT_LOGGER.smppEsmeHandshakeFailed(String.valueOf(channel.getRemoteAddress()), String.valueOf(cause));
        });
    }

    /** The balancer's socket to an SMSC; host and port let the context verify the SMSC's name when it is set to. */
    static void clientSide(ChannelPipeline pipeline, SSLContext context, InetSocketAddress server, long timeoutMillis, ScheduledExecutorService timers) {
        SSLEngine engine = context.createSSLEngine(server.getHostString(), server.getPort());
        engine.setUseClientMode(true);
        withoutTls13(engine);
        add(pipeline, engine, timeoutMillis, timers,
                (channel, cause, attempted) -> LoadBalancerLogger.ROOT_LOGGER.smppSmscHandshakeFailed(String.valueOf(server), String.valueOf(cause)));
    }

    /**
     * Netty 3.9.6's SslHandler loses its place in the record stream after a TLS 1.3 handshake in client mode (the JDK's
     * engine stops an unwrap() early, and the next record is then refused as "not an SSL/TLS record"), seen in about
     * one bind in eight against a Cloudhopper SMSC. The server side and TLS 1.2 do not show it; the context's other
     * protocols stay, so a context that offers only TLS 1.3 still gets it.
     */
    private static void withoutTls13(SSLEngine engine) {
        String[] protocols = java.util.Arrays.stream(engine.getEnabledProtocols()).filter(protocol -> !"TLSv1.3".equals(protocol)).toArray(String[]::new);
        if (protocols.length > 0) {
            engine.setEnabledProtocols(protocols);
        }
    }

    private static void add(ChannelPipeline pipeline, SSLEngine engine, long timeoutMillis, ScheduledExecutorService timers, Failure failure) {
        SslHandler ssl = new SslHandler(engine);
        // before it joins the pipeline, or it throws
        ssl.setCloseOnSSLException(true);
        pipeline.addFirst("ssl", ssl);
        pipeline.addFirst("tls-handshake", new TlsHandshake(ssl, timeoutMillis, timers, failure));
    }

    @Override
    public void channelConnected(ChannelHandlerContext context, ChannelStateEvent event) {
        Channel channel = event.getChannel();
        ChannelFuture handshake = this.ssl.handshake();
        ScheduledFuture<?> timeout = this.scheduleTimeout(channel, handshake);
        handshake.addListener(done -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (done.isSuccess()) {
                context.sendUpstream(event);
            } else {
                Throwable cause = this.timedOut ? new SSLException("not finished within handshake-timeout (" + this.timeoutMillis + " ms)") : done.getCause();
                boolean attempted = this.timedOut || this.received || !(cause instanceof ClosedChannelException);
                this.failure.failed(channel, cause, attempted);
                channel.close();
            }
        });
    }

    private ScheduledFuture<?> scheduleTimeout(Channel channel, ChannelFuture handshake) {
        try {
            return this.timers.schedule(() -> {
                if (!handshake.isDone()) {
                    this.timedOut = true;
                    channel.close();
                }
            }, this.timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the balancer is stopping and closes every socket
            return null;
        }
    }

    @Override
    public void messageReceived(ChannelHandlerContext context, MessageEvent event) throws Exception {
        this.received = true;
        super.messageReceived(context, event);
    }
}

package org.restcomm.lb.smpp;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.ChannelHandlerContext;
import org.jboss.netty.channel.ChannelStateEvent;
import org.jboss.netty.channel.ExceptionEvent;
import org.jboss.netty.channel.MessageEvent;
import org.jboss.netty.channel.SimpleChannelUpstreamHandler;
import org.restcomm.lb.logging.LoadBalancerLogger;

/** Hands a channel's events to its endpoint; an exception closes the connection rather than the balancer. */
final class SmppChannelHandler extends SimpleChannelUpstreamHandler {

    private final SmppEndpoint endpoint;

    SmppChannelHandler(SmppEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void channelConnected(ChannelHandlerContext context, ChannelStateEvent event) {
        this.endpoint.connected(event.getChannel());
    }

    @Override
    public void messageReceived(ChannelHandlerContext context, MessageEvent event) {
        this.endpoint.frameReceived(event.getChannel(), (ChannelBuffer) event.getMessage());
    }

    /** Fired when the socket's writability changes (and by setReadable): backpressure follows it. */
    @Override
    public void channelInterestChanged(ChannelHandlerContext context, ChannelStateEvent event) {
        this.endpoint.interestChanged(event.getChannel());
    }

    @Override
    public void channelClosed(ChannelHandlerContext context, ChannelStateEvent event) {
        this.endpoint.disconnected(event.getChannel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, ExceptionEvent event) {
        LoadBalancerLogger.ROOT_LOGGER.smppConnectionFailed(String.valueOf(event.getChannel().getRemoteAddress()), event.getCause());
        event.getChannel().close();
    }
}

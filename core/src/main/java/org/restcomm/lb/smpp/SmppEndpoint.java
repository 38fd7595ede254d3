package org.restcomm.lb.smpp;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;

/** One side of the relay (an ESME connection or an SMSC connection) as its socket and the other side see it. */
interface SmppEndpoint {

    void connected(Channel channel);

    void frameReceived(Channel channel, ChannelBuffer frame);

    void disconnected(Channel channel);

    /** The socket became writable or unwritable (or its readability changed): pause or resume the side feeding it. */
    void interestChanged(Channel channel);

    /** Called by the dispatcher's timer tick: bind, enquire-link and response timers. */
    void tick(long now);

    /** The other side answered a request this endpoint relayed: the response goes back under its original number. */
    void relayResponse(ChannelBuffer response, PendingRequests.Pending request);

    /** A request this endpoint relayed will get no answer (timeout, lost peer): answer it with the status. */
    void requestFailed(PendingRequests.Pending request, int commandStatus);
}

package org.restcomm.lb.smpp;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;

/**
 * One SMSC request relayed to several ESMEs (submit-to-all): the SMSC hears the first answer, or a failure once every
 * copy failed; the other answers are dropped. Stands in for the SMSC connection as the origin of each copy.
 */
final class FirstAnswer implements SmppEndpoint {

    private final SmppEndpoint origin;
    private final int commandId;
    private final int sequence;
    private final AtomicInteger unsettled;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile int failure = PduHeader.ESME_RSYSERR;

    /** Unsettled: each copy, and the relaying itself until {@link #allRelayed}, so no failure is told while copies are still going out. */
    FirstAnswer(SmppEndpoint origin, int commandId, int sequence, int copies) {
        this.origin = origin;
        this.commandId = commandId;
        this.sequence = sequence;
        this.unsettled = new AtomicInteger(copies + 1);
    }

    /** A copy an ESME did not take, with the status it gave. */
    void refused(int status) {
        this.failure = status;
        this.settle();
    }

    void allRelayed() {
        this.settle();
    }

    @Override
    public void relayResponse(ChannelBuffer response, PendingRequests.Pending request) {
        if (this.answered.compareAndSet(false, true)) {
            this.origin.relayResponse(response, request);
        }
    }

    @Override
    public void requestFailed(PendingRequests.Pending request, int commandStatus) {
        this.failure = commandStatus;
        this.settle();
    }

    private void settle() {
        if (this.unsettled.decrementAndGet() == 0 && this.answered.compareAndSet(false, true)) {
            this.origin.requestFailed(new PendingRequests.Pending(this.origin, this.sequence, this.commandId, 0), this.failure);
        }
    }

    @Override
    public void connected(Channel channel) {
    }

    @Override
    public void frameReceived(Channel channel, ChannelBuffer frame) {
    }

    @Override
    public void disconnected(Channel channel) {
    }

    @Override
    public void interestChanged(Channel channel) {
    }

    @Override
    public void tick(long now) {
    }
}

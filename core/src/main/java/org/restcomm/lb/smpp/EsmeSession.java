package org.restcomm.lb.smpp;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.Pdu;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelFutureListener;
import org.restcomm.lb.logging.LoadBalancerLogger;

/** The server side of the relay: one ESME connection, from accept to close. */
final class EsmeSession implements SmppEndpoint {

    /** The guide's server-side states. */
    enum State { OPEN, BINDING, BOUND, REBINDING, UNBINDING, CLOSED }

    private final SmppDispatcher dispatcher;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    /** deliver_sm and other SMSC requests relayed to this ESME. */
    private final PendingRequests pendingToEsme = new PendingRequests();
    /** Requests of this ESME waiting for an SMSC answer: the window. */
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Backpressure on this ESME's socket. */
    private final WriteGate gate = new WriteGate();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile Channel channel;
    private volatile long bindDeadline;
    private volatile long unbindDeadline;
    private volatile BaseBind<?> bind;
    private volatile int bindSequence;
    private volatile Upstream upstream;
    private volatile EnquireLinkTimer linkTimer;
    private boolean countedAsActive;

    EsmeSession(SmppDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    State state() {
        return this.state.get();
    }

    Channel channel() {
        return this.channel;
    }

    BaseBind<?> bind() {
        return this.bind;
    }

    int bindCommandId() {
        return this.bind.getCommandId();
    }

    @Override
    public void connected(Channel channel) {
        this.channel = channel;
        this.bindDeadline = this.dispatcher.now() + this.dispatcher.settings().bindTimeoutMillis();
        this.dispatcher.register(this);
    }

    @Override
    public void frameReceived(Channel channel, ChannelBuffer frame) {
        int commandId = PduHeader.commandId(frame);
        int sequence = PduHeader.sequenceNumber(frame);
        State current = this.state.get();
        if (commandId == PduHeader.ENQUIRE_LINK) {
            this.send(PduHeader.headerOnly(PduHeader.ENQUIRE_LINK_RESP, PduHeader.ESME_ROK, sequence));
        } else if (commandId == PduHeader.ENQUIRE_LINK_RESP) {
            this.linkAlive();
        } else if (PduHeader.isResponse(commandId)) {
            this.responseReceived(frame, commandId, current);
        } else if (PduHeader.isBind(commandId)) {
            this.bindReceived(frame, commandId, sequence, current);
        } else if (current == State.BOUND && PduHeader.isRelayedEsmeRequest(commandId)) {
            this.relayRequest(frame, commandId, sequence);
        } else if (current == State.BOUND && commandId == PduHeader.UNBIND) {
            this.unbindReceived(frame, sequence);
        } else if (!isKnownRequest(commandId)) {
            this.dispatcher.statistics().malformedPdu();
            this.send(PduHeader.headerOnly(PduHeader.GENERIC_NACK, PduHeader.ESME_RINVCMDID, sequence));
        } else if (current == State.REBINDING) {
            this.send(PduHeader.errorResponse(commandId, this.dispatcher.settings().rebindingStatus(), sequence));
        } else if (current == State.BOUND) {
            // a real SMPP request that an ESME must not send, outbind or alert_notification
            this.send(PduHeader.headerOnly(PduHeader.GENERIC_NACK, PduHeader.ESME_RINVCMDID, sequence));
        } else {
            this.send(PduHeader.headerOnly(PduHeader.GENERIC_NACK, PduHeader.ESME_RINVBNDSTS, sequence));
        }
    }

    private static boolean isKnownRequest(int commandId) {
        return PduHeader.isRelayedEsmeRequest(commandId) || commandId == PduHeader.UNBIND || commandId == PduHeader.DELIVER_SM
                || commandId == PduHeader.OUTBIND || commandId == PduHeader.ALERT_NOTIFICATION;
    }

    private void bindReceived(ChannelBuffer frame, int commandId, int sequence, State current) {
        if (current == State.BOUND || current == State.REBINDING) {
            this.send(PduHeader.errorResponse(commandId, PduHeader.ESME_RALYBND, sequence));
            return;
        }
        if (current != State.OPEN) {
            this.send(PduHeader.errorResponse(commandId, PduHeader.ESME_RINVBNDSTS, sequence));
            return;
        }
        BaseBind<?> decoded;
        try {
            Pdu pdu = this.dispatcher.transcoder().decode(frame.duplicate());
            decoded = (BaseBind<?>) pdu;
        } catch (Exception | LinkageError e) {
            this.dispatcher.statistics().malformedPdu();
            LoadBalancerLogger.ROOT_LOGGER.smppMalformedPdu(this.peer(), String.valueOf(e));
            this.send(PduHeader.headerOnly(PduHeader.GENERIC_NACK, PduHeader.ESME_RINVCMDLEN, sequence));
            return;
        }
        if (!this.dispatcher.intake().accepting()) {
            // suspended: no new sessions; the ESME may bind again later, here or at another balancer
            this.send(PduHeader.errorResponse(commandId, PduHeader.ESME_RBINDFAIL, sequence));
            return;
        }
        if (!this.state.compareAndSet(State.OPEN, State.BINDING)) {
            return;
        }
        this.bind = decoded;
        this.bindSequence = sequence;
        // the SMSC sees the ESME's own bind bytes; only the sequence number will differ
        this.upstream = this.dispatcher.bindUpstream(this, frame);
    }

    /** The SMSC accepted the bind (first bind or rebind); the ESME hears the SMSC's own bind_resp. */
    void upstreamBound(Upstream connection, ChannelBuffer bindResponse) {
        this.upstream = connection;
        if (this.state.compareAndSet(State.BINDING, State.BOUND)) {
            this.linkTimer = new EnquireLinkTimer(this.dispatcher.settings().enquireLinkIntervalMillis(),
                    this.dispatcher.settings().clientCheckTimeoutMillis(), this.dispatcher.now());
            ChannelBuffer answer = bindResponse.copy();
            PduHeader.setSequenceNumber(answer, this.bindSequence);
            this.markActive(true);
            this.send(answer);
        } else if (!this.state.compareAndSet(State.REBINDING, State.BOUND) && this.state.get() != State.BOUND) {
            connection.detach(this);
        }
    }

    /** No SMSC accepted the bind: the ESME may try again. */
    void upstreamBindFailed(int commandStatus) {
        if (this.state.compareAndSet(State.BINDING, State.OPEN)) {
            this.upstream = null;
            this.bindDeadline = this.dispatcher.now() + this.dispatcher.settings().bindTimeoutMillis();
            this.send(this.bindResponse(commandStatus));
        }
    }

    void upstreamRebinding() {
        this.state.compareAndSet(State.BOUND, State.REBINDING);
    }

    /** Upstream lost and no SMSC left: unbind the ESME, as the guide says. */
    void upstreamGone() {
        this.upstream = null;
        State current = this.state.get();
        if ((current == State.REBINDING || current == State.BOUND) && this.state.compareAndSet(current, State.UNBINDING)) {
            LoadBalancerLogger.ROOT_LOGGER.smppNoSmscLeft(this.bind.getSystemId(), this.peer());
            this.unbindDeadline = this.dispatcher.now() + this.dispatcher.settings().clientCheckTimeoutMillis();
            this.send(PduHeader.headerOnly(PduHeader.UNBIND, PduHeader.ESME_ROK, this.pendingToEsme.nextSequence()));
        } else if (current == State.BINDING) {
            this.upstreamBindFailed(PduHeader.ESME_RBINDFAIL);
        }
    }

    private ChannelBuffer bindResponse(int commandStatus) {
        BaseBindResp response = (BaseBindResp) this.bind.createResponse();
        response.setCommandStatus(commandStatus);
        response.setSequenceNumber(this.bindSequence);
        response.setSystemId("");
        try {
            return this.dispatcher.transcoder().encode(response);
        } catch (Exception e) {
            return PduHeader.errorResponse(this.bind.getCommandId(), commandStatus, this.bindSequence);
        }
    }

    private void relayRequest(ChannelBuffer frame, int commandId, int sequence) {
        SmppBalancerSettings settings = this.dispatcher.settings();
        if (this.outstanding.incrementAndGet() > settings.windowSize()) {
            this.outstanding.decrementAndGet();
            this.send(PduHeader.errorResponse(commandId, PduHeader.ESME_RTHROTTLED, sequence));
            return;
        }
        Upstream connection = this.upstream;
        Upstream.Relay relay = (connection != null) ? connection.relayRequest(this, frame, commandId, sequence) : Upstream.Relay.DOWN;
        if (relay != Upstream.Relay.SENT) {
            this.outstanding.decrementAndGet();
            this.send(PduHeader.errorResponse(commandId, (relay == Upstream.Relay.BLOCKED) ? PduHeader.ESME_RTHROTTLED : settings.rebindingStatus(), sequence));
        }
    }

    private void unbindReceived(ChannelBuffer frame, int sequence) {
        Upstream connection = this.upstream;
        if (!this.state.compareAndSet(State.BOUND, State.UNBINDING)) {
            return;
        }
        this.unbindDeadline = this.dispatcher.now() + this.dispatcher.settings().responseTimeoutMillis();
        // a shared (mux) upstream bind stays; a private one ends with the SMSC's own unbind_resp
        this.outstanding.incrementAndGet();
        if (connection == null || connection.isShared() || connection.relayRequest(this, frame, PduHeader.UNBIND, sequence) != Upstream.Relay.SENT) {
            this.outstanding.decrementAndGet();
            this.sendThenClose(PduHeader.headerOnly(PduHeader.UNBIND_RESP, PduHeader.ESME_ROK, sequence));
        }
    }

    private void responseReceived(ChannelBuffer frame, int commandId, State current) {
        if (commandId == PduHeader.UNBIND_RESP && current == State.UNBINDING) {
            WriteBatch.close(this.channel);
            return;
        }
        PendingRequests.Pending request = this.pendingToEsme.remove(PduHeader.sequenceNumber(frame));
        if (request != null) {
            request.origin.relayResponse(frame, request);
        }
    }

    /**
     * An SMSC request (deliver_sm, data_sm, ...) for this ESME. Returns ESME_ROK when relayed, else the status the SMSC
     * hears: ESME_RTHROTTLED while this ESME's socket holds max-queued-bytes (the SMSC retries later), ESME_RSYSERR when
     * the ESME is not bound.
     */
    int relayRequestFromSmsc(SmppEndpoint origin, ChannelBuffer frame, int commandId, int sequence) {
        if (this.state.get() != State.BOUND) {
            return PduHeader.ESME_RSYSERR;
        }
        if (this.gate.blocked()) {
            return PduHeader.ESME_RTHROTTLED;
        }
        this.pendingToEsme.renumber(frame, origin, sequence, commandId, this.dispatcher.responseDeadline());
        this.send(frame);
        return PduHeader.ESME_ROK;
    }

    /** False while this ESME's socket holds max-queued-bytes. */
    boolean takesBytes() {
        return !this.gate.blocked();
    }

    @Override
    public void interestChanged(Channel channel) {
        this.gate.update(this.channel, this.feeder(), this.dispatcher.now());
    }

    private Channel feeder() {
        Upstream connection = this.upstream;
        return (connection != null) ? connection.feeder() : null;
    }

    /** Closes the connection once its socket has taken no bytes for write-stall-timeout; an unbind could not reach it. */
    private boolean closeIfStalled(long now) {
        Channel open = this.channel;
        this.gate.update(open, this.feeder(), now);
        long timeout = this.dispatcher.settings().writeStallTimeoutMillis();
        if (open == null || !this.gate.stalled(now, timeout) || !this.stalled.compareAndSet(false, true)) {
            return false;
        }
        this.dispatcher.statistics().stalledConnection();
        LoadBalancerLogger.ROOT_LOGGER.smppWriteStalled("ESME", this.peer(), timeout);
        WriteBatch.close(open);
        return true;
    }

    @Override
    public void relayResponse(ChannelBuffer response, PendingRequests.Pending request) {
        this.outstanding.decrementAndGet();
        PduHeader.setSequenceNumber(response, request.originalSequence);
        if (request.commandId == PduHeader.UNBIND) {
            this.sendThenClose(response);
        } else {
            this.send(response);
        }
    }

    @Override
    public void requestFailed(PendingRequests.Pending request, int commandStatus) {
        this.outstanding.decrementAndGet();
        if (request.commandId == PduHeader.UNBIND) {
            this.sendThenClose(PduHeader.headerOnly(PduHeader.UNBIND_RESP, PduHeader.ESME_ROK, request.originalSequence));
        } else {
            this.send(PduHeader.errorResponse(request.commandId, commandStatus, request.originalSequence));
        }
    }

    @Override
    public void tick(long now) {
        if (this.state.get() == State.CLOSED || this.closeIfStalled(now)) {
            return;
        }
        switch (this.state.get()) {
            case OPEN -> {
                if (now >= this.bindDeadline) {
                    // the session initialization timer of the guide
                    WriteBatch.close(this.channel);
                }
            }
            case BOUND, REBINDING -> {
                this.checkLink(now);
                for (PendingRequests.Pending request : this.pendingToEsme.removeExpired(now)) {
                    request.origin.requestFailed(request, PduHeader.ESME_RSYSERR);
                }
            }
            case UNBINDING -> {
                if (now >= this.unbindDeadline) {
                    WriteBatch.close(this.channel);
                }
            }
            default -> {
            }
        }
    }

    private void checkLink(long now) {
        EnquireLinkTimer timer = this.linkTimer;
        if (timer == null) {
            return;
        }
        switch (timer.check(now)) {
            case SEND -> this.send(PduHeader.headerOnly(PduHeader.ENQUIRE_LINK, PduHeader.ESME_ROK, this.pendingToEsme.nextSequence()));
            case EXPIRED -> WriteBatch.close(this.channel);
            default -> {
            }
        }
    }

    private void linkAlive() {
        EnquireLinkTimer timer = this.linkTimer;
        if (timer != null) {
            timer.answered();
        }
    }

    @Override
    public void disconnected(Channel channel) {
        State previous = this.state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        this.markActive(false);
        this.dispatcher.unregister(this);
        // the SMSC socket may have been paused for this ESME; it has an unbind to answer now
        this.gate.release(this.feeder());
        for (PendingRequests.Pending request : this.pendingToEsme.removeAll()) {
            request.origin.requestFailed(request, PduHeader.ESME_RSYSERR);
        }
        Upstream connection = this.upstream;
        if (connection != null) {
            connection.detach(this);
        }
    }

    private synchronized void markActive(boolean active) {
        if (active != this.countedAsActive) {
            this.countedAsActive = active;
            if (active) {
                this.dispatcher.statistics().activeConnections().increment();
                this.dispatcher.intake().workStarted();
            } else {
                this.dispatcher.statistics().activeConnections().decrement();
                this.dispatcher.intake().workEnded();
            }
        }
    }

    private void send(ChannelBuffer frame) {
        this.dispatcher.countToClient(frame);
        WriteBatch.write(this.channel, frame);
    }

    /** The last PDU of this connection: written, then the socket closes. */
    private void sendThenClose(ChannelBuffer frame) {
        this.dispatcher.countToClient(frame);
        WriteBatch.writeNow(this.channel, frame).addListener(ChannelFutureListener.CLOSE);
    }

    String peer() {
        Channel current = this.channel;
        return (current != null) ? String.valueOf(current.getRemoteAddress()) : "?";
    }
}

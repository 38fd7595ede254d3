package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.cloudhopper.smpp.pdu.BaseBind;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * The client side of the relay: one upstream bind. In regular mode it serves one ESME and moves from SMSC to SMSC
 * as they fail; in mux mode it is its group's bind on one SMSC, rebound there when lost.
 */
final class SmscConnection implements SmppEndpoint, Upstream {

    /** The guide's client-side states. */
    enum State { INITIAL, OPEN, BINDING, BOUND, REBINDING, UNBINDING, CLOSED }

    private final SmppDispatcher dispatcher;
    private final BaseBind<?> bind;
    private final ChannelBuffer bindFrame;
    /** Regular mode: the one ESME served; null in mux mode. */
    private final EsmeSession esme;
    /** Mux mode: the group this is the bind on one SMSC of; null in regular mode. */
    private final MuxGroup group;
    private final AtomicReference<State> state = new AtomicReference<>(State.INITIAL);
    private final PendingRequests pendingToSmsc = new PendingRequests();
    /** Backpressure on the SMSC's socket. */
    private final WriteGate gate = new WriteGate();
    private volatile Channel channel;
    private volatile InetSocketAddress server;
    private volatile long deadline;
    private volatile int bindSequence;
    private volatile ChannelBuffer bindResponse;
    private volatile EnquireLinkTimer linkTimer;
    // progress through the SMSCs of one bind or rebind; guarded by this
    private List<InetSocketAddress> candidates = List.of();
    private int nextCandidate;
    private int lastBindStatus = PduHeader.ESME_RBINDFAIL;
    private boolean everBound;
    /** Mux mode: the last bind attempt on the SMSC failed (not merely lost and waiting for reconnect-interval). */
    private volatile boolean attemptFailed;

    private SmscConnection(SmppDispatcher dispatcher, BaseBind<?> bind, ChannelBuffer bindFrame, EsmeSession esme, MuxGroup group, InetSocketAddress server) {
        this.dispatcher = dispatcher;
        this.bind = bind;
        this.bindFrame = bindFrame.copy();
        this.esme = esme;
        this.group = group;
        this.server = server;
    }

    /** Regular mode: the upstream bind of one ESME bind, on the next SMSC in round-robin order. */
    static SmscConnection forEsme(SmppDispatcher dispatcher, EsmeSession esme, ChannelBuffer bindFrame) {
        return new SmscConnection(dispatcher, esme.bind(), bindFrame, esme, null, null);
    }

    /** Mux mode: a group's upstream bind on one SMSC. */
    static SmscConnection forGroup(SmppDispatcher dispatcher, MuxGroup group, BaseBind<?> bind, ChannelBuffer bindFrame, InetSocketAddress server) {
        return new SmscConnection(dispatcher, bind, bindFrame, null, group, server);
    }

    @Override
    public boolean isShared() {
        return false;
    }

    /** Mux mode: one of a group's binds. */
    boolean inGroup() {
        return this.group != null;
    }

    InetSocketAddress server() {
        return this.server;
    }

    State state() {
        return this.state.get();
    }

    ChannelBuffer bindResponse() {
        return this.bindResponse;
    }

    /** Still bound, or on the way to a bind that may succeed. */
    boolean isHopeful() {
        State current = this.state.get();
        return current == State.INITIAL || current == State.OPEN || current == State.BINDING || current == State.BOUND
                || (current == State.REBINDING && !this.attemptFailed);
    }

    /** Regular mode: the ESME is gone or unbinding; this bind ends. */
    @Override
    public void detach(EsmeSession session) {
        this.end();
    }

    /** Unbinds from the SMSC when bound, else closes. */
    void end() {
        if (this.state.compareAndSet(State.BOUND, State.UNBINDING)) {
            this.deadline = this.dispatcher.now() + this.dispatcher.settings().serverCheckTimeoutMillis();
            this.send(PduHeader.headerOnly(PduHeader.UNBIND, PduHeader.ESME_ROK, this.pendingToSmsc.nextSequence()));
        } else if (this.state.get() != State.UNBINDING) {
            this.close();
        }
    }

    /** Starts the first bind: regular mode at the next SMSC in round-robin order, mux mode at its own SMSC. */
    void start() {
        synchronized (this) {
            this.candidates = (this.group != null) ? List.of(this.server) : this.dispatcher.servers().rotation(null, this.dispatcher.settings().toProviderAlgorithm());
            this.nextCandidate = 0;
        }
        this.tryNextServer();
    }

    private void tryNextServer() {
        InetSocketAddress candidate;
        synchronized (this) {
            if (this.state.get() == State.CLOSED) {
                return;
            }
            candidate = (this.nextCandidate < this.candidates.size()) ? this.candidates.get(this.nextCandidate++) : null;
            if (candidate != null) {
                this.state.set(State.INITIAL);
                this.server = candidate;
                this.deadline = this.dispatcher.now() + this.dispatcher.settings().bindTimeoutMillis();
            }
        }
        if (candidate == null) {
            this.noServerLeft();
        } else {
            this.dispatcher.connect(this, candidate);
        }
    }

    private void noServerLeft() {
        boolean rebind;
        int status;
        synchronized (this) {
            rebind = this.everBound;
            status = this.lastBindStatus;
        }
        if (this.group != null) {
            // the group's other binds may still serve: then this SMSC is tried again after reconnect-interval
            this.attemptFailed = true;
            this.state.set(State.REBINDING);
            if (this.group.upstreamFailed(this, status)) {
                this.dispatcher.schedule(() -> this.rebind(this.server), this.dispatcher.settings().reconnectIntervalMillis());
            } else {
                this.close();
            }
            return;
        }
        this.close();
        LoadBalancerLogger.ROOT_LOGGER.smppBindFailed(this.bind.getSystemId(), status);
        if (rebind) {
            this.esme.upstreamGone();
        } else {
            this.esme.upstreamBindFailed(status);
        }
    }

    /** The socket of an ESME this bind serves, or null. */
    Channel esmeChannel() {
        return (this.group != null) ? this.group.esmeChannel() : this.esme.channel();
    }

    void useChannel(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void connected(Channel channel) {
        if (channel != this.channel || !this.state.compareAndSet(State.INITIAL, State.OPEN)) {
            return;
        }
        this.dispatcher.register(this);
        ChannelBuffer request = this.bindFrame.copy();
        this.bindSequence = this.pendingToSmsc.nextSequence();
        PduHeader.setSequenceNumber(request, this.bindSequence);
        this.state.set(State.BINDING);
        this.send(request);
    }

    @Override
    public void frameReceived(Channel channel, ChannelBuffer frame) {
        if (channel != this.channel) {
            return;
        }
        int commandId = PduHeader.commandId(frame);
        int sequence = PduHeader.sequenceNumber(frame);
        State current = this.state.get();
        if (commandId == PduHeader.ENQUIRE_LINK) {
            this.send(PduHeader.headerOnly(PduHeader.ENQUIRE_LINK_RESP, PduHeader.ESME_ROK, sequence));
        } else if (commandId == PduHeader.ENQUIRE_LINK_RESP) {
            EnquireLinkTimer timer = this.linkTimer;
            if (timer != null) {
                timer.answered();
            }
        } else if (current == State.BINDING) {
            if (commandId == (this.bind.getCommandId() | PduHeader.RESPONSE_BIT) && sequence == this.bindSequence) {
                this.bindResponseReceived(frame);
            }
        } else if (commandId == PduHeader.UNBIND_RESP && current == State.UNBINDING) {
            WriteBatch.close(channel);
        } else if (PduHeader.isResponse(commandId)) {
            this.responseReceived(frame, commandId, sequence);
        } else if (commandId == PduHeader.UNBIND) {
            // the SMSC ends the bind: as good as lost
            this.send(PduHeader.headerOnly(PduHeader.UNBIND_RESP, PduHeader.ESME_ROK, sequence));
            WriteBatch.close(channel);
        } else if (current == State.BOUND && (commandId == PduHeader.DELIVER_SM || commandId == PduHeader.DATA_SM || commandId == PduHeader.ALERT_NOTIFICATION)) {
            this.relayRequestToEsme(frame, commandId, sequence);
        } else if (current == State.BOUND) {
            this.dispatcher.statistics().malformedPdu();
            this.send(PduHeader.headerOnly(PduHeader.GENERIC_NACK, PduHeader.ESME_RINVCMDID, sequence));
        }
    }

    private void bindResponseReceived(ChannelBuffer frame) {
        int status = PduHeader.commandStatus(frame);
        if (status != PduHeader.ESME_ROK) {
            synchronized (this) {
                this.lastBindStatus = status;
            }
            // disconnected() moves on to the next SMSC
            WriteBatch.close(this.channel);
            return;
        }
        synchronized (this) {
            this.bindResponse = frame;
            this.everBound = true;
            this.attemptFailed = false;
            this.linkTimer = new EnquireLinkTimer(this.dispatcher.settings().enquireLinkIntervalMillis(),
                    this.dispatcher.settings().serverCheckTimeoutMillis(), this.dispatcher.now());
            this.state.set(State.BOUND);
        }
        if (this.group == null) {
            this.esme.upstreamBound(this, frame);
        } else if (!this.group.upstreamBound(this, frame)) {
            // the group ended or dropped this SMSC meanwhile
            this.end();
        }
    }

    private void responseReceived(ChannelBuffer frame, int commandId, int sequence) {
        PendingRequests.Pending request = this.pendingToSmsc.remove(sequence);
        if (request == null) {
            return;
        }
        if (this.group != null && commandId == PduHeader.SUBMIT_SM_RESP && PduHeader.commandStatus(frame) == PduHeader.ESME_ROK
                && request.origin instanceof EsmeSession submitter) {
            String messageId = PduHeader.cString(frame, 0);
            if (messageId != null && !messageId.isEmpty()) {
                this.group.receipts().remember(messageId, submitter);
            }
        }
        request.origin.relayResponse(frame, request);
        if (commandId == PduHeader.UNBIND_RESP && this.group == null) {
            // the ESME's own unbind, answered: this private bind is over
            this.state.set(State.UNBINDING);
            WriteBatch.close(this.channel);
        }
    }

    /** Relays an ESME request unless the connection is not bound or its socket holds max-queued-bytes. */
    @Override
    public Relay relayRequest(EsmeSession origin, ChannelBuffer frame, int commandId, int sequence) {
        if (this.state.get() != State.BOUND) {
            return Relay.DOWN;
        }
        if (this.gate.blocked()) {
            return Relay.BLOCKED;
        }
        this.pendingToSmsc.renumber(frame, origin, sequence, commandId, this.dispatcher.responseDeadline());
        this.send(frame);
        return Relay.SENT;
    }

    /** Regular mode: this SMSC's socket feeds only its ESME, and is paused while the ESME takes no bytes. */
    @Override
    public Channel feeder() {
        return this.channel;
    }

    /**
     * Regular mode: the ESME's socket, paused while the SMSC takes no bytes. Mux mode: the SMSC's own socket, whose
     * requests produce the ESMEs' answers to it; ESME requests for it are refused meanwhile (they go to another SMSC
     * of the group, or hear ESME_RTHROTTLED).
     */
    private Channel ownFeeder() {
        return (this.group != null) ? this.channel : this.esme.channel();
    }

    @Override
    public void interestChanged(Channel channel) {
        if (channel == this.channel) {
            this.gate.update(channel, this.ownFeeder(), this.dispatcher.now());
        }
    }

    /** Closes the socket once it has taken no bytes for write-stall-timeout: the bind is then lost and rebound. */
    private boolean closeIfStalled(long now) {
        Channel open = this.channel;
        if (open == null) {
            return false;
        }
        this.gate.update(open, this.ownFeeder(), now);
        long timeout = this.dispatcher.settings().writeStallTimeoutMillis();
        if (!open.isOpen() || !this.gate.stalled(now, timeout)) {
            return false;
        }
        this.gate.release(this.ownFeeder());
        this.dispatcher.statistics().stalledConnection();
        LoadBalancerLogger.ROOT_LOGGER.smppWriteStalled("SMSC", String.valueOf(this.server), timeout);
        WriteBatch.close(open);
        return true;
    }

    private void relayRequestToEsme(ChannelBuffer frame, int commandId, int sequence) {
        int status = (this.group != null) ? this.group.relayRequestFromSmsc(this, frame, commandId, sequence)
                : this.esme.relayRequestFromSmsc(this, frame, commandId, sequence);
        if (status != PduHeader.ESME_ROK) {
            this.send(PduHeader.errorResponse(commandId, status, sequence));
        }
    }

    @Override
    public void relayResponse(ChannelBuffer response, PendingRequests.Pending request) {
        PduHeader.setSequenceNumber(response, request.originalSequence);
        this.send(response);
    }

    @Override
    public void requestFailed(PendingRequests.Pending request, int commandStatus) {
        this.send(PduHeader.errorResponse(request.commandId, commandStatus, request.originalSequence));
    }

    @Override
    public void tick(long now) {
        if (this.closeIfStalled(now)) {
            return;
        }
        State current = this.state.get();
        switch (current) {
            case INITIAL, OPEN, BINDING, UNBINDING -> {
                Channel open = this.channel;
                if (now >= this.deadline && open != null) {
                    WriteBatch.close(open);
                }
            }
            case BOUND -> {
                EnquireLinkTimer timer = this.linkTimer;
                EnquireLinkTimer.Action action = (timer != null) ? timer.check(now) : EnquireLinkTimer.Action.NONE;
                if (action == EnquireLinkTimer.Action.SEND) {
                    this.send(PduHeader.headerOnly(PduHeader.ENQUIRE_LINK, PduHeader.ESME_ROK, this.pendingToSmsc.nextSequence()));
                } else if (action == EnquireLinkTimer.Action.EXPIRED) {
                    WriteBatch.close(this.channel);
                }
                for (PendingRequests.Pending request : this.pendingToSmsc.removeExpired(now)) {
                    request.origin.requestFailed(request, PduHeader.ESME_RSYSERR);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void disconnected(Channel channel) {
        if (channel != this.channel) {
            return;
        }
        // the ESME may have been paused for this socket: it hears rebinding-status now
        this.gate.release(this.ownFeeder());
        State previous = this.state.get();
        switch (previous) {
            case INITIAL, OPEN, BINDING -> {
                this.dispatcher.unregister(this);
                this.tryNextServer();
            }
            case BOUND -> this.lost();
            default -> this.close();
        }
    }

    /** The SMSC went away while bound: answer what it owed, then rebind elsewhere after reconnect-interval. */
    private void lost() {
        if (!this.state.compareAndSet(State.BOUND, State.REBINDING)) {
            return;
        }
        this.dispatcher.unregister(this);
        InetSocketAddress lostServer = this.server;
        this.failPending();
        if (this.group == null) {
            this.esme.upstreamRebinding();
        }
        // in mux mode the group's ESMEs stay bound: its other binds serve them, or they hear the rebinding status
        long delay = this.dispatcher.settings().reconnectIntervalMillis();
        LoadBalancerLogger.ROOT_LOGGER.smppUpstreamLost(lostServer, this.bind.getSystemId(), delay);
        this.dispatcher.schedule(() -> this.rebind(lostServer), delay);
    }

    private void rebind(InetSocketAddress lostServer) {
        synchronized (this) {
            if (this.state.get() != State.REBINDING) {
                return;
            }
            this.candidates = (this.group != null) ? List.of(this.server) : this.dispatcher.servers().rotation(lostServer, this.dispatcher.settings().toProviderAlgorithm());
            this.nextCandidate = 0;
            this.lastBindStatus = PduHeader.ESME_RBINDFAIL;
        }
        this.tryNextServer();
    }

    /** This SMSC left the configuration or the registry: drop the bind, the ESMEs rebind elsewhere. */
    void serverRetired() {
        Channel open = this.channel;
        if (open != null) {
            WriteBatch.close(open);
        }
    }

    void close() {
        this.state.set(State.CLOSED);
        this.dispatcher.unregister(this);
        Channel open = this.channel;
        if (open != null) {
            WriteBatch.close(open);
        }
        if (this.group != null) {
            // the group's ESMEs stay: what this SMSC still owed them is answered now
            this.failPending();
        }
    }

    private void failPending() {
        for (PendingRequests.Pending request : this.pendingToSmsc.removeAll()) {
            request.origin.requestFailed(request, PduHeader.ESME_RSYSERR);
        }
    }

    private void send(ChannelBuffer frame) {
        Channel open = this.channel;
        if (open != null) {
            this.dispatcher.countToServer(frame);
            WriteBatch.write(open, frame);
        }
    }
}

package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.cloudhopper.smpp.pdu.BaseBind;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * The client side of the relay: one upstream bind, moved from SMSC to SMSC as they fail.
 * In regular mode it serves one ESME; in mux mode every ESME bound with the same credentials.
 */
final class SmscConnection implements SmppEndpoint {

    /** The guide's client-side states. */
    enum State { INITIAL, OPEN, BINDING, BOUND, REBINDING, UNBINDING, CLOSED }

    private final SmppDispatcher dispatcher;
    private final BaseBind<?> bind;
    private final ChannelBuffer bindFrame;
    private final MuxKey muxKey;
    private final AtomicReference<State> state = new AtomicReference<>(State.INITIAL);
    private final List<EsmeSession> attached = new CopyOnWriteArrayList<>();
    private final PendingRequests pendingToSmsc = new PendingRequests();
    private final ReceiptRoutes receiptRoutes;
    private final AtomicInteger nextReceiver = new AtomicInteger();
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

    /** @param muxKey the shared bind's key, or null for a bind of one ESME */
    SmscConnection(SmppDispatcher dispatcher, BaseBind<?> bind, ChannelBuffer bindFrame, MuxKey muxKey) {
        this.dispatcher = dispatcher;
        this.bind = bind;
        this.bindFrame = bindFrame.copy();
        this.muxKey = muxKey;
        this.receiptRoutes = (muxKey != null) ? new ReceiptRoutes() : null;
    }

    boolean isShared() {
        return this.muxKey != null;
    }

    MuxKey muxKey() {
        return this.muxKey;
    }

    InetSocketAddress server() {
        return this.server;
    }

    State state() {
        return this.state.get();
    }

    /** Adds an ESME; false once this bind is ending. A bound connection tells the ESME at once. */
    boolean attach(EsmeSession session) {
        ChannelBuffer boundWith;
        synchronized (this) {
            State current = this.state.get();
            if (current == State.UNBINDING || current == State.CLOSED) {
                return false;
            }
            this.attached.add(session);
            boundWith = (current == State.BOUND) ? this.bindResponse : null;
        }
        if (boundWith != null) {
            session.upstreamBound(this, boundWith);
        }
        return true;
    }

    /** Removes an ESME; the last one leaving unbinds from the SMSC. True when this connection is now ending. */
    boolean detach(EsmeSession session) {
        synchronized (this) {
            this.attached.remove(session);
            if (!this.attached.isEmpty()) {
                if (this.receiptRoutes != null) {
                    this.receiptRoutes.forget(session);
                }
                return false;
            }
        }
        if (this.state.compareAndSet(State.BOUND, State.UNBINDING)) {
            this.deadline = this.dispatcher.now() + this.dispatcher.settings().serverCheckTimeoutMillis();
            this.send(PduHeader.headerOnly(PduHeader.UNBIND, PduHeader.ESME_ROK, this.pendingToSmsc.nextSequence()));
        } else if (this.state.get() != State.UNBINDING) {
            this.close();
        }
        return true;
    }

    /** Starts the first bind at the next SMSC in round-robin order. */
    void start() {
        synchronized (this) {
            this.candidates = this.dispatcher.servers().rotation(null);
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
        this.close();
        LoadBalancerLogger.ROOT_LOGGER.smppBindFailed(this.bind.getSystemId(), status);
        for (EsmeSession session : this.attached) {
            if (rebind) {
                session.upstreamGone();
            } else {
                session.upstreamBindFailed(status);
            }
        }
    }

    /** The socket of the first attached ESME, or null. */
    Channel esmeChannel() {
        for (EsmeSession session : this.attached) {
            return session.channel();
        }
        return null;
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
        List<EsmeSession> sessions;
        synchronized (this) {
            this.bindResponse = frame;
            this.everBound = true;
            this.linkTimer = new EnquireLinkTimer(this.dispatcher.settings().enquireLinkIntervalMillis(),
                    this.dispatcher.settings().serverCheckTimeoutMillis(), this.dispatcher.now());
            this.state.set(State.BOUND);
            sessions = List.copyOf(this.attached);
        }
        for (EsmeSession session : sessions) {
            session.upstreamBound(this, frame);
        }
    }

    private void responseReceived(ChannelBuffer frame, int commandId, int sequence) {
        PendingRequests.Pending request = this.pendingToSmsc.remove(sequence);
        if (request == null) {
            return;
        }
        if (this.receiptRoutes != null && commandId == PduHeader.SUBMIT_SM_RESP && PduHeader.commandStatus(frame) == PduHeader.ESME_ROK
                && request.origin instanceof EsmeSession submitter) {
            String messageId = PduHeader.cString(frame, 0);
            if (messageId != null && !messageId.isEmpty()) {
                this.receiptRoutes.remember(messageId, submitter);
            }
        }
        request.origin.relayResponse(frame, request);
        if (commandId == PduHeader.UNBIND_RESP && this.muxKey == null) {
            // the ESME's own unbind, answered: this private bind is over
            this.state.set(State.UNBINDING);
            WriteBatch.close(this.channel);
        }
    }

    /** Relays an ESME request; false when this connection cannot take it now (not bound). */
    boolean relayRequest(EsmeSession origin, ChannelBuffer frame, int commandId, int sequence) {
        if (this.state.get() != State.BOUND) {
            return false;
        }
        this.pendingToSmsc.renumber(frame, origin, sequence, commandId, this.dispatcher.responseDeadline());
        this.send(frame);
        return true;
    }

    private void relayRequestToEsme(ChannelBuffer frame, int commandId, int sequence) {
        EsmeSession target = this.receiverFor(frame, commandId);
        if (target == null || !target.relayRequestFromSmsc(this, frame, commandId, sequence)) {
            this.send(PduHeader.errorResponse(commandId, PduHeader.ESME_RSYSERR, sequence));
        }
    }

    /** The ESME for an SMSC request: the only one, or in mux mode the submitter of a receipt's message, else round-robin. */
    private EsmeSession receiverFor(ChannelBuffer frame, int commandId) {
        List<EsmeSession> sessions = this.attached;
        if (this.receiptRoutes == null) {
            return sessions.isEmpty() ? null : sessions.get(0);
        }
        if (commandId == PduHeader.DELIVER_SM) {
            EsmeSession submitter = this.receiptRoutes.submitterOf(frame, this.dispatcher.transcoder());
            if (submitter != null && submitter.state() == EsmeSession.State.BOUND) {
                return submitter;
            }
        }
        for (int tries = sessions.size(); tries > 0; tries--) {
            EsmeSession candidate = sessions.get(Math.floorMod(this.nextReceiver.getAndIncrement(), sessions.size()));
            if (candidate.state() == EsmeSession.State.BOUND && candidate.bindCommandId() != PduHeader.BIND_TRANSMITTER) {
                return candidate;
            }
        }
        return null;
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
        for (PendingRequests.Pending request : this.pendingToSmsc.removeAll()) {
            request.origin.requestFailed(request, PduHeader.ESME_RSYSERR);
        }
        for (EsmeSession session : this.attached) {
            session.upstreamRebinding();
        }
        long delay = this.dispatcher.settings().reconnectIntervalMillis();
        LoadBalancerLogger.ROOT_LOGGER.smppUpstreamLost(lostServer, this.bind.getSystemId(), delay);
        this.dispatcher.schedule(() -> this.rebind(lostServer), delay);
    }

    private void rebind(InetSocketAddress lostServer) {
        synchronized (this) {
            if (this.state.get() != State.REBINDING) {
                return;
            }
            this.candidates = this.dispatcher.servers().rotation(lostServer);
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
        this.dispatcher.forget(this);
        Channel open = this.channel;
        if (open != null) {
            WriteBatch.close(open);
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

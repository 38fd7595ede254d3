package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.cloudhopper.smpp.pdu.BaseBind;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * Mux mode: the ESME binds of one bind type and credentials (a MuxKey) and their upstream binds, one on every SMSC.
 * ESME requests go to the bound upstream binds as to-provider-algorithm says; an SMSC request goes to the submitter of
 * the message a receipt is about, else as to-node-algorithm says (the ESMEs in turn, or all of them). An SMSC lost is rebound after reconnect-interval while the others
 * serve; the ESMEs are unbound only when no SMSC is left. Calls into connections and sessions are made without
 * holding this group's lock; the dispatcher's mux table lock may be held when taking it, never the reverse.
 */
final class MuxGroup implements Upstream {

    private final SmppDispatcher dispatcher;
    private final MuxKey key;
    private final BaseBind<?> bind;
    private final ChannelBuffer bindFrame;
    private final List<EsmeSession> sessions = new CopyOnWriteArrayList<>();
    private final ReceiptRoutes receipts = new ReceiptRoutes();
    private final AtomicInteger nextUpstream = new AtomicInteger();
    private final AtomicInteger nextReceiver = new AtomicInteger();
    // guarded by this
    private final Map<InetSocketAddress, SmscConnection> bySmsc = new LinkedHashMap<>();
    private boolean closed;
    private boolean everBound;
    /** A snapshot of bySmsc's values for the relay path, which takes no lock. */
    private volatile SmscConnection[] upstreams = new SmscConnection[0];

    MuxGroup(SmppDispatcher dispatcher, MuxKey key, BaseBind<?> bind, ChannelBuffer bindFrame) {
        this.dispatcher = dispatcher;
        this.key = key;
        this.bind = bind;
        this.bindFrame = bindFrame.copy();
    }

    MuxKey key() {
        return this.key;
    }

    ReceiptRoutes receipts() {
        return this.receipts;
    }

    @Override
    public boolean isShared() {
        return true;
    }

    /** Adds an ESME bind; false once the group is ending. */
    synchronized boolean add(EsmeSession session) {
        if (this.closed) {
            return false;
        }
        this.sessions.add(session);
        return true;
    }

    /** An ESME joined a group that may be bound already: it hears a bind_resp of one of its SMSCs at once. */
    void joined(EsmeSession session) {
        for (SmscConnection connection : this.upstreams) {
            ChannelBuffer response = connection.bindResponse();
            if (connection.state() == SmscConnection.State.BOUND && response != null) {
                session.upstreamBound(this, response);
                return;
            }
        }
    }

    /** Removes an ESME bind; true when it was the last one and the group is now ending. */
    synchronized boolean remove(EsmeSession session) {
        if (!this.sessions.remove(session)) {
            return false;
        }
        this.receipts.forget(session);
        if (this.sessions.isEmpty()) {
            this.closed = true;
        }
        return this.closed;
    }

    @Override
    public void detach(EsmeSession session) {
        this.dispatcher.leave(this, session);
    }

    /** Binds on every SMSC known now; with none, the ESME binds fail. */
    void start() {
        this.serversChanged(this.dispatcher.servers().all());
        boolean none;
        synchronized (this) {
            none = this.bySmsc.isEmpty();
        }
        if (none) {
            this.giveUp(PduHeader.ESME_RBINDFAIL);
        }
    }

    /** The SMSCs changed: a bind on each new one, the binds on the ones gone are unbound. */
    void serversChanged(List<InetSocketAddress> servers) {
        List<SmscConnection> added = new ArrayList<>();
        List<SmscConnection> removed = new ArrayList<>();
        synchronized (this) {
            if (this.closed) {
                return;
            }
            for (InetSocketAddress server : servers) {
                if (!this.bySmsc.containsKey(server)) {
                    SmscConnection connection = SmscConnection.forGroup(this.dispatcher, this, this.bind, this.bindFrame, server);
                    this.bySmsc.put(server, connection);
                    added.add(connection);
                }
            }
            for (SmscConnection connection : this.bySmsc.values()) {
                if (!servers.contains(connection.server())) {
                    removed.add(connection);
                }
            }
            removed.forEach(connection -> this.bySmsc.remove(connection.server()));
            this.upstreams = this.bySmsc.values().toArray(new SmscConnection[0]);
        }
        removed.forEach(SmscConnection::end);
        added.forEach(SmscConnection::start);
    }

    /**
     * To the upstream bind to-provider-algorithm picks (each in turn, or the first listed), skipping those rebinding,
     * down or whose socket takes no bytes.
     */
    @Override
    public Relay relayRequest(EsmeSession origin, ChannelBuffer frame, int commandId, int sequence) {
        SmscConnection[] all = this.upstreams;
        int start = this.dispatcher.settings().toProviderAlgorithm().start(this.nextUpstream);
        Relay result = Relay.DOWN;
        for (int i = 0; i < all.length; i++) {
            Relay relay = all[Math.floorMod(start + i, all.length)].relayRequest(origin, frame, commandId, sequence);
            if (relay == Relay.SENT) {
                return relay;
            }
            if (relay == Relay.BLOCKED) {
                result = relay;
            }
        }
        return result;
    }

    /** One SMSC socket feeds every ESME of the group: it is never paused for one of them. */
    @Override
    public Channel feeder() {
        return null;
    }

    /**
     * Relays an SMSC request: a receipt to the submitter of its message, else as to-node-algorithm says, skipping
     * receivers whose socket holds max-queued-bytes. Returns the status the SMSC hears when nobody took it.
     */
    int relayRequestFromSmsc(SmscConnection origin, ChannelBuffer frame, int commandId, int sequence) {
        if (commandId == PduHeader.DELIVER_SM) {
            EsmeSession submitter = this.receipts.submitterOf(frame, this.dispatcher.transcoder());
            if (submitter != null && submitter.state() == EsmeSession.State.BOUND) {
                return submitter.relayRequestFromSmsc(origin, frame, commandId, sequence);
            }
        }
        if (this.dispatcher.settings().toNodeAlgorithm() == SmppToNodeAlgorithm.SUBMIT_TO_ALL) {
            return this.relayToAll(origin, frame, commandId, sequence);
        }
        EsmeSession receiver = this.nextReceiver();
        return (receiver != null) ? receiver.relayRequestFromSmsc(origin, frame, commandId, sequence) : PduHeader.ESME_RSYSERR;
    }

    /** The receiving ESMEs in turn, skipping those whose socket holds max-queued-bytes (when all do, one of them, which refuses it). */
    private EsmeSession nextReceiver() {
        List<EsmeSession> all = this.sessions;
        EsmeSession blocked = null;
        for (int tries = all.size(); tries > 0; tries--) {
            int size = all.size();
            if (size == 0) {
                return null;
            }
            EsmeSession candidate = all.get(Math.floorMod(this.nextReceiver.getAndIncrement(), size));
            if (receives(candidate)) {
                if (candidate.takesBytes()) {
                    return candidate;
                }
                blocked = candidate;
            }
        }
        return blocked;
    }

    /** A copy to every receiving ESME; the SMSC hears the first answer, or a failure once no copy can be answered. */
    private int relayToAll(SmscConnection origin, ChannelBuffer frame, int commandId, int sequence) {
        List<EsmeSession> receivers = this.sessions.stream().filter(MuxGroup::receives).toList();
        if (receivers.isEmpty()) {
            return PduHeader.ESME_RSYSERR;
        }
        FirstAnswer answer = new FirstAnswer(origin, commandId, sequence, receivers.size());
        for (EsmeSession receiver : receivers) {
            int status = receiver.relayRequestFromSmsc(answer, frame.copy(), commandId, sequence);
            if (status != PduHeader.ESME_ROK) {
                answer.refused(status);
            }
        }
        answer.allRelayed();
        return PduHeader.ESME_ROK;
    }

    private static boolean receives(EsmeSession session) {
        return session.state() == EsmeSession.State.BOUND && session.bindCommandId() != PduHeader.BIND_TRANSMITTER;
    }

    /** The socket of an ESME of the group, whose I/O thread then serves the new upstream socket too; or null. */
    Channel esmeChannel() {
        for (EsmeSession session : this.sessions) {
            return session.channel();
        }
        return null;
    }

    /** An upstream bind succeeded: the ESMEs still binding are bound. False when the connection is no longer ours. */
    boolean upstreamBound(SmscConnection connection, ChannelBuffer bindResponse) {
        synchronized (this) {
            if (this.closed || this.bySmsc.get(connection.server()) != connection) {
                return false;
            }
            this.everBound = true;
        }
        for (EsmeSession session : this.sessions) {
            session.upstreamBound(this, bindResponse);
        }
        return true;
    }

    /**
     * A bind attempt on the connection's SMSC failed (the connection is marked rebinding after a failed attempt).
     * True: try that SMSC again after reconnect-interval, since another bind of the group is bound or may still be.
     * False: no SMSC is left; the group ends and its ESMEs hear so.
     */
    boolean upstreamFailed(SmscConnection connection, int status) {
        synchronized (this) {
            if (this.closed || this.bySmsc.get(connection.server()) != connection) {
                return false;
            }
            for (SmscConnection other : this.bySmsc.values()) {
                if (other != connection && other.isHopeful()) {
                    return true;
                }
            }
        }
        this.giveUp(status);
        return false;
    }

    /** No SMSC accepts the group's binds: ESMEs binding fail with the status, bound ones are unbound. */
    private void giveUp(int status) {
        List<SmscConnection> connections;
        boolean rebind;
        synchronized (this) {
            this.closed = true;
            rebind = this.everBound;
            connections = List.copyOf(this.bySmsc.values());
            this.bySmsc.clear();
            this.upstreams = new SmscConnection[0];
        }
        this.dispatcher.forget(this);
        LoadBalancerLogger.ROOT_LOGGER.smppBindFailed(this.bind.getSystemId(), status);
        connections.forEach(SmscConnection::close);
        for (EsmeSession session : this.sessions) {
            if (rebind) {
                session.upstreamGone();
            } else {
                session.upstreamBindFailed(status);
            }
        }
    }

    /** The last ESME left (or the balancer stops): every upstream bind of the group is unbound. */
    void close() {
        List<SmscConnection> connections;
        synchronized (this) {
            this.closed = true;
            connections = List.copyOf(this.bySmsc.values());
            this.bySmsc.clear();
            this.upstreams = new SmscConnection[0];
        }
        connections.forEach(SmscConnection::end);
    }
}

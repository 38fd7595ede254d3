package org.restcomm.lb.smpp;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;

/** Where a bound ESME's requests go: its own upstream bind (regular mode) or its mux group's binds (mux mode). */
interface Upstream {

    /** What became of a request handed to the upstream side. */
    enum Relay {
        SENT,
        /** Bound, but the SMSC's socket holds max-queued-bytes: the ESME hears ESME_RTHROTTLED. */
        BLOCKED,
        /** No upstream bind can take it now (rebinding or down): the ESME hears rebinding-status. */
        DOWN
    }

    /** Relays an ESME request. */
    Relay relayRequest(EsmeSession origin, ChannelBuffer frame, int commandId, int sequence);

    /** True when other ESME binds share the upstream binds: an ESME's unbind is then answered locally. */
    boolean isShared();

    /** The ESME is gone or unbinding; the last one leaving unbinds upstream. */
    void detach(EsmeSession session);

    /**
     * The socket that feeds only this ESME (regular mode: its SMSC's), paused while the ESME takes no bytes; null in mux
     * mode, where one SMSC socket feeds many ESMEs and requests for a slow one are refused instead.
     */
    Channel feeder();
}

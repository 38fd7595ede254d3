package org.restcomm.lb.smpp;

import org.jboss.netty.buffer.ChannelBuffer;

/** Where a bound ESME's requests go: its own upstream bind (regular mode) or its mux group's binds (mux mode). */
interface Upstream {

    /** Relays an ESME request; false when no upstream bind can take it now (rebinding or down). */
    boolean relayRequest(EsmeSession origin, ChannelBuffer frame, int commandId, int sequence);

    /** True when other ESME binds share the upstream binds: an ESME's unbind is then answered locally. */
    boolean isShared();

    /** The ESME is gone or unbinding; the last one leaving unbinds upstream. */
    void detach(EsmeSession session);
}

package org.restcomm.lb.smpp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.jboss.netty.buffer.ChannelBuffer;

/**
 * Requests relayed over one connection and not yet answered, by the sequence number this connection gave them.
 * Each connection numbers its own requests, so two ESMEs' sequence number 1 never collide upstream.
 * A leaf lock: nothing here calls out while holding it.
 */
final class PendingRequests {

    /** One relayed request: who asked, under which number, and until when the answer may come. */
    static final class Pending {
        final SmppEndpoint origin;
        final int originalSequence;
        final int commandId;
        final long deadline;

        Pending(SmppEndpoint origin, int originalSequence, int commandId, long deadline) {
            this.origin = origin;
            this.originalSequence = originalSequence;
            this.commandId = commandId;
            this.deadline = deadline;
        }
    }

    private final Map<Integer, Pending> bySequence = new HashMap<>();
    private int lastSequence;

    /** A fresh sequence number for a request of our own (enquire_link, bind, unbind). */
    synchronized int nextSequence() {
        // 1..0x7FFFFFFF, as SMPP 3.4 allows
        this.lastSequence = (this.lastSequence == Integer.MAX_VALUE) ? 1 : this.lastSequence + 1;
        return this.lastSequence;
    }

    /** Remembers a relayed request and returns the sequence number it travels under. */
    int add(SmppEndpoint origin, int originalSequence, int commandId, long deadline) {
        Pending pending = new Pending(origin, originalSequence, commandId, deadline);
        synchronized (this) {
            int sequence = this.nextSequence();
            this.bySequence.put(sequence, pending);
            return sequence;
        }
    }

    /** Gives a relayed request this connection's next sequence number, remembering the original for its answer. */
    void renumber(ChannelBuffer frame, SmppEndpoint origin, int originalSequence, int commandId, long deadline) {
        PduHeader.setSequenceNumber(frame, this.add(origin, originalSequence, commandId, deadline));
    }

    synchronized Pending remove(int sequence) {
        return this.bySequence.remove(sequence);
    }

    synchronized List<Pending> removeExpired(long now) {
        List<Pending> expired = null;
        for (Iterator<Pending> it = this.bySequence.values().iterator(); it.hasNext();) {
            Pending pending = it.next();
            if (pending.deadline <= now) {
                it.remove();
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(pending);
            }
        }
        return (expired != null) ? expired : List.of();
    }

    synchronized List<Pending> removeAll() {
        List<Pending> all = new ArrayList<>(this.bySequence.values());
        this.bySequence.clear();
        return all;
    }

    synchronized int size() {
        return this.bySequence.size();
    }
}

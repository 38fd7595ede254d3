package org.restcomm.lb.smpp;

import org.jboss.netty.channel.Channel;

/**
 * Backpressure for the socket one endpoint writes to: while Netty holds max-queued-bytes for it (the socket is not
 * writable) the socket that feeds it is not read, and requests for it are refused; a socket blocked longer than
 * write-stall-timeout is reported stalled. The feeding socket's readability belongs to exactly one gate, so every
 * update can simply make it agree with the written socket; the dispatcher's tick repeats the update, which repairs
 * a pause and a resume that two threads applied in the wrong order.
 */
final class WriteGate {

    /** Monotonic milliseconds since which the socket has refused writes; 0 while it takes them. */
    private volatile long blockedSince;

    /**
     * The written socket's writability changed, or may have: pause or resume the feeding socket.
     *
     * @param out the socket this endpoint writes to
     * @param feeder the socket whose reads produce those writes, or null when it must not be paused (it feeds others too)
     */
    void update(Channel out, Channel feeder, long now) {
        boolean blocked = out != null && out.isOpen() && !out.isWritable();
        if (blocked) {
            if (this.blockedSince == 0) {
                this.blockedSince = Math.max(1, now);
            }
        } else {
            this.blockedSince = 0;
        }
        // setReadable fires channelInterestChanged at once on the feeder's own I/O thread: no lock is held here
        if (feeder != null && feeder.isConnected() && feeder.isReadable() == blocked) {
            feeder.setReadable(!blocked);
        }
    }

    /**
     * The endpoint is gone: its feeding socket is read again (it may have an unbind to answer). Unconditional, since
     * isReadable() does not yet show a pause queued from another thread.
     */
    void release(Channel feeder) {
        this.blockedSince = 0;
        if (feeder != null && feeder.isConnected()) {
            feeder.setReadable(true);
        }
    }

    /** True while the written socket refuses writes: requests for it are refused, answers still pass. */
    boolean blocked() {
        return this.blockedSince != 0;
    }

    /** True when the written socket has refused writes for longer than the timeout. */
    boolean stalled(long now, long timeoutMillis) {
        long since = this.blockedSince;
        return since != 0 && now - since > timeoutMillis;
    }
}

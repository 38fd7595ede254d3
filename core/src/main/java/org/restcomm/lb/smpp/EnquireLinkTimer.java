package org.restcomm.lb.smpp;

/** When to probe a peer with enquire_link and when its silence means the connection is dead. */
final class EnquireLinkTimer {

    enum Action { NONE, SEND, EXPIRED }

    private final long intervalMillis;
    private final long answerTimeoutMillis;
    private long nextProbeAt;
    private long answerDeadline = -1;

    EnquireLinkTimer(long intervalMillis, long answerTimeoutMillis, long now) {
        this.intervalMillis = intervalMillis;
        this.answerTimeoutMillis = answerTimeoutMillis;
        this.nextProbeAt = now + intervalMillis;
    }

    synchronized Action check(long now) {
        if (this.answerDeadline >= 0) {
            return (now >= this.answerDeadline) ? Action.EXPIRED : Action.NONE;
        }
        if (now >= this.nextProbeAt) {
            this.answerDeadline = now + this.answerTimeoutMillis;
            this.nextProbeAt = now + this.intervalMillis;
            return Action.SEND;
        }
        return Action.NONE;
    }

    synchronized void answered() {
        this.answerDeadline = -1;
    }
}

package org.restcomm.lb.http;

import java.io.IOException;

import io.undertow.server.RequestTooBigException;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.conduits.StreamSourceConduit;

/** Counts request body bytes as they stream to the node, and tells when a body grows past max-request-size. */
final class CountingRequestConduit extends CountingSourceConduit {

    /** Body bytes past the limit read and dropped before the client's connection is closed instead. */
    static final long DRAIN_ALLOWANCE = 8L << 20;

    private final long limit;
    private final Runnable overLimit;
    private long total;
    private boolean exceeded;

    /** @param limit bytes allowed, 0 for no limit; overLimit runs once when the body exceeds it */
    CountingRequestConduit(StreamSourceConduit next, HttpStatistics statistics, long limit, Runnable overLimit) {
        super(next, statistics::bytesToServer);
        this.limit = limit;
        this.overLimit = overLimit;
    }

    @Override
    protected void counted(long bytes) throws IOException {
        this.total += bytes;
        if (this.limit <= 0 || this.total <= this.limit) {
            super.counted(bytes);
            return;
        }
        if (!this.exceeded) {
            this.exceeded = true;
            this.overLimit.run();
        }
        if (this.total > this.limit + DRAIN_ALLOWANCE) {
            // a client that keeps sending far past the limit loses its connection instead of its answer
            throw new RequestTooBigException("request body exceeds max-request-size of " + this.limit + " bytes");
        }
        // read and dropped (the node's connection is closed), so that a client still sending can read the 413
    }
}

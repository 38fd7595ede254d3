package org.restcomm.lb.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import io.undertow.server.RequestTooBigException;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/** Counts request body bytes as they stream to the node, and tells when a body grows past max-request-size. */
final class CountingRequestConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

    /** Body bytes past the limit read and dropped before the client's connection is closed instead. */
    static final long DRAIN_ALLOWANCE = 8L << 20;

    private final HttpStatistics statistics;
    private final long limit;
    private final Runnable overLimit;
    private long total;
    private boolean exceeded;

    /** @param limit bytes allowed, 0 for no limit; overLimit runs once when the body exceeds it */
    CountingRequestConduit(StreamSourceConduit next, HttpStatistics statistics, long limit, Runnable overLimit) {
        super(next);
        this.statistics = statistics;
        this.limit = limit;
        this.overLimit = overLimit;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) this.count(super.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        return this.count(super.read(dsts, offs, len));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return this.count(super.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        // bytes left in throughBuffer were read from the client too
        long transferred = super.transferTo(count, throughBuffer, target);
        this.count(transferred + Math.max(0, throughBuffer.remaining()));
        return transferred;
    }

    private long count(long bytes) throws IOException {
        if (bytes <= 0) {
            return bytes;
        }
        this.total += bytes;
        if (this.limit <= 0 || this.total <= this.limit) {
            this.statistics.bytesToServer(bytes);
            return bytes;
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
        return bytes;
    }
}

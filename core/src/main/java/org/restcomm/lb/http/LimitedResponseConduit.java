package org.restcomm.lb.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import io.undertow.server.HttpServerExchange;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitWritableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

/**
 * max-response-size for an answer streamed without a Content-Length: when it grows past the limit, the node's and
 * the client's connections are closed, so the client sees a cut answer (a chunked body without its last chunk)
 * rather than a whole one. The status line has gone out by then; an answer that declares its size is refused with
 * 502 before that, by {@link NodeExchange}.
 */
final class LimitedResponseConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private final HttpServerExchange exchange;
    private final long limit;
    private long total;

    LimitedResponseConduit(StreamSinkConduit next, HttpServerExchange exchange, long limit) {
        super(next);
        this.exchange = exchange;
        this.limit = limit;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        this.admit(src.remaining());
        int written = super.write(src);
        this.total += written;
        return written;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        this.admit(remaining(srcs, offs, len));
        long written = super.write(srcs, offs, len);
        this.total += written;
        return written;
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        this.admit(src.remaining());
        int written = super.writeFinal(src);
        this.total += written;
        return written;
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        this.admit(remaining(srcs, offs, len));
        long written = super.writeFinal(srcs, offs, len);
        this.total += written;
        return written;
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        // through write(), so that every byte is measured
        return src.transferTo(position, count, new ConduitWritableByteChannel(this));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return Conduits.transfer(source, count, throughBuffer, this);
    }

    /** Refuses the write that would take the answer past the limit, before any of its bytes go out. */
    private void admit(long bytes) throws IOException {
        if (this.total + bytes > this.limit) {
            LoadBalancerLogger.ROOT_LOGGER.httpResponseCut(this.exchange.getRequestMethod().toString(), this.exchange.getRequestURI(), this.limit);
            IoUtils.safeClose(this.exchange.getAttachment(BackendConnectionCallback.BACKEND));
            IoUtils.safeClose(this.exchange.getConnection());
            throw new IOException("the node's answer exceeds max-response-size of " + this.limit + " bytes");
        }
    }

    private static long remaining(ByteBuffer[] buffers, int offset, int length) {
        long remaining = 0;
        for (int i = offset; i < offset + length; i++) {
            remaining += buffers[i].remaining();
        }
        return remaining;
    }
}

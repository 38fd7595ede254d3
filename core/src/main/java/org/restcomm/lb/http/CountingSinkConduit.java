package org.restcomm.lb.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitWritableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

/**
 * Counts the bytes written through it, and reports them; transfers go through write() so that none is missed.
 * Subclasses may refuse a write before any of its bytes go out.
 */
class CountingSinkConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private final LongConsumer counter;
    private long total;

    CountingSinkConduit(StreamSinkConduit next, LongConsumer counter) {
        super(next);
        this.counter = counter;
    }

    /** Counts without reporting anywhere. */
    protected CountingSinkConduit(StreamSinkConduit next) {
        this(next, null);
    }

    /** The bytes written so far. */
    protected final long total() {
        return this.total;
    }

    /** Called with the bytes a write offers, before it is made. */
    protected void admit(long bytes) throws IOException {
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        this.admit(src.remaining());
        return (int) this.count(super.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        this.admit(remaining(srcs, offs, len));
        return this.count(super.write(srcs, offs, len));
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        this.admit(src.remaining());
        return (int) this.count(super.writeFinal(src));
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        this.admit(remaining(srcs, offs, len));
        return this.count(super.writeFinal(srcs, offs, len));
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        return src.transferTo(position, count, new ConduitWritableByteChannel(this));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return Conduits.transfer(source, count, throughBuffer, this);
    }

    private long count(long bytes) {
        if (bytes > 0) {
            this.total += bytes;
            if (this.counter != null) {
                this.counter.accept(bytes);
            }
        }
        return bytes;
    }

    private static long remaining(ByteBuffer[] buffers, int offset, int length) {
        long remaining = 0;
        for (int i = offset; i < offset + length; i++) {
            remaining += buffers[i].remaining();
        }
        return remaining;
    }
}

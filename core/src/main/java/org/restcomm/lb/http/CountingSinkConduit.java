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

/** Reports the bytes written through it; transfers go through write() so that none is missed. */
final class CountingSinkConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private final LongConsumer counter;

    CountingSinkConduit(StreamSinkConduit next, LongConsumer counter) {
        super(next);
        this.counter = counter;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) this.count(super.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        return this.count(super.write(srcs, offs, len));
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        return (int) this.count(super.writeFinal(src));
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
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
            this.counter.accept(bytes);
        }
        return bytes;
    }
}

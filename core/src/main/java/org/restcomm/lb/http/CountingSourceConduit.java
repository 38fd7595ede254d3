package org.restcomm.lb.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/** Reports the bytes read through it; transfers go through read() so that none is missed. */
final class CountingSourceConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

    private final LongConsumer counter;

    CountingSourceConduit(StreamSourceConduit next, LongConsumer counter) {
        super(next);
        this.counter = counter;
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
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }

    private long count(long bytes) {
        if (bytes > 0) {
            this.counter.accept(bytes);
        }
        return bytes;
    }
}

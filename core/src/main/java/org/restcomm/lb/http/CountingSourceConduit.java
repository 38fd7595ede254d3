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
class CountingSourceConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

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

    /** Called with the bytes each read brought in; reports them. */
    protected void counted(long bytes) throws IOException {
        this.counter.accept(bytes);
    }

    private long count(long bytes) throws IOException {
        if (bytes > 0) {
            this.counted(bytes);
        }
        return bytes;
    }
}

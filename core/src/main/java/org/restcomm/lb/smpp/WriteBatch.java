package org.restcomm.lb.smpp;

import java.util.ArrayList;
import java.util.List;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.buffer.ChannelBuffers;
import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelFuture;
import org.jboss.netty.channel.socket.nio.NioSocketChannel;

/**
 * The PDUs relayed while one socket read is handled, written per destination socket when the read is done: one
 * write(2) and one Netty write event per socket and read, instead of one per PDU. Only sockets served by the reading
 * thread are held back (with SameWorkerPool, both sockets of a relay); any other write goes out at once. Confined to
 * its I/O thread.
 */
final class WriteBatch {

    private static final ThreadLocal<WriteBatch> CURRENT = ThreadLocal.withInitial(WriteBatch::new);

    private final List<Channel> channels = new ArrayList<>();
    private final List<List<ChannelBuffer>> frames = new ArrayList<>();
    private int used;
    private int depth;
    private Object worker;

    private WriteBatch() {
    }

    /** Starts holding writes back, for the read of a socket; pair with end(). */
    static WriteBatch begin(Channel reading) {
        WriteBatch batch = CURRENT.get();
        if (batch.depth++ == 0) {
            batch.worker = worker(reading);
        }
        return batch;
    }

    /** Writes what was held back, when the outermost read is done. */
    void end() {
        if (--this.depth == 0) {
            this.worker = null;
            this.flushAll();
        }
    }

    /** Writes a frame: held back until the current read is done when this thread serves the socket, else at once. */
    static void write(Channel channel, ChannelBuffer frame) {
        WriteBatch batch = CURRENT.get();
        Object owner = batch.worker;
        if (owner != null && worker(channel) == owner) {
            batch.add(channel, frame);
        } else {
            channel.write(frame);
        }
    }

    /** Writes a frame at once, after what is held back for its socket: for a write whose completion is waited for. */
    static ChannelFuture writeNow(Channel channel, ChannelBuffer frame) {
        CURRENT.get().flush(channel);
        return channel.write(frame);
    }

    /** Closes a socket after what is held back for it. */
    static ChannelFuture close(Channel channel) {
        CURRENT.get().flush(channel);
        return channel.close();
    }

    private static Object worker(Channel channel) {
        return (channel instanceof NioSocketChannel socket) ? socket.getWorker() : null;
    }

    private void add(Channel channel, ChannelBuffer frame) {
        for (int i = 0; i < this.used; i++) {
            if (this.channels.get(i) == channel) {
                this.frames.get(i).add(frame);
                return;
            }
        }
        if (this.used == this.channels.size()) {
            this.channels.add(channel);
            this.frames.add(new ArrayList<>());
        } else {
            this.channels.set(this.used, channel);
        }
        this.frames.get(this.used++).add(frame);
    }

    private void flush(Channel channel) {
        for (int i = 0; i < this.used; i++) {
            if (this.channels.get(i) == channel) {
                writeOut(channel, this.frames.get(i));
            }
        }
    }

    private void flushAll() {
        // a write that fails closes its socket, whose handlers may write again: those go out at once (worker is null)
        for (int i = 0; i < this.used; i++) {
            writeOut(this.channels.get(i), this.frames.get(i));
            this.channels.set(i, null);
        }
        this.used = 0;
    }

    private static void writeOut(Channel channel, List<ChannelBuffer> pending) {
        int count = pending.size();
        if (count == 1) {
            channel.write(pending.get(0));
        } else if (count > 1) {
            channel.write(ChannelBuffers.wrappedBuffer(pending.toArray(new ChannelBuffer[count])));
        }
        pending.clear();
    }
}

package org.restcomm.lb.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.undertow.server.HttpServerExchange;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

/**
 * Closes a client connection whose answer has been waiting for the client's socket longer than write-stall-timeout,
 * and the node's connection with it. Undertow's proxy already holds back the node's answer while the client does not
 * read (writes resumed here mean that wait); this counts and logs what XNIO's WRITE_TIMEOUT would do silently. Timer
 * and writes run on the exchange's I/O thread.
 */
final class WriteStallConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private final HttpServerExchange exchange;
    private final long timeoutMillis;
    private final HttpStatistics statistics;
    /** When the client last took bytes, or the wait began. */
    private long lastProgress;
    private XnioExecutor.Key timer;

    WriteStallConduit(StreamSinkConduit next, HttpServerExchange exchange, long timeoutMillis, HttpStatistics statistics) {
        super(next);
        this.exchange = exchange;
        this.timeoutMillis = timeoutMillis;
        this.statistics = statistics;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) this.progress(super.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        return this.progress(super.write(srcs, offs, len));
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        return (int) this.progress(super.writeFinal(src));
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        return this.progress(super.writeFinal(srcs, offs, len));
    }

    @Override
    public long transferFrom(java.nio.channels.FileChannel src, long position, long count) throws IOException {
        return this.progress(super.transferFrom(src, position, count));
    }

    @Override
    public long transferFrom(org.xnio.channels.StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return this.progress(super.transferFrom(source, count, throughBuffer));
    }

    private long progress(long bytes) {
        if (bytes > 0) {
            this.lastProgress = now();
        }
        return bytes;
    }

    @Override
    public void resumeWrites() {
        super.resumeWrites();
        this.startWaiting();
    }

    @Override
    public void wakeupWrites() {
        super.wakeupWrites();
        this.startWaiting();
    }

    @Override
    public void suspendWrites() {
        super.suspendWrites();
        this.stopWaiting();
    }

    @Override
    public void terminateWrites() throws IOException {
        try {
            super.terminateWrites();
        } finally {
            this.stopWaiting();
        }
    }

    @Override
    public void truncateWrites() throws IOException {
        try {
            super.truncateWrites();
        } finally {
            this.stopWaiting();
        }
    }

    private void startWaiting() {
        this.lastProgress = now();
        if (this.timer == null) {
            this.timer = this.exchange.getIoThread().executeAfter(this::check, this.timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void stopWaiting() {
        XnioExecutor.Key key = this.timer;
        if (key != null) {
            this.timer = null;
            key.remove();
        }
    }

    private void check() {
        this.timer = null;
        if (!this.isWriteResumed() || !this.exchange.getConnection().isOpen()) {
            return;
        }
        long waited = now() - this.lastProgress;
        if (waited < this.timeoutMillis) {
            this.timer = this.exchange.getIoThread().executeAfter(this::check, this.timeoutMillis - waited, TimeUnit.MILLISECONDS);
            return;
        }
        this.statistics.stalledConnection();
        LoadBalancerLogger.ROOT_LOGGER.httpWriteStalled(String.valueOf(this.exchange.getSourceAddress()), this.timeoutMillis);
        IoUtils.safeClose(this.exchange.getAttachment(BackendConnectionCallback.BACKEND));
        IoUtils.safeClose(this.exchange.getConnection());
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }
}

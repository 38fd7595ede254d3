package org.restcomm.lb.http;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.undertow.server.HttpServerExchange;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.xnio.IoUtils;
import org.xnio.conduits.StreamSinkConduit;

/**
 * max-response-size for an answer streamed without a Content-Length: the answer's first bytes up to the limit go
 * out, with its status line and headers; then the node's and the client's connections are closed, so the client sees
 * a cut answer (a chunked body without its last chunk) rather than a whole one. An answer that declares its size is
 * refused with 502 before any of it goes out, by {@link NodeExchange}.
 */
final class LimitedResponseConduit extends CountingSinkConduit {

    private final HttpServerExchange exchange;
    private final long limit;

    LimitedResponseConduit(StreamSinkConduit next, HttpServerExchange exchange, long limit) {
        super(next);
        this.exchange = exchange;
        this.limit = limit;
    }

    /**
     * A write that would pass the limit sends what still fits (and so the status line and headers, which go out with
     * the first body bytes); the next one is refused.
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        long room = this.limit - this.total();
        if (room <= 0 || src.remaining() <= room) {
            return super.write(src);
        }
        int end = src.limit();
        src.limit(src.position() + (int) room);
        try {
            return super.write(src);
        } finally {
            src.limit(end);
        }
    }

    /** Refuses the write that would take the answer past the limit, before any of its bytes go out. */
    @Override
    protected void admit(long bytes) throws IOException {
        if (this.total() + bytes > this.limit) {
            LoadBalancerLogger.ROOT_LOGGER.httpResponseCut(this.exchange.getRequestMethod().toString(), this.exchange.getRequestURI(), this.limit);
            IoUtils.safeClose(this.exchange.getAttachment(BackendConnectionCallback.BACKEND));
            IoUtils.safeClose(this.exchange.getConnection());
            throw new IOException("the node's answer exceeds max-response-size of " + this.limit + " bytes");
        }
    }
}

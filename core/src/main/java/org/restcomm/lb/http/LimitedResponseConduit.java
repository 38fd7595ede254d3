package org.restcomm.lb.http;

import java.io.IOException;

import io.undertow.server.HttpServerExchange;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.xnio.IoUtils;
import org.xnio.conduits.StreamSinkConduit;

/**
 * max-response-size for an answer streamed without a Content-Length: when it grows past the limit, the node's and
 * the client's connections are closed, so the client sees a cut answer (a chunked body without its last chunk)
 * rather than a whole one. The status line has gone out by then; an answer that declares its size is refused with
 * 502 before that, by {@link NodeExchange}.
 */
final class LimitedResponseConduit extends CountingSinkConduit {

    private final HttpServerExchange exchange;
    private final long limit;

    LimitedResponseConduit(StreamSinkConduit next, HttpServerExchange exchange, long limit) {
        super(next);
        this.exchange = exchange;
        this.limit = limit;
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

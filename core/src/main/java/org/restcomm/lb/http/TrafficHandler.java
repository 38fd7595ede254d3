package org.restcomm.lb.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.IoUtils;

/**
 * In front of the proxy: counts requests, responses, bytes and connections, refuses bodies over max-request-size
 * with 413 — at once when Content-Length says so, else when the streamed body passes the limit — and measures
 * streamed answers against max-response-size.
 */
final class TrafficHandler implements HttpHandler {

    /** Bodies up to this size are read and dropped before a 413, so the client reads it; larger ones are cut at once. */
    private static final long DRAINED_BODY_LIMIT = 16L * 1024 * 1024;


    private static final AttachmentKey<Boolean> COUNTED = AttachmentKey.create(Boolean.class);
    private static final AttachmentKey<Boolean> TOO_LARGE = AttachmentKey.create(Boolean.class);
    private static final HttpString[] FORWARDING_CLAIMS = { Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_HOST, Headers.X_FORWARDED_PORT,
            Headers.X_FORWARDED_SERVER };
    private static final String TOO_LARGE_BODY = "Request body larger than the load balancer's max-request-size\n";

    private final HttpStatistics statistics;
    private final long maxRequestSize;
    private final long maxResponseSize;
    private final boolean forwardedHeaders;
    private final long writeStallTimeout;
    private final HttpHandler next;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    /** One listener for every exchange, not one allocated per request. */
    private final ExchangeCompletionListener countResponse;
    private volatile boolean closed;

    TrafficHandler(HttpStatistics statistics, HttpBalancerSettings settings, HttpHandler next) {
        this.statistics = statistics;
        this.maxRequestSize = settings.maxRequestSize();
        this.maxResponseSize = settings.maxResponseSize();
        this.forwardedHeaders = settings.forwardedHeaders();
        this.writeStallTimeout = settings.writeStallTimeout();
        this.next = next;
        this.countResponse = (done, nextListener) -> {
            statistics.responseReturned(done.getStatusCode());
            statistics.bytesToClient(done.getResponseBytesSent());
            nextListener.proceed();
        };
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (this.closed) {
            // accepted before the engine stopped: the old settings must not serve it
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        this.countConnection(exchange.getConnection());
        this.statistics.requestForwarded(exchange.getRequestMethod().toString());
        exchange.addExchangeCompleteListener(this.countResponse);
        if (this.maxRequestSize > 0 && exchange.getRequestContentLength() > this.maxRequestSize) {
            exchange.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
            exchange.setPersistent(false);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
            if (exchange.getRequestContentLength() <= DRAINED_BODY_LIMIT) {
                // read and drop the body first: closing on a client still sending resets the connection, and the
                // reset can destroy the 413 before the client reads it
                exchange.getRequestReceiver().receivePartialBytes((drained, bytes, last) -> {
                    if (last) {
                        drained.getResponseSender().send(TOO_LARGE_BODY);
                    }
                });
            } else {
                exchange.getResponseSender().send(TOO_LARGE_BODY);
            }
            return;
        }
        if (hasBody(exchange)) {
            if (this.maxRequestSize > 0) {
                exchange.addResponseCommitListener(TrafficHandler::answerTooLarge);
            }
            exchange.addRequestWrapper((factory, wrapped) -> new CountingRequestConduit(factory.create(), this.statistics, this.maxRequestSize,
                    () -> cutOff(wrapped)));
        }
        if (this.forwardedHeaders) {
            removeClientForwardingClaims(exchange.getRequestHeaders());
        }
        if (this.maxResponseSize > 0) {
            // answers the balancer makes itself (413, 502, 503) are not the node's and not measured
            exchange.addResponseWrapper((factory, wrapped) -> (wrapped.getAttachment(BackendConnectionCallback.BACKEND) != null)
                    ? new LimitedResponseConduit(factory.create(), wrapped, this.maxResponseSize) : factory.create());
        }
        if (this.writeStallTimeout > 0) {
            exchange.addResponseWrapper((factory, wrapped) -> new WriteStallConduit(factory.create(), wrapped, this.writeStallTimeout, this.statistics));
        }
        this.next.handleRequest(exchange);
    }

    /**
     * The scheme, host, port and server of the hop into the balancer are the balancer's to tell: ProxyHandler, which
     * chains X-Forwarded-For, would otherwise pass on a client's own X-Forwarded-Proto: https over plain HTTP, and a
     * node trusting proxy headers would take the request as secure. The RFC 7239 Forwarded header keeps the chain.
     */
    private static void removeClientForwardingClaims(HeaderMap headers) {
        for (HttpString claim : FORWARDING_CLAIMS) {
            if (headers.contains(claim)) {
                headers.remove(claim);
            }
        }
    }

    /**
     * Whether a body follows the request head: without Content-Length or Transfer-Encoding an HTTP/1.x request has
     * none, and most requests (GET, HEAD) need neither the byte count nor the size check.
     */
    private static boolean hasBody(HttpServerExchange exchange) {
        long length = exchange.getRequestContentLength();
        return length > 0 || (length < 0 && exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING));
    }

    private static void answerTooLarge(HttpServerExchange committing) {
        if (committing.getAttachment(TOO_LARGE) != null) {
            // the proxy gave up on the node with a 500; the client's body was the cause
            committing.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
        }
    }

    /**
     * The body passed max-request-size while streaming to the node: the node's connection is closed, so the node
     * never takes the cut body as whole, while the client's connection stays up to read the 413.
     */
    private static void cutOff(HttpServerExchange exchange) {
        exchange.putAttachment(TOO_LARGE, Boolean.TRUE);
        IoUtils.safeClose(exchange.getAttachment(BackendConnectionCallback.BACKEND));
    }

    /** A connection counts as active from its first request until it closes. */
    private void countConnection(ServerConnection connection) {
        if (connection.getAttachment(COUNTED) == null) {
            connection.putAttachment(COUNTED, Boolean.TRUE);
            this.statistics.activeConnections().increment();
            this.connections.add(connection);
            connection.addCloseListener(closing -> {
                this.connections.remove(closing);
                this.statistics.activeConnections().decrement();
            });
            if (this.closed) {
                IoUtils.safeClose(connection);
            }
        }
    }

    /**
     * Closes every client connection, kept-alive and upgraded ones too, and any that sends a request later: the
     * listener's stop leaves accepted connections running on this handler, with the settings of a stopped engine.
     */
    void closeConnections() {
        this.closed = true;
        java.util.List<ServerConnection> open = java.util.List.copyOf(this.connections);
        java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(open.size());
        for (ServerConnection connection : open) {
            // on the connection's own I/O thread: an exchange still under way ends with it, and Undertow's proxy
            // pool, returning its node connection, allows that only there
            Runnable close = () -> {
                IoUtils.safeClose(connection);
                closing.countDown();
            };
            try {
                connection.getIoThread().execute(close);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                close.run();
            }
        }
        try {
            // the engine has stopped once they are closed; bounded, should the stop run on an I/O thread itself
            closing.await(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

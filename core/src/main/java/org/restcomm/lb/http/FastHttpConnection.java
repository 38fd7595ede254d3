package org.restcomm.lb.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.util.NetworkUtils;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;

/**
 * One client connection on the {@link HttpFastPath}: its requests are read and framed in place, relayed to a node
 * connection of the same I/O thread, and the node's answer is relayed back from the same buffer it was read into.
 * One request at a time: pipelined requests wait in the buffer until the answer before them is through. Everything
 * runs on the connection's I/O thread.
 */
final class FastHttpConnection {

    private static final LoadBalancerLogger LOGGER = LoadBalancerLogger.ROOT_LOGGER;
    private static final int READING = 0;
    private static final int EXCHANGING = 1;
    private static final int DONE = 2;
    /** Reading and dropping the rest of a body answered early, before the close (drainBody). */
    private static final int DRAINING = 3;
    /** Bodies up to this much left are drained before the close, as TrafficHandler drains them before its 413. */
    private static final long DRAINED_BODY_LIMIT = 16L * 1024 * 1024;
    private static final byte[] CRLF = { '\r', '\n' };
    private static final byte[] X_FORWARDED_FOR = HttpRequestHead.ascii("X-Forwarded-For: ");
    private static final byte[] FORWARDED = HttpRequestHead.ascii("Forwarded: ");
    private static final byte[] NO_NODE_ANSWER = HttpRequestHead.ascii("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    /** What Undertow's ProxyHandler tries again after a failure (its IdempotentPredicate). */
    private static final String[] IDEMPOTENT = { "GET", "HEAD", "OPTIONS", "PUT", "DELETE" };

    private final HttpFastPath engine;
    private final StreamConnection client;
    private final NodeLinks links;
    private final HttpStatistics statistics;
    private final HttpRequestHead head = new HttpRequestHead();
    private final HeadRequestView view = new HeadRequestView();
    private final HttpResponseFraming answer = new HttpResponseFraming();
    private final byte[] clientIp;
    private final String forPart;

    private int state = READING;
    private ByteBuffer in;
    /** A partial head between reads, out of the direct buffer (parkPartialHead). */
    private ByteBuffer parked;
    private int readStart;
    private int readEnd;
    /** The request being relayed, then the node's answer being relayed. */
    private ByteBuffer work;
    private NodeLinks.Link link;
    private Node node;
    /** A request head not whole after this many bytes is Undertow's. */
    private static final int MAX_PARTIAL_HEAD = 8 * 1024;

    /** Room the forwarding lines need beside the client's head in the request buffer. */
    private static final int FORWARDING_ROOM = 512;

    /** Where the request ends in the input buffer, once its last byte has been read; -1 while its body streams. */
    private int requestEnd;
    /** Body bytes still to come from the client, read and written on as they arrive: a body larger than a buffer. */
    private long bodyLeft;
    /** Body bytes of an early-answered request still in the client's socket: drained before the close. */
    private long drainLeft;
    /** The next body byte to write to the node, in the input buffer. */
    private int bodyFrom;
    private long contentLength;
    private boolean headRequest;
    private boolean streamed;
    /** The request's head, and any body in the same buffer, went out to the node. */
    private boolean headSent;
    /** The client is still sending a body nobody will read: its connection ends with the answer. */
    private boolean closeAfterAnswer;
    private String method;
    private boolean counted;
    private boolean requestCounted;
    private boolean responseCounted;
    private boolean retried;
    private boolean requestSent;
    /** The node's answer is read: from the whole request's end, or from the head's for a streamed body (an early answer). */
    private boolean answerExpected;
    /** The node stopped taking a streamed body: what it answered, if anything, is all that is left to read. */
    private boolean bodyRefused;
    /** The node's whole answer went to the client while its body still goes to the node: the later of the two ends the exchange. */
    private boolean answerRelayed;

    // the answer: bytes [relayFrom, writeLimit) of work go to the client next; parsing continues at headStart or bodyScan
    private int relayFrom;
    private int writeLimit;
    private int relayEnd;
    private int headStart;
    private int bodyScan;
    private boolean headDone;
    private boolean answerComplete;
    private boolean answerStarted;
    private boolean linkReusable;
    private int status;
    private long bodyBytes;

    // the forwarding lines, made again only when the Host changes
    private byte[] forwardingHost = new byte[0];
    private byte[] forwardingLines;
    private String forwardedElement;

    // one timer for the connection: the idle, head and write-stall limits move a deadline it checks
    private final long noRequestNanos;
    private final long parseNanos;
    private final long stallNanos;
    private final long checkMillis;
    private long deadline;
    private boolean hasDeadline;
    private boolean stalled;
    /** A request's head has begun and is not whole yet: request-parse-timeout runs. */
    private boolean parsing;
    private XnioExecutor.Key timer;

    FastHttpConnection(HttpFastPath engine, StreamConnection client, NodeLinks links) {
        this.engine = engine;
        this.client = client;
        this.links = links;
        this.statistics = engine.statistics();
        InetSocketAddress peer = client.getPeerAddress(InetSocketAddress.class);
        String ip = (peer != null && peer.getAddress() != null) ? peer.getAddress().getHostAddress() : "localhost";
        this.clientIp = HttpRequestHead.ascii(ip);
        this.forPart = (peer != null && peer.getAddress() != null) ? "for=" + (ip.contains(":") ? "\"[" + ip + "]\"" : ip) + ';' : "";
        HttpBalancerSettings settings = engine.settings();
        this.noRequestNanos = TimeUnit.MILLISECONDS.toNanos(settings.noRequestTimeout());
        this.parseNanos = TimeUnit.MILLISECONDS.toNanos(settings.requestParseTimeout());
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(settings.writeStallTimeout());
        long shortest = Long.MAX_VALUE;
        for (int limit : new int[] { settings.noRequestTimeout(), settings.requestParseTimeout(), settings.writeStallTimeout() }) {
            if (limit > 0) {
                shortest = Math.min(shortest, limit);
            }
        }
        this.checkMillis = shortest;
    }

    void start() {
        this.client.getSourceChannel().setReadListener(channel -> this.guarded(this::clientReadable));
        this.client.getSinkChannel().setWriteListener(channel -> this.guarded(this::clientWritable));
        this.client.setCloseListener(connection -> this.cleanUp());
        this.waitForRequest();
        this.client.getSourceChannel().resumeReads();
    }

    /** A fault of the fast path's own closes the connection it happened on, rather than leave it waiting for ever. */
    private void guarded(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOGGER.httpFastPathFailed(String.valueOf(this.client.getPeerAddress()), e);
            this.close();
        }
    }

    // ---- the client's side

    private void clientReadable() {
        if (this.state == DRAINING) {
            this.drainBody();
            return;
        }
        if (this.state == EXCHANGING && this.headSent && this.bodyLeft > 0 && !this.bodyRefused && this.link != null) {
            if (this.pumpBody()) {
                this.requestSent();
            }
            return;
        }
        if (this.state != READING) {
            // a pipelined request or the client's close, during an exchange: read once the answer is through
            this.client.getSourceChannel().suspendReads();
            return;
        }
        if (this.in == null && !this.takeInputBuffer()) {
            this.close();
            return;
        }
        ByteBuffer buffer = this.in;
        buffer.limit(buffer.capacity()).position(this.readEnd);
        // as Undertow does: a client that half-closes gets no answer to a request it did not finish
        int read = this.readFromClient(buffer);
        if (read < 0) {
            return;
        }
        if (read == 0) {
            this.releaseInputIfEmpty();
            return;
        }
        this.readEnd = buffer.position();
        this.takeRequests();
    }

    /** Reads what the client sent; -1, its connection closed, when it ended its side or failed. */
    private int readFromClient(ByteBuffer buffer) {
        int read;
        try {
            read = this.client.getSourceChannel().read(buffer);
        } catch (IOException e) {
            read = -1;
        }
        if (read < 0) {
            this.close();
        }
        return read;
    }

    /** Frames what was read: a whole fast request is relayed, anything else goes to Undertow. */
    private void takeRequests() {
        while (this.state == READING && this.readEnd > this.readStart) {
            ByteBuffer buffer = this.in;
            // reads by index stop at the limit, which the body's writes moved
            buffer.limit(buffer.capacity());
            int result = this.head.parse(buffer, this.readStart, this.readEnd);
            if (result == HttpRequestHead.INCOMPLETE) {
                if (this.readEnd - this.readStart > MAX_PARTIAL_HEAD) {
                    // a long head arriving in pieces would be framed again from its start at every piece: Undertow's
                    // parser keeps its place
                    this.handOver();
                    return;
                }
                if (this.readEnd == buffer.capacity()) {
                    this.compactInput();
                }
                if (!this.parsing && this.parseNanos > 0) {
                    // request-parse-timeout counts from the head's first bytes
                    this.parsing = true;
                    this.deadlineIn(this.parseNanos);
                }
                this.parkPartialHead();
                return;
            }
            if (this.parsing) {
                // the head is whole: as Undertow's, the parse limit does not cover the body
                this.parsing = false;
                this.hasDeadline = false;
            }
            long maxBody = this.engine.settings().maxRequestSize();
            if (result == HttpRequestHead.NOT_FAST || !this.engine.intake().accepting() || (maxBody > 0 && this.head.contentLength() > maxBody)
                    || this.engine.standsAside()) {
                // Undertow answers the suspended balancer's 503, max-request-size's 413 and the redirect to HTTPS
                this.handOver();
                return;
            }
            long length = this.head.headEnd() - this.readStart + this.head.contentLength();
            if (length > buffer.capacity() - FORWARDING_ROOM) {
                if (this.readStart > 0) {
                    // the head first to the front, so that the body has room behind it; framed again there
                    this.compactInput();
                    continue;
                }
                // a body larger than the buffer streams to the node as it arrives
                this.exchange(true);
                continue;
            }
            if (this.readStart + length > this.readEnd) {
                if (this.readStart + length > buffer.capacity()) {
                    this.compactInput();
                }
                return;
            }
            this.exchange(false);
        }
        this.releaseInputIfEmpty();
    }

    /** @param streamed whether the body streams: the head is in the buffer, the body not all */
    private void exchange(boolean streamed) {
        HeadRequestView request = this.view.of(this.head);
        Node chosen = this.engine.select(request);
        if (chosen == null || chosen.address() == null || chosen.port(NodeAdvertisement.HTTP_PORT).isEmpty() || !this.engine.isRegistered(chosen)) {
            // no node (503 or the unavailable-host), a node known by name only, or one that has just left (its pool
            // would never be retired): Undertow's
            this.handOver();
            return;
        }
        NodeLinks.Pool pool = this.links.pool(chosen, chosen.port(NodeAdvertisement.HTTP_PORT).getAsInt());
        NodeLinks.Link idle = this.links.take(pool);
        if (idle == null && !this.links.canOpen(pool)) {
            // as many requests in flight to the node on this thread as Undertow's pool allows: its queue waits
            this.handOver();
            return;
        }
        this.work = this.links.buffer();
        if (this.work == null) {
            // direct memory used up: Undertow's buffers come from it too, so the connection closes
            if (idle != null) {
                this.links.release(idle);
            }
            this.close();
            return;
        }
        this.streamed = streamed;
        this.contentLength = this.head.contentLength();
        this.headRequest = this.head.methodIs("HEAD");
        this.closeAfterAnswer = false;
        if (!this.writeRequest(this.work)) {
            this.links.recycle(this.work);
            this.work = null;
            if (idle != null) {
                this.links.release(idle);
            }
            this.handOver();
            return;
        }
        this.node = chosen;
        this.method = request.method();
        this.retried = false;
        this.requestCounted = false;
        this.responseCounted = false;
        this.state = EXCHANGING;
        this.hasDeadline = false;
        // the client's reads stay resumed: each suspend and resume would cost an epoll_ctl per request
        this.engine.intake().workStarted();
        if (!this.counted) {
            this.counted = true;
            this.statistics.activeConnections().increment();
        }
        if (idle != null) {
            this.send(idle);
        } else {
            this.connect(pool, true);
        }
    }

    private void connect(NodeLinks.Pool pool, boolean handOverOnFailure) {
        this.links.open(pool, opened -> this.guarded(() -> {
            if (this.state != EXCHANGING || this.link != null) {
                this.links.release(opened);
                return;
            }
            this.send(opened);
        }), failure -> this.guarded(() -> {
            if (this.state != EXCHANGING || this.link != null) {
                return;
            }
            if (handOverOnFailure) {
                // never sent: Undertow's pool tries again, marks the node resting, answers 503 as it always did
                this.endExchangeForUndertow();
            } else {
                this.answerNoNode();
            }
        }));
    }

    /**
     * The request as the node gets it: the client's request line and headers, without its X-Forwarded-Proto, -Host,
     * -Port and -Server, then the forwarding headers as Undertow's ProxyHandler adds them, then the body when it is
     * all in the buffer; a streamed one follows from the input buffer.
     *
     * @return false when it does not fit the buffer
     */
    private boolean writeRequest(ByteBuffer out) {
        this.headSent = false;
        this.answerExpected = false;
        this.bodyRefused = false;
        this.answerRelayed = false;
        this.bodyFrom = this.head.headEnd();
        this.bodyLeft = this.streamed ? this.contentLength : 0;
        this.requestEnd = this.streamed ? -1 : this.head.headEnd() + (int) this.contentLength;
        this.in.limit(this.in.capacity());
        ByteBuffer source = this.in;
        HttpRequestHead request = this.head;
        out.clear();
        try {
            copy(source, this.readStart, request.requestLineEnd(), out);
            for (int header = 0; header < request.headerCount(); header++) {
                int kind = request.kind(header);
                if (kind != HttpRequestHead.FORWARDING_CLAIM && kind != HttpRequestHead.X_FORWARDED_FOR && kind != HttpRequestHead.FORWARDED) {
                    copy(source, request.nameStart(header), request.lineEnd(header), out);
                }
            }
            out.put(X_FORWARDED_FOR);
            int chain = request.header(HttpRequestHead.X_FORWARDED_FOR);
            if (chain >= 0 && request.valueLength(chain) > 0) {
                copy(source, request.valueStart(chain), request.valueEnd(chain), out);
                out.put((byte) ',');
            }
            out.put(this.clientIp).put(CRLF);
            out.put(this.forwardingLines(source, request.header(HttpRequestHead.HOST)));
            out.put(FORWARDED);
            int earlier = request.header(HttpRequestHead.FORWARDED);
            if (earlier >= 0 && request.valueLength(earlier) > 0) {
                copy(source, request.valueStart(earlier), request.valueEnd(earlier), out);
                out.put((byte) ',').put((byte) ' ');
            }
            for (int i = 0; i < this.forwardedElement.length(); i++) {
                out.put((byte) this.forwardedElement.charAt(i));
            }
            out.put(CRLF).put(CRLF);
            if (!this.streamed) {
                copy(source, request.headEnd(), request.headEnd() + (int) request.contentLength(), out);
            }
        } catch (java.nio.BufferOverflowException e) {
            return false;
        }
        out.flip();
        return true;
    }

    /**
     * X-Forwarded-Proto, -Server, -Host and -Port as ProxyHandler writes them, and the Forwarded element, for this
     * Host: a kept-alive connection's requests mostly name the same one.
     */
    private byte[] forwardingLines(ByteBuffer source, int hostHeader) {
        int from = this.head.valueStart(hostHeader);
        int to = this.head.valueEnd(hostHeader);
        if (this.forwardingLines != null && sameBytes(source, from, to, this.forwardingHost)) {
            return this.forwardingLines;
        }
        String host = this.head.value(hostHeader);
        // as HttpServerExchange.getHostName and getHostPort read the Host header
        int bracket = host.startsWith("[") ? host.indexOf(']') : -1;
        String hostName = host.startsWith("[") ? host.substring(1, Math.max(1, bracket)) : (host.indexOf(':') >= 0) ? host.substring(0, host.indexOf(':')) : host;
        int colon = host.startsWith("[") ? host.indexOf(':', Math.max(0, bracket)) : host.indexOf(':');
        int port = 80;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = 80;
            }
        }
        String lines = "X-Forwarded-Proto: http\r\nX-Forwarded-Server: " + hostName + "\r\nX-Forwarded-Host: " + NetworkUtils.formatPossibleIpv6Address(hostName)
                + "\r\nX-Forwarded-Port: " + port + "\r\n";
        this.forwardingLines = lines.getBytes(StandardCharsets.ISO_8859_1);
        this.forwardingHost = new byte[to - from];
        for (int i = from; i < to; i++) {
            this.forwardingHost[i - from] = source.get(i);
        }
        this.forwardedElement = this.forPart + "proto=http;host=\"" + host.replace("\"", "") + '"';
        return this.forwardingLines;
    }

    private void waitForRequest() {
        if (this.noRequestNanos > 0) {
            this.deadlineIn(this.noRequestNanos);
        } else {
            this.hasDeadline = false;
        }
    }

    /**
     * The thread's buffer to read into, holding first what was parked; false when direct memory is used up.
     */
    private boolean takeInputBuffer() {
        ByteBuffer buffer = this.links.buffer();
        if (buffer == null) {
            return false;
        }
        this.in = buffer;
        this.readStart = 0;
        this.readEnd = 0;
        if (this.parked != null) {
            buffer.put(this.parked.flip());
            this.readEnd = buffer.position();
            this.parked = null;
        }
        return true;
    }

    /**
     * A head that has not all arrived waits in a heap buffer of its own size, and the 64 KiB direct one goes back to
     * the thread: thousands of slow clients (slowloris) would otherwise hold that much direct memory each until
     * request-parse-timeout. Heads mostly arrive whole, and this costs a copy only for those that do not.
     */
    private void parkPartialHead() {
        int partial = this.readEnd - this.readStart;
        ByteBuffer parked = ByteBuffer.allocate(partial);
        parked.put(0, this.in, this.readStart, partial).position(partial);
        this.links.recycle(this.in);
        this.in = null;
        this.parked = parked;
    }

    private void compactInput() {
        ByteBuffer buffer = this.in;
        buffer.limit(this.readEnd).position(this.readStart);
        buffer.compact();
        this.readEnd -= this.readStart;
        this.readStart = 0;
    }

    /** Between requests only: during an exchange the buffer holds the request, or is the one a streamed body refills. */
    private void releaseInputIfEmpty() {
        if (this.state == READING && this.in != null && this.readStart == this.readEnd) {
            this.links.recycle(this.in);
            this.in = null;
        }
    }

    /** Undertow takes the connection for good, from the current request on; it counts the connection from there. */
    private void handOver() {
        this.state = DONE;
        this.removeTimer();
        if (this.counted) {
            this.counted = false;
            this.statistics.activeConnections().decrement();
        }
        // the close listener stays: XNIO adds listeners to it rather than replacing them, and cleanUp does nothing
        // once the connection is handed over
        this.client.getSourceChannel().setReadListener(null);
        this.client.getSinkChannel().setWriteListener(null);
        this.client.getSourceChannel().suspendReads();
        PooledByteBuffer unread = null;
        if (this.in != null) {
            // Undertow frees what it is given into its own pool: a buffer of that pool carries the bytes, or one of
            // their own when they are more than it holds
            this.in.limit(this.readEnd).position(this.readStart);
            try {
                unread = (this.in.remaining() <= this.engine.buffers().getBufferSize()) ? this.engine.buffers().allocate()
                        : new io.undertow.util.ImmediatePooledByteBuffer(ByteBuffer.allocate(this.in.remaining()));
            } catch (OutOfMemoryError e) {
                // Undertow's pool is direct memory too: the connection cannot be served, and must not be left open
                this.links.recycle(this.in);
                this.in = null;
                IoUtils.safeClose(this.client);
                this.engine.closed(this);
                return;
            }
            unread.getBuffer().clear();
            unread.getBuffer().put(this.in).flip();
            this.links.recycle(this.in);
            this.in = null;
        }
        this.engine.handOver(this, this.client, unread);
    }

    // ---- the node's side

    private void send(NodeLinks.Link chosen) {
        this.link = chosen;
        this.requestSent = false;
        chosen.connection.getSourceChannel().setReadListener(channel -> this.guarded(this::nodeReadable));
        chosen.connection.getSinkChannel().setWriteListener(channel -> this.guarded(this::nodeWritable));
        this.nodeWritable();
    }

    private void nodeWritable() {
        if (this.state != EXCHANGING || this.link == null || this.requestSent || this.bodyRefused) {
            return;
        }
        if (!this.headSent && !this.writeHead()) {
            return;
        }
        if (this.bodyLeft > 0 && !this.pumpBody()) {
            return;
        }
        this.requestSent();
    }

    /** @return true once the head (and a body that fitted with it) is with the node */
    private boolean writeHead() {
        ByteBuffer out = this.work;
        try {
            while (out.hasRemaining()) {
                if (this.link.connection.getSinkChannel().write(out) == 0) {
                    this.link.connection.getSinkChannel().resumeWrites();
                    return false;
                }
            }
        } catch (IOException e) {
            this.nodeFailed();
            return false;
        }
        this.headSent = true;
        if (this.bodyLeft > 0) {
            // a node may answer before the body ends (a 401, a 413): the buffer the head went out of takes its answer
            this.expectAnswer();
        }
        return true;
    }

    /**
     * Writes the streamed body on: what the input buffer holds, then what the client sends, as long as the node takes
     * it. The node's writes, or the client's reads, resume what waits.
     *
     * @return true once the whole body went out
     */
    private boolean pumpBody() {
        org.xnio.conduits.ConduitStreamSinkChannel sink = this.link.connection.getSinkChannel();
        while (this.bodyLeft > 0) {
            int available = (int) Math.min(this.bodyLeft, this.readEnd - this.bodyFrom);
            if (available > 0) {
                this.in.limit(this.bodyFrom + available).position(this.bodyFrom);
                int written;
                try {
                    written = sink.write(this.in);
                } catch (IOException e) {
                    this.bodyRefused();
                    return false;
                }
                this.bodyFrom += written;
                this.bodyLeft -= written;
                if (written < available) {
                    // the node reads slower than the client sends: the client waits in its socket
                    this.client.getSourceChannel().suspendReads();
                    sink.resumeWrites();
                    return false;
                }
                continue;
            }
            if (this.bodyLeft < this.contentLength) {
                // all of the buffer went out, part of the body with it: it fills again from the start. Until then
                // the head stays where it is, for a retry or Undertow.
                this.readStart = 0;
                this.readEnd = 0;
                this.bodyFrom = 0;
            }
            this.in.limit(this.in.capacity()).position(this.readEnd);
            int read = this.readFromClient(this.in);
            if (read < 0) {
                // the client gave up in the middle of its body
                return false;
            }
            this.readEnd = this.in.position();
            if (read == 0) {
                // waiting for the client now, not for the node: a node socket left writable would wake the thread on
                // every pass
                sink.suspendWrites();
                this.client.getSourceChannel().resumeReads();
                return false;
            }
        }
        this.requestEnd = this.bodyFrom;
        return true;
    }

    /**
     * The node stopped taking the body. It may have answered first, before closing (a 413 or 401 before the body
     * ends, as Undertow relays it): that answer is read, and only when none comes has the request failed.
     */
    private void bodyRefused() {
        this.bodyRefused = true;
        this.link.connection.getSinkChannel().suspendWrites();
        if (this.answerRelayed) {
            // it had answered already: the rest of the body is the client's to drain
            this.linkReusable = false;
            this.endExchange();
            return;
        }
        this.nodeReadable();
    }

    /** The whole request is with the node: its answer is read into the request's buffer, if it is not already. */
    private void requestSent() {
        this.link.connection.getSinkChannel().suspendWrites();
        this.requestSent = true;
        if (this.answerRelayed) {
            this.endExchange();
            return;
        }
        if (!this.answerExpected) {
            this.expectAnswer();
        }
    }

    private void expectAnswer() {
        this.answerExpected = true;
        this.work.clear();
        this.relayFrom = 0;
        this.writeLimit = 0;
        this.relayEnd = 0;
        this.headStart = 0;
        this.headDone = false;
        this.answerComplete = false;
        this.answerStarted = false;
        this.linkReusable = true;
        this.bodyBytes = 0;
        this.link.connection.getSourceChannel().resumeReads();
    }

    /**
     * Counts the request once it is the fast path's for good: an answer began, the balancer answered it, or the client
     * left. Not when it goes to Undertow after all (a node that failed it before answering), which counts it again.
     */
    private void countRequest() {
        if (this.requestCounted) {
            return;
        }
        this.requestCounted = true;
        this.statistics.requestForwarded(this.method);
        this.engine.relayed();
    }

    /** The answer, once it is all with the client. */
    private void countResponse() {
        if (this.responseCounted) {
            return;
        }
        this.responseCounted = true;
        this.statistics.responseReturned(this.status);
        if (this.bodyBytes > 0) {
            this.statistics.bytesToClient(this.bodyBytes);
        }
    }

    /** The body bytes that went to the node, once the exchange is over: a node may answer before they all have. */
    private void countBodySent() {
        long sent = this.headSent ? this.contentLength - this.bodyLeft : 0;
        if (sent > 0) {
            this.statistics.bytesToServer(sent);
        }
    }

    private void nodeReadable() {
        if (this.state != EXCHANGING || this.link == null) {
            return;
        }
        if (!this.answerExpected) {
            // the node answers before it has the request's head: its answer waits until the buffer is free of it
            this.link.connection.getSourceChannel().suspendReads();
            return;
        }
        ByteBuffer buffer = this.work;
        buffer.limit(buffer.capacity()).position(this.relayEnd);
        int read;
        try {
            read = this.link.connection.getSourceChannel().read(buffer);
        } catch (IOException e) {
            this.nodeEnded();
            return;
        }
        if (read == 0) {
            return;
        }
        if (read < 0) {
            this.nodeEnded();
            return;
        }
        this.countRequest();
        this.relayEnd = buffer.position();
        this.frameAnswer();
    }

    /** Follows the answer in what was read, then relays what is framed. */
    private void frameAnswer() {
        ByteBuffer buffer = this.work;
        for (;;) {
            if (!this.headDone) {
                int result = this.answer.parseHead(buffer, this.headStart, this.relayEnd, this.headRequest);
                if (result == HttpResponseFraming.BAD) {
                    this.badAnswer();
                    return;
                }
                if (result == HttpResponseFraming.INCOMPLETE) {
                    break;
                }
                // an intermediary sends its own HTTP version (RFC 9112, 2.3): an HTTP/1.0 node's answer goes out as 1.1,
                // framed by its Content-Length, or by the close of the client's connection when it has none
                buffer.put(this.headStart + 7, (byte) '1');
                if (this.answer.interim()) {
                    this.headStart = this.answer.headEnd();
                    this.writeLimit = this.headStart;
                    continue;
                }
                this.headDone = true;
                this.status = this.answer.status();
                this.bodyScan = this.answer.headEnd();
                this.writeLimit = this.bodyScan;
            }
            int end = this.answer.body(buffer, this.bodyScan, this.relayEnd);
            if (end == -2) {
                this.badAnswer();
                return;
            }
            this.bodyBytes = this.answer.bodyBytes();
            if (end == -1) {
                this.bodyScan = this.relayEnd;
                this.writeLimit = this.relayEnd;
            } else {
                this.writeLimit = end;
                this.answerComplete = true;
                // bytes after the answer: the node is out of step, its connection is not reused
                this.linkReusable = end == this.relayEnd && this.answer.keepAlive();
            }
            break;
        }
        this.writeToClient();
    }

    private void writeToClient() {
        ByteBuffer buffer = this.work;
        if (this.relayFrom < this.writeLimit) {
            buffer.limit(this.writeLimit).position(this.relayFrom);
            boolean progress = false;
            try {
                while (buffer.hasRemaining()) {
                    if (this.client.getSinkChannel().write(buffer) == 0) {
                        break;
                    }
                    this.answerStarted = true;
                    progress = true;
                }
            } catch (IOException e) {
                this.close();
                return;
            }
            this.relayFrom = buffer.position();
            if (this.relayFrom < this.writeLimit) {
                // the client reads slower than the node answers: the node waits, within write-stall-timeout
                if (this.link != null) {
                    this.link.connection.getSourceChannel().suspendReads();
                }
                this.client.getSinkChannel().resumeWrites();
                if ((progress || !this.stalled) && this.stallNanos > 0) {
                    // write-stall-timeout counts from the client's last progress
                    this.stalled = true;
                    this.deadlineIn(this.stallNanos);
                }
                return;
            }
        }
        this.client.getSinkChannel().suspendWrites();
        this.stalled = false;
        this.hasDeadline = false;
        if (this.answerComplete) {
            if (this.requestEnd < 0 && !this.bodyRefused && this.link != null && this.linkReusable
                    && !(this.answer.closeAsked() || this.answer.untilClose())) {
                // answered before the whole body came (nginx does, and reads the body after): the body still goes to
                // the node, and both connections stay kept-alive; a node that stops taking it ends the exchange
                // there, a client that stops sending it ends it at no-request-timeout
                this.answerRelayed = true;
                this.countResponse();
                this.link.connection.getSourceChannel().suspendReads();
                this.waitForRequest();
                return;
            }
            this.endExchange();
            return;
        }
        // all that is framed went out: what is left (a head not yet whole) moves to the front
        int left = this.relayEnd - this.writeLimit;
        if (left > 0) {
            buffer.limit(this.relayEnd).position(this.writeLimit);
            buffer.compact();
        }
        this.headStart -= this.writeLimit;
        this.bodyScan -= this.writeLimit;
        this.relayFrom = 0;
        this.relayEnd = left;
        this.writeLimit = 0;
        if (left == buffer.capacity()) {
            // a head larger than the buffer
            this.badAnswer();
            return;
        }
        if (this.link != null) {
            this.link.connection.getSourceChannel().resumeReads();
        }
    }

    private void clientWritable() {
        if (this.state == EXCHANGING) {
            this.writeToClient();
        } else {
            this.client.getSinkChannel().suspendWrites();
        }
    }

    /** The node closed its connection: the end of an answer that runs until then, or a failure. */
    private void nodeEnded() {
        if (this.headDone && this.answer.untilClose()) {
            this.answerComplete = true;
            this.linkReusable = false;
            this.writeToClient();
            return;
        }
        if (this.answerStarted || this.headDone || this.relayEnd > 0) {
            // part of an answer: the client cannot be told otherwise
            this.close();
            return;
        }
        this.nodeFailed();
    }

    /**
     * Nothing of an answer came: as ProxyHandler does, a request that may be repeated is tried again (a kept-alive
     * connection the node had just closed, then through Undertow on another node), any other is answered 503.
     */
    private void nodeFailed() {
        this.links.close(this.link);
        NodeLinks.Link failed = this.link;
        this.link = null;
        boolean idempotent = false;
        for (String candidate : IDEMPOTENT) {
            idempotent |= candidate.equals(this.method);
        }
        // a streamed body that began to go out cannot be sent again: what the client sends next is the rest of it
        boolean bodyConsumed = this.streamed && this.bodyLeft < this.contentLength;
        if (idempotent && failed.reused && !this.retried && !bodyConsumed) {
            this.retried = true;
            if (this.writeRequest(this.work)) {
                this.connect(failed.pool, false);
                return;
            }
        }
        if (idempotent && !bodyConsumed) {
            this.endExchangeForUndertow();
        } else {
            LOGGER.debugf("node %s failed a %s request before answering", this.node.name(), this.method);
            this.answerNoNode();
        }
    }

    private void answerNoNode() {
        this.countRequest();
        this.abandonBody();
        if (this.link != null) {
            this.links.close(this.link);
            this.link = null;
        }
        ByteBuffer buffer = this.work;
        buffer.clear();
        buffer.put(NO_NODE_ANSWER);
        this.status = 503;
        this.bodyBytes = 0;
        this.relayFrom = 0;
        this.writeLimit = NO_NODE_ANSWER.length;
        this.relayEnd = this.writeLimit;
        this.headDone = true;
        this.answerComplete = true;
        this.linkReusable = false;
        this.writeToClient();
    }

    /**
     * A request answered before all its body came: the rest is drained (drain) and the client's connection closes
     * after the answer, as nothing can be read after that body.
     */
    private void abandonBody() {
        if (this.requestEnd < 0) {
            this.closeAfterAnswer = true;
            this.drainLeft = Math.max(0, this.bodyLeft - Math.max(0, this.readEnd - this.bodyFrom));
            this.requestEnd = this.readEnd;
        }
    }

    /** A malformed answer: a 503 when the client has seen none of it, else the client's connection closes. */
    private void badAnswer() {
        LOGGER.debugf("node %s sent a malformed answer to %s", this.node.name(), this.method);
        if (this.answerStarted) {
            this.close();
        } else {
            this.answerNoNode();
        }
    }

    private void endExchange() {
        if (this.requestEnd < 0) {
            // the node answered before it had the whole body: its connection holds half a request
            this.linkReusable = false;
            this.abandonBody();
        }
        this.hasDeadline = false;
        this.countBodySent();
        this.countResponse();
        this.engine.intake().workEnded();
        // the node's connection may end with the answer (HTTP/1.0) while the client's goes on; not when the answer
        // says Connection: close, or runs until the node closes
        boolean keepClient = !this.headDone || this.link == null || !(this.answer.closeAsked() || this.answer.untilClose());
        if (this.link != null) {
            if (this.linkReusable) {
                this.links.release(this.link);
            } else {
                this.links.close(this.link);
            }
            this.link = null;
        }
        this.links.recycle(this.work);
        this.work = null;
        this.readStart = this.requestEnd;
        this.state = READING;
        if (!keepClient || this.closeAfterAnswer || this.engine.isClosed()) {
            if (this.closeAfterAnswer && this.drainLeft > 0 && this.drainLeft <= DRAINED_BODY_LIMIT && !this.engine.isClosed()) {
                this.drain();
                return;
            }
            // the node's answer says the connection ends with it
            this.close();
            return;
        }
        this.waitForRequest();
        this.client.getSourceChannel().resumeReads();
        this.takeRequests();
    }

    /**
     * The rest of the body of a request answered before it all came (the 503 of a node that failed mid-upload) is read
     * and dropped, then the connection closes: closing on a client still sending resets the connection, and the reset
     * can destroy the answer before the client reads it. no-request-timeout bounds the wait.
     */
    private void drain() {
        this.state = DRAINING;
        this.waitForRequest();
        this.client.getSourceChannel().resumeReads();
        this.drainBody();
    }

    private void drainBody() {
        if (this.in == null && !this.takeInputBuffer()) {
            this.close();
            return;
        }
        ByteBuffer buffer = this.in;
        while (this.drainLeft > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), this.drainLeft));
            int read = this.readFromClient(buffer);
            if (read < 0) {
                return;
            }
            if (read == 0) {
                // nothing held between reads, as for a half-sent head
                this.links.recycle(this.in);
                this.in = null;
                return;
            }
            this.drainLeft -= read;
        }
        this.close();
    }

    /** The request goes to Undertow after all, with everything still unanswered. */
    private void endExchangeForUndertow() {
        this.engine.intake().workEnded();
        if (this.link != null) {
            this.links.close(this.link);
            this.link = null;
        }
        this.links.recycle(this.work);
        this.work = null;
        this.handOver();
    }

    // ---- limits and closing

    private void deadlineIn(long nanos) {
        this.deadline = System.nanoTime() + nanos;
        this.hasDeadline = true;
        if (this.timer == null && this.checkMillis != Long.MAX_VALUE) {
            this.timer = this.client.getIoThread().executeAfter(this::checkDeadline, this.checkMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void checkDeadline() {
        this.timer = null;
        if (this.state == DONE) {
            return;
        }
        long now = System.nanoTime();
        if (this.hasDeadline && now - this.deadline >= 0) {
            if (this.stalled) {
                this.statistics.stalledConnection();
                LOGGER.httpWriteStalled(String.valueOf(this.client.getPeerAddress()), TimeUnit.NANOSECONDS.toMillis(this.stallNanos));
            }
            this.close();
            return;
        }
        // never parked longer than the shortest limit: a deadline set meanwhile is at least that far away, so the
        // timer is never late for it
        long wait = this.hasDeadline ? Math.min(this.checkMillis, Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.deadline - now) + 1)) : this.checkMillis;
        this.timer = this.client.getIoThread().executeAfter(this::checkDeadline, wait, TimeUnit.MILLISECONDS);
    }

    private void removeTimer() {
        if (this.timer != null) {
            this.timer.remove();
            this.timer = null;
        }
    }

    void closeFromAnyThread() {
        this.client.getIoThread().execute(() -> {
            if (this.state != DONE) {
                this.close();
            }
        });
    }

    private void close() {
        IoUtils.safeClose(this.client);
        this.cleanUp();
    }

    /** Runs once, when the client's connection closes for any reason while the fast path holds it. */
    private void cleanUp() {
        if (this.state == DONE) {
            return;
        }
        boolean exchanging = this.state == EXCHANGING;
        if (exchanging) {
            // as Undertow counts a request whose client left before its answer
            this.countRequest();
            this.countBodySent();
        }
        this.state = DONE;
        this.removeTimer();
        if (exchanging) {
            this.engine.intake().workEnded();
        }
        if (this.link != null) {
            this.links.close(this.link);
            this.link = null;
        }
        if (this.work != null) {
            this.links.recycle(this.work);
            this.work = null;
        }
        if (this.in != null) {
            this.links.recycle(this.in);
            this.in = null;
        }
        if (this.counted) {
            this.counted = false;
            this.statistics.activeConnections().decrement();
        }
        this.engine.closed(this);
    }

    /** Bytes of the source, by position, without a view of it made per copy. */
    private static void copy(ByteBuffer source, int from, int to, ByteBuffer out) {
        int length = to - from;
        if (length > out.remaining()) {
            throw new java.nio.BufferOverflowException();
        }
        out.put(out.position(), source, from, length);
        out.position(out.position() + length);
    }

    private static boolean sameBytes(ByteBuffer source, int from, int to, byte[] bytes) {
        if (to - from != bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (source.get(from + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}

package org.restcomm.lb.http;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import io.undertow.connector.ByteBufferPool;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistryListener;
import org.restcomm.lb.stats.HttpStatistics;
import org.xnio.ChannelListener;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;

/**
 * Plain HTTP/1.1 requests relayed as bytes, as the SIP fast path relays datagrams: a request whose framing is beyond
 * doubt ({@link HttpRequestHead}) and that arrives whole goes to the node {@link NodeSelector} picks, over a
 * kept-alive connection of {@link NodeLinks}, with only the forwarding headers added; the node's answer is relayed
 * as it arrives. Everything else — bodies that do not fit a buffer, chunked or upgraded requests, Expect, suspended
 * intake, no node, a node that cannot be reached — is handed with its connection and every byte read so far to
 * Undertow's listener, which keeps the connection from then on and does what it always did.
 * <p>
 * It runs only with settings it has nothing to add to: no rewrite rules, no redirect to HTTPS, no TLS to the nodes,
 * no response size or request time limits, no bad-node pattern, forwarded headers on; and while plain requests are
 * not redirected to HTTPS, which can be turned on and off at run time.
 */
final class HttpFastPath implements NodeRegistryListener {

    /**
     * A request's or an answer's bytes per read and write: 64 KiB bodies, the common upload size, then go in one
     * system call each way instead of four.
     */
    static final int BUFFER_SIZE = 64 * 1024;

    private final NodeSelector selector;
    private final HttpStatistics statistics;
    private final Intake intake;
    private final HttpBalancerSettings settings;
    private final Predicate<Node> resting;
    private final ByteBufferPool buffers;
    private final HttpOpenListener undertow;
    private final HttpsRedirect redirect;
    private final Map<XnioIoThread, NodeLinks> links = new ConcurrentHashMap<>();
    private final Set<FastHttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final LongAdder fastRequests = new LongAdder();
    private volatile boolean closed;

    HttpFastPath(NodeSelector selector, HttpStatistics statistics, Intake intake, HttpBalancerSettings settings, Predicate<Node> resting,
            ByteBufferPool buffers, HttpOpenListener undertow, HttpsRedirect redirect) {
        this.selector = selector;
        this.statistics = statistics;
        this.intake = intake;
        this.settings = settings;
        this.resting = resting;
        this.buffers = buffers;
        this.undertow = undertow;
        this.redirect = redirect;
    }

    /** Whether the settings leave nothing for Undertow to do on a plain request. */
    static boolean applies(HttpBalancerSettings settings) {
        return settings.forwardedHeaders() && settings.rewriteRules().expressions().isEmpty() && settings.backendSslContext() == null && settings.maxResponseSize() <= 0 && settings.maxRequestTime() <= 0
                && settings.badNodeRequestPattern() == null;
    }

    /** What the plain HTTP listener calls with each accepted connection. */
    ChannelListener<StreamConnection> openListener() {
        return connection -> {
            if (this.closed) {
                connection.getIoThread().execute(() -> org.xnio.IoUtils.safeClose(connection));
                return;
            }
            NodeLinks threadLinks = this.links.computeIfAbsent(connection.getIoThread(),
                    thread -> new NodeLinks(thread, this.settings.connectionsPerThread(), BUFFER_SIZE));
            FastHttpConnection fast = new FastHttpConnection(this, connection, threadLinks);
            this.connections.add(fast);
            fast.start();
        };
    }

    /** The node for a request, avoiding nodes whose Undertow pool rests after a refusal; null when none. */
    Node select(HeadRequestView request) {
        Node node = this.selector.select(request, NodeAdvertisement.HTTP_PORT, this.resting);
        return (node != null) ? node : this.selector.select(request, NodeAdvertisement.HTTP_PORT, candidate -> false);
    }

    /** Whether this very registration of the node is still in the registry. */
    boolean isRegistered(Node node) {
        return this.selector.isRegistered(node);
    }

    /** Undertow takes the connection for good, with the bytes read and not yet relayed. */
    void handOver(FastHttpConnection fast, StreamConnection connection, io.undertow.connector.PooledByteBuffer unread) {
        this.connections.remove(fast);
        this.undertow.handleEvent(connection, unread);
    }

    void closed(FastHttpConnection fast) {
        this.connections.remove(fast);
    }

    /** Whether every request is Undertow's now: plain HTTP is being redirected to HTTPS. */
    boolean standsAside() {
        return this.redirect.active();
    }

    boolean isClosed() {
        return this.closed;
    }

    HttpStatistics statistics() {
        return this.statistics;
    }

    Intake intake() {
        return this.intake;
    }

    HttpBalancerSettings settings() {
        return this.settings;
    }

    ByteBufferPool buffers() {
        return this.buffers;
    }

    void relayed() {
        this.fastRequests.increment();
    }

    /** Requests relayed by the fast path since start; for tests. */
    long relayedRequests() {
        return this.fastRequests.sum();
    }

    @Override
    public void nodeRemoved(Node node) {
        this.links.values().forEach(threadLinks -> threadLinks.thread().execute(() -> threadLinks.drop(node)));
    }

    /** Closes every client connection it holds and every idle node connection. */
    void close() {
        this.closed = true;
        this.connections.forEach(FastHttpConnection::closeFromAnyThread);
        this.links.values().forEach(threadLinks -> threadLinks.thread().execute(threadLinks::dropAll));
        // each closes on its own I/O thread; the engine has stopped once they have (a client writing right after
        // the stop would otherwise race the close, and get a reset instead of the end of the connection)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!this.connections.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

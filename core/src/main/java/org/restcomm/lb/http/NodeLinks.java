package org.restcomm.lb.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.restcomm.lb.node.Node;
import org.xnio.ChannelListener;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * The fast path's kept-alive connections to the nodes, for the client connections of one I/O thread: each is opened
 * on that thread, so a client connection and its node connection are served by the same thread and need no locks.
 * Only that thread touches an instance; the registry's changes reach it through {@link XnioIoThread#execute}.
 */
final class NodeLinks {

    private static final OptionMap OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

    /** The connections to one node's HTTP port. */
    static final class Pool {
        final InetSocketAddress address;
        private final ArrayDeque<Link> idle = new ArrayDeque<>();
        private int open;
        private boolean retired;

        Pool(InetSocketAddress address) {
            this.address = address;
        }
    }

    /** One connection to a node, idle in its pool or carrying one exchange. */
    static final class Link {
        final StreamConnection connection;
        final Pool pool;
        /** Closes an idle connection the node closes or writes to unasked. */
        private final ChannelListener<ConduitStreamSourceChannel> idleWatch;
        /** Whether it carried an exchange before: the node may have closed it meanwhile. */
        boolean reused;

        Link(StreamConnection connection, Pool pool) {
            this.connection = connection;
            this.pool = pool;
            this.idleWatch = source -> {
                pool.idle.remove(this);
                pool.open--;
                IoUtils.safeClose(connection);
            };
        }
    }

    /** Buffers kept for reuse per thread: allocating and zeroing a direct buffer per request costs more than relaying it. */
    private static final int KEPT_BUFFERS = 64;

    private final XnioIoThread thread;
    private final int maxPerNode;
    private final int bufferSize;
    private final Map<Node, Pool> pools = new IdentityHashMap<>();
    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();

    private static final long DIRECT_MEMORY_BACKOFF_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private boolean directMemoryShort;
    private long directMemoryShortSince;

    NodeLinks(XnioIoThread thread, int maxPerNode, int bufferSize) {
        this.thread = thread;
        this.maxPerNode = maxPerNode;
        this.bufferSize = bufferSize;
    }

    /** A cleared direct buffer for this thread's requests and answers; null when direct memory is used up. */
    ByteBuffer buffer() {
        ByteBuffer buffer = this.buffers.pollFirst();
        if (buffer != null) {
            return buffer.clear();
        }
        if (this.directMemoryShort && System.nanoTime() - this.directMemoryShortSince < DIRECT_MEMORY_BACKOFF_NANOS) {
            return null;
        }
        try {
            ByteBuffer allocated = ByteBuffer.allocateDirect(this.bufferSize);
            this.directMemoryShort = false;
            return allocated;
        } catch (OutOfMemoryError e) {
            // direct memory is used up (-XX:MaxDirectMemorySize): the one connection that asked fails, not the I/O
            // thread's listener, and the heap is untouched. The JVM tries a collection and half a second of waiting
            // before it gives up, on this I/O thread: not again for a second
            this.directMemoryShort = true;
            this.directMemoryShortSince = System.nanoTime();
            return null;
        }
    }

    /** A buffer back for reuse; beyond what is kept, the collector frees it. */
    void recycle(ByteBuffer buffer) {
        if (this.buffers.size() < KEPT_BUFFERS) {
            this.buffers.addFirst(buffer);
        }
    }

    XnioIoThread thread() {
        return this.thread;
    }

    /** The pool for the node's address and port, a new one when the node now advertises another. */
    Pool pool(Node node, int port) {
        Pool pool = this.pools.get(node);
        if (pool == null || pool.address.getPort() != port || !pool.address.getAddress().equals(node.address())) {
            if (pool != null) {
                retire(pool);
            }
            pool = new Pool(new InetSocketAddress(node.address(), port));
            this.pools.put(node, pool);
        }
        return pool;
    }

    /** An idle connection, or null. */
    Link take(Pool pool) {
        Link link;
        while ((link = pool.idle.pollFirst()) != null) {
            // its reads stay resumed: the taker sets its own listener before the thread sees another event
            if (link.connection.isOpen()) {
                link.reused = true;
                return link;
            }
            pool.open--;
        }
        return null;
    }

    /** Whether the pool may open another connection: at most connections-per-thread, as Undertow's pool. */
    boolean canOpen(Pool pool) {
        return pool.open < this.maxPerNode;
    }

    /** Opens a connection; exactly one of the two callbacks runs later, on this thread. */
    void open(Pool pool, Consumer<Link> opened, Consumer<IOException> failed) {
        pool.open++;
        IoFuture<StreamConnection> future = this.thread.openStreamConnection(pool.address, null, OPTIONS);
        future.addNotifier(new IoFuture.HandlingNotifier<StreamConnection, Void>() {
            @Override
            public void handleDone(StreamConnection connection, Void attachment) {
                NodeLinks.this.onThread(() -> opened.accept(new Link(connection, pool)));
            }

            @Override
            public void handleFailed(IOException exception, Void attachment) {
                NodeLinks.this.onThread(() -> {
                    pool.open--;
                    failed.accept(exception);
                });
            }

            @Override
            public void handleCancelled(Void attachment) {
                this.handleFailed(new IOException("connection to " + pool.address + " cancelled"), attachment);
            }
        }, null);
    }

    /** Back to its pool after a whole exchange; closed when its node left or changed meanwhile. */
    void release(Link link) {
        Pool pool = link.pool;
        if (pool.retired || !link.connection.isOpen()) {
            this.close(link);
            return;
        }
        ConduitStreamSourceChannel source = link.connection.getSourceChannel();
        link.connection.getSinkChannel().suspendWrites();
        source.setReadListener(link.idleWatch);
        source.resumeReads();
        pool.idle.addFirst(link);
    }

    /** Closes a connection that is not idle, after a failed or unreusable exchange. */
    void close(Link link) {
        link.pool.open--;
        IoUtils.safeClose(link.connection);
    }

    /** The node left: its idle connections close now, the busy ones when their exchange ends. */
    void drop(Node node) {
        Pool pool = this.pools.remove(node);
        if (pool != null) {
            retire(pool);
        }
    }

    void dropAll() {
        this.pools.values().forEach(NodeLinks::retire);
        this.pools.clear();
    }

    private static void retire(Pool pool) {
        pool.retired = true;
        Link link;
        while ((link = pool.idle.pollFirst()) != null) {
            pool.open--;
            IoUtils.safeClose(link.connection);
        }
    }

    private void onThread(Runnable task) {
        if (Thread.currentThread() == this.thread) {
            task.run();
        } else {
            this.thread.execute(task);
        }
    }
}

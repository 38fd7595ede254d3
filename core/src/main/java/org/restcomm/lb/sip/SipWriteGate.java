package org.restcomm.lb.sip;

import static org.restcomm.lb.sip.JainSipFields.field;
import static org.restcomm.lb.sip.JainSipFields.get;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.SipStatistics;

/**
 * Bounds what jain-sip queues for a TCP or WebSocket peer that stops reading: jain-sip's NIO processor keeps every
 * unwritten message in an unbounded queue per socket. Before more bytes are queued, a peer holding more than
 * {@code maxQueuedBytes}, or one whose queue has not shrunk for {@code writeStallMillis}, is cut off and counted;
 * the bytes are refused.
 */
final class SipWriteGate {

    private static final Field PENDING = field(NioTcpMessageProcessor.class, "pendingData");
    private static final Field BUFFER = field(NioTcpMessageProcessor.PendingData.class, "buffer");

    private final long maxQueuedBytes;
    private final long writeStallMillis;
    private final SipStatistics statistics;
    /** Sockets with bytes waiting: since when their queue has not shrunk, and how large it was then. */
    private final Map<SocketChannel, Backlog> backlogs = new ConcurrentHashMap<>();
    /** Sockets cut off and not yet closed by jain-sip's selector thread. */
    private final Set<SocketChannel> cutOff = ConcurrentHashMap.newKeySet();

    private record Backlog(long since, long queued) {
    }

    SipWriteGate(long maxQueuedBytes, long writeStallMillis, SipStatistics statistics) {
        this.maxQueuedBytes = maxQueuedBytes;
        this.writeStallMillis = writeStallMillis;
        this.statistics = statistics;
    }

    /** jain-sip's own send: queues the bytes for the listener's selector thread to write. */
    interface Queueing {
        void send(SocketChannel socket, byte[] data) throws IOException;
    }

    /**
     * Sends on the calling thread what the socket takes now, when nothing is queued before it, and queues the rest
     * through jain-sip. jain-sip queues everything and wakes its selector thread to write it: a thread switch and a
     * wake-up per message, which at a few hundred calls per second costs more than the write. Senders to one socket
     * are serialized on it, so bytes keep their order; the selector thread only drains the queue.
     */
    void send(NioTcpMessageProcessor processor, SocketChannel socket, byte[] data, Queueing queueing) throws IOException {
        synchronized (socket) {
            // what waits is read once per send: it decides both the admission and the direct write
            long queued = queued(processor, socket);
            this.admit(socket, data.length, queued);
            byte[] rest = data;
            if (queued == 0 && socket.isConnected() && !socket.isBlocking()) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                try {
                    socket.write(buffer);
                } catch (IOException e) {
                    // queued as jain-sip would have: its selector thread meets the error and closes the connection
                }
                if (!buffer.hasRemaining()) {
                    return;
                }
                rest = (buffer.position() == 0) ? data : Arrays.copyOfRange(data, buffer.position(), data.length);
            }
            queueing.send(socket, rest);
        }
    }

    /** Lets {@code bytes} more be queued for the socket, or cuts a peer that takes nothing off and throws. */
    private void admit(SocketChannel socket, int bytes, long queued) throws IOException {
        if (this.cutOff.contains(socket) || this.cutIfStalled(socket, bytes, queued)) {
            // answers to what it sent before it was cut off: refused too, counted once
            throw new IOException("SIP peer cut off for taking no bytes");
        }
    }

    /**
     * Cuts the peer off (and counts it) when {@code bytes} more would pass max-queued-bytes or its queue has not shrunk
     * for write-stall-timeout. Also run periodically: jain-sip stops reading a socket while it has bytes for it, so a
     * peer that reads nothing may never make the balancer send again.
     */
    boolean cutIfStalled(NioTcpMessageProcessor processor, SocketChannel socket, int bytes) throws IOException {
        return this.cutIfStalled(socket, bytes, queued(processor, socket));
    }

    private boolean cutIfStalled(SocketChannel socket, int bytes, long queued) throws IOException {
        if (queued == 0) {
            this.backlogs.remove(socket);
            return false;
        }
        long now = System.currentTimeMillis();
        Backlog backlog = this.backlogs.compute(socket, (key, known) -> (known == null || queued < known.queued()) ? new Backlog(now, queued) : known);
        long stalledFor = now - backlog.since();
        if (queued + bytes <= this.maxQueuedBytes && stalledFor <= this.writeStallMillis) {
            return false;
        }
        this.backlogs.remove(socket);
        if (this.cutOff.add(socket)) {
            this.statistics.stalledConnection();
            LoadBalancerLogger.ROOT_LOGGER.sipWriteStalled(String.valueOf(socket.socket().getRemoteSocketAddress()), queued, stalledFor);
            // the selector thread then reads the end of the stream and closes the connection on its own thread
            socket.shutdownInput();
        }
        return true;
    }

    /** Whether bytes wait for the socket: the connection is not idle, it is the peer that is slow. */
    boolean hasPending(NioTcpMessageProcessor processor, SocketChannel socket) {
        return queued(processor, socket) > 0;
    }

    /** Forgets the sockets that closed with bytes still waiting. */
    void forgetClosed() {
        this.backlogs.keySet().removeIf(socket -> !socket.isOpen());
        this.cutOff.removeIf(socket -> !socket.isOpen());
    }

    /** The bytes jain-sip holds for the socket, not yet written. */
    @SuppressWarnings("unchecked")
    static long queued(NioTcpMessageProcessor processor, SocketChannel socket) {
        Queue<Object> queue = ((Map<SocketChannel, Queue<Object>>) get(PENDING, processor)).get(socket);
        long queued = 0;
        if (queue != null) {
            for (Object pending : queue) {
                queued += ((ByteBuffer) get(BUFFER, pending)).remaining();
            }
        }
        return queued;
    }
}

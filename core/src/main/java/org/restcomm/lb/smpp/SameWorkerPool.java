package org.restcomm.lb.smpp;

import java.util.function.Supplier;

import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.socket.nio.NioSocketChannel;
import org.jboss.netty.channel.socket.nio.NioWorker;
import org.jboss.netty.channel.socket.nio.NioWorkerPool;
import org.jboss.netty.channel.socket.nio.WorkerPool;

/**
 * The workers of the SMSC-side sockets: the same pool as the ESME side, but an upstream socket opened for an ESME is
 * served by that ESME's own I/O thread. Every relayed PDU is then read and written by one thread: no hand-over to
 * another worker's write queue and no selector wake-up per message. The pool's lifecycle stays with its owner.
 */
final class SameWorkerPool implements WorkerPool<NioWorker> {

    private final NioWorkerPool workers;
    private final ThreadLocal<NioWorker> preferred = new ThreadLocal<>();

    SameWorkerPool(NioWorkerPool workers) {
        this.workers = workers;
    }

    /** Creates a channel (through the factory using this pool) on the worker of another one, when it has one. */
    <T> T nextTo(Channel near, Supplier<T> create) {
        if (!(near instanceof NioSocketChannel socket)) {
            return create.get();
        }
        this.preferred.set(socket.getWorker());
        try {
            return create.get();
        } finally {
            this.preferred.remove();
        }
    }

    @Override
    public NioWorker nextWorker() {
        NioWorker worker = this.preferred.get();
        return (worker != null) ? worker : this.workers.nextWorker();
    }

    @Override
    public void rebuildSelectors() {
        this.workers.rebuildSelectors();
    }

    @Override
    public void shutdown() {
        // SmppBalancer shuts the shared pool down itself
    }
}

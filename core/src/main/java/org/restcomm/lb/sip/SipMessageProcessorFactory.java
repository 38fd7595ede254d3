package org.restcomm.lb.sip;

import static org.restcomm.lb.sip.JainSipFields.field;
import static org.restcomm.lb.sip.JainSipFields.get;
import static org.restcomm.lb.sip.JainSipFields.set;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.parser.NioPipelineParser;
import gov.nist.javax.sip.stack.ByteBufferFactory;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.SipStatistics;

/**
 * jain-sip's transports as the balancer runs them. UDP listeners put the {@link SipFastPath} in front of jain-sip's
 * parser. Every accepted TCP and WebSocket connection reads through a {@link SipStreamFramer}:
 * jain-sip's stream parser allocates a message's whole Content-Length before reading it, so one bad header would
 * otherwise kill the listener's selector thread with an OutOfMemoryError, and it frames by the literal header names
 * only. A message the grammar refuses is answered and counted; a stream whose framing is lost is counted and closed.
 * TLS and WSS listeners serve with their listener's SSLContext (see {@link SipTls}); a connection whose handshake
 * fails, or has not finished within the handshake timeout, is closed and counted.
 */
final class SipMessageProcessorFactory extends NioMessageProcessorFactory {

    private static final Field PARSER = field(NioTcpMessageChannel.class, "nioParser");
    private static final Field UDP_FLAG = field(SIPTransactionStack.class, "udpFlag");
    private static final int DEFAULT_LIMIT = 65536;

    /** How long past its expiry a registration keeps its connection open. */
    private static final long REGISTRATION_SLACK_SECONDS = 32;
    /** How long a refused stream stays open for its answer to be written. */
    private static final long ANSWER_LINGER_MILLIS = 500;

    private final SipStatistics statistics;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sip-connection-timer");
        thread.setDaemon(true);
        return thread;
    });
    /** Connections open now, so a stopping engine can take the ones jain-sip never closes off the gauge. */
    private final Set<GuardedParser> open = ConcurrentHashMap.newKeySet();

    private final SipFastPath fastPath;
    /** Whether stream messages may take the fast path: only with one jain-sip message thread, which keeps them in order. */
    private final boolean streamFastPath;
    private final SipBalancerSettings.StreamConnections connections;
    private final SipWriteGate writes;
    private final List<SipListenerSettings> listeners;
    /** What secure listeners connect out with: backend-ssl-context, else a context that verifies nothing. */
    private final SSLContext clientContext;
    private final long handshakeTimeoutMillis;

    SipMessageProcessorFactory(SipStatistics statistics, SipFastPath fastPath, SipBalancerSettings settings) {
        this.statistics = statistics;
        this.fastPath = fastPath;
        this.streamFastPath = fastPath != null
                && "1".equals(settings.stackProperties().getOrDefault(SipBalancer.THREAD_POOL_SIZE, "1").trim());
        this.connections = settings.streamConnections();
        this.listeners = settings.listeners();
        SipBalancerSettings.Tls tls = settings.tls();
        this.clientContext = (tls.backendSslContext() != null) ? tls.backendSslContext()
                : this.listeners.stream().anyMatch(listener -> listener.transport().isSecure()) ? SipTls.trustingAnyPeer() : null;
        this.handshakeTimeoutMillis = tls.handshakeTimeoutMillis();
        // jain-sip takes a new buffer for every TLS record it reads or writes, direct unless told otherwise: a heap one
        // costs the collector little, a direct one a native allocation and a cleaner each
        ByteBufferFactory.getInstance().setUseDirect(false);
        this.writes = new SipWriteGate(this.connections.maxQueuedBytes(), this.connections.writeStallTimeoutMillis(), statistics);
        long shortest = Math.min(Math.min(this.connections.idleTimeoutMillis(), this.connections.firstMessageTimeoutMillis()), this.handshakeTimeoutMillis);
        long sweep = Math.max(100, Math.min(1000, shortest / 4));
        this.timer.scheduleWithFixedDelay(this::closeOverdue, sweep, sweep, TimeUnit.MILLISECONDS);
    }



    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port, String transport) throws IOException {
        Transport type = Transport.of(transport);
        if (type == Transport.UDP) {
            // jain-sip's UDP channels send from the listener's socket only when the stack knows it has UDP
            set(UDP_FLAG, stack, Boolean.TRUE);
            return new FastUdpMessageProcessor(address, stack, port, this.fastPath, this.statistics);
        }
        int backlog = this.connections.acceptBacklog();
        // jain-sip binds with the JDK's backlog of 50; both start() overrides bind as jain-sip does, with the configured one
        if (type == Transport.TCP) {
            return new NioTcpMessageProcessor(address, stack, port) {
                @Override
                public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
                    return SipMessageProcessorFactory.this.guard(super.createMessageChannel(processor, client), stack);
                }

                @Override
                public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
                    return SipMessageProcessorFactory.this.guardOutgoing(super.createMessageChannel(address, port), stack);
                }

                @Override
                public MessageChannel createMessageChannel(HostPort target) throws IOException {
                    return SipMessageProcessorFactory.this.guardOutgoing(super.createMessageChannel(target), stack);
                }

                @Override
                public void start() throws IOException {
                    this.selector = Selector.open();
                    this.channel = listen(this.getIpAddress(), this.getPort(), backlog, this.selector);
                    this.selectorThread = selectorThread(this.createProcessorTask(), "TCP", this.getIpAddress(), this.getPort());
                }

                @Override
                public SocketChannel connect(InetSocketAddress address, InetAddress localAddress, int localPort) throws IOException {
                    return noDelay(super.connect(address, localAddress, localPort));
                }

                @Override
                public void send(SocketChannel socket, byte[] data) throws IOException {
                    SipMessageProcessorFactory.this.writes.send(this, socket, data, super::send);
                }
            };
        }
        if (type == Transport.TLS) {
            SSLContext server = this.serverContext(port, type);
            SipTls.ClientAuth clientAuth = SipTls.ClientAuth.of(server);
            NioTlsMessageProcessor processor = new NioTlsMessageProcessor(address, stack, port) {
                @Override
                public void init() {
                    // jain-sip would build its contexts from javax.net.ssl.*: the listener's own are set below
                }

                @Override
                public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
                    NioTcpMessageChannel channel = SipMessageProcessorFactory.this.guard(super.createMessageChannel(processor, client), stack);
                    SipTls.restore(clientAuth, channel);
                    return channel;
                }

                @Override
                public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
                    return SipMessageProcessorFactory.this.guardOutgoing(super.createMessageChannel(address, port), stack);
                }

                @Override
                public MessageChannel createMessageChannel(HostPort target) throws IOException {
                    return SipMessageProcessorFactory.this.guardOutgoing(super.createMessageChannel(target), stack);
                }

                @Override
                public void start() throws IOException {
                    this.selector = Selector.open();
                    this.channel = listen(this.getIpAddress(), this.getPort(), backlog, this.selector);
                    this.selectorThread = selectorThread(this.createProcessorTask(), "TLS", this.getIpAddress(), this.getPort());
                }

                @Override
                public SocketChannel connect(InetSocketAddress address, InetAddress localAddress, int localPort) throws IOException {
                    return noDelay(super.connect(address, localAddress, localPort));
                }

                @Override
                public void send(SocketChannel socket, byte[] data) throws IOException {
                    SipMessageProcessorFactory.this.writes.send(this, socket, data, super::send);
                }
            };
            SipTls.use(processor, server, this.clientContext);
            return processor;
        }
        if (type == Transport.WSS) {
            SSLContext server = this.serverContext(port, type);
            SipTls.ClientAuth clientAuth = SipTls.ClientAuth.of(server);
            NioTlsWebSocketMessageProcessor processor = new NioTlsWebSocketMessageProcessor(address, stack, port) {
                @Override
                public void init() {
                    // jain-sip would build its contexts from javax.net.ssl.*: the listener's own are set below
                }

                @Override
                public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
                    NioTcpMessageChannel channel = SipMessageProcessorFactory.this.guard(super.createMessageChannel(processor, client), stack);
                    SipTls.restore(clientAuth, channel);
                    return channel;
                }

                @Override
                public void start() throws IOException {
                    this.selector = Selector.open();
                    this.channel = listen(this.getIpAddress(), this.getPort(), backlog, this.selector);
                    this.selectorThread = selectorThread(this.createProcessorTask(), "WSS", this.getIpAddress(), this.getPort());
                }

                @Override
                public SocketChannel connect(InetSocketAddress address, InetAddress localAddress, int localPort) throws IOException {
                    return noDelay(super.connect(address, localAddress, localPort));
                }

                @Override
                public void send(SocketChannel socket, byte[] data) throws IOException {
                    SipMessageProcessorFactory.this.writes.send(this, socket, data, super::send);
                }
            };
            SipTls.use(processor, server, this.clientContext);
            return processor;
        }
        if (type == Transport.WS) {
            return new NioWebSocketMessageProcessor(address, stack, port) {
                @Override
                public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
                    return SipMessageProcessorFactory.this.guard(super.createMessageChannel(processor, client), stack);
                }

                @Override
                public void start() throws IOException {
                    this.selector = Selector.open();
                    this.channel = listen(this.getIpAddress(), this.getPort(), backlog, this.selector);
                    this.selectorThread = selectorThread(this.createProcessorTask(), "WS", this.getIpAddress(), this.getPort());
                }

                @Override
                public SocketChannel connect(InetSocketAddress address, InetAddress localAddress, int localPort) throws IOException {
                    return noDelay(super.connect(address, localAddress, localPort));
                }

                @Override
                public void send(SocketChannel socket, byte[] data) throws IOException {
                    SipMessageProcessorFactory.this.writes.send(this, socket, data, super::send);
                }
            };
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }

    /** The SSLContext of the secure listener on this port. */
    private SSLContext serverContext(int port, Transport transport) {
        return this.listeners.stream().filter(listener -> listener.transport() == transport && listener.bind().getPort() == port)
                .map(SipListenerSettings::sslContext).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + transport.parameter() + " listener on port " + port));
    }

    /** The listening socket as jain-sip's start() opens it, with the given accept backlog. */
    private static ServerSocketChannel listen(InetAddress address, int port, int backlog, Selector selector) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.configureBlocking(false);
        channel.socket().bind(new InetSocketAddress(address, port), backlog);
        channel.register(selector, SelectionKey.OP_ACCEPT);
        return channel;
    }

    /**
     * Nagle's algorithm off, as the balancer's HTTP and SMPP sockets have it: jain-sip never sets TCP_NODELAY, and a
     * message whose last segment waits for the peer's delayed ACK costs the exchange tens of milliseconds.
     */
    private static SocketChannel noDelay(SocketChannel socket) throws IOException {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return socket;
    }

    /** jain-sip's selector thread for a listener, started. */
    private static Thread selectorThread(Runnable task, String transport, InetAddress address, int port) {
        Thread thread = new Thread(task, "NioSelector-" + transport + "-" + address.getHostAddress() + "/" + port);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Swaps an accepted connection's parser for a guarded one, once: jain-sip asks again for a known connection. */
    private NioTcpMessageChannel guard(NioTcpMessageChannel channel, SIPTransactionStack stack) throws IOException {
        if (!(get(PARSER, channel) instanceof GuardedParser)) {
            set(PARSER, channel, new GuardedParser(stack, channel, this, true));
            noDelay(channel.getSocketChannel());
        }
        return channel;
    }

    /**
     * The same for a connection the balancer opens (to a node, mostly), so what comes back on it is framed, and may
     * take the fast path, as on accepted ones. It is swapped before the first send: nothing can have been read yet.
     * The balancer's timeouts and the connections gauge stay with accepted connections, as before.
     */
    private MessageChannel guardOutgoing(MessageChannel channel, SIPTransactionStack stack) throws IOException {
        if (channel instanceof NioTcpMessageChannel stream && !(get(PARSER, stream) instanceof GuardedParser)) {
            set(PARSER, stream, new GuardedParser(stack, stream, this, false));
        }
        return channel;
    }

    /** The fast path's link of a connection whose parser is guarded, else null. */
    static SipStreamLink link(NioTcpMessageChannel channel) {
        return (get(PARSER, channel) instanceof GuardedParser guarded) ? guarded.link : null;
    }

    /** Takes every connection still open off the active-connections gauge; for a stopping engine. */
    void closeAll() {
        this.timer.shutdownNow();
        this.open.forEach(GuardedParser::close);
    }

    private void closeSoon(NioTcpMessageChannel channel) {
        this.timer.schedule(() -> close(channel), ANSWER_LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Ends a connection from a timer: its input is shut down, so jain-sip's selector thread reads the end of the stream
     * and closes the channel itself (closing it from another thread races with jain-sip's selector loop).
     */
    private static void close(NioTcpMessageChannel channel) {
        try {
            channel.getSocketChannel().shutdownInput();
        } catch (IOException e) {
            channel.close();
        }
    }

    /**
     * Cuts off the peers that take no bytes (see {@link SipWriteGate}), closes the connections that sent no whole message
     * within the first-message timeout (counted as malformed) and those idle longer than the idle timeout with no live
     * registration made through them and nothing waiting to be written.
     */
    private void closeOverdue() {
        this.writes.forgetClosed();
        long now = System.currentTimeMillis();
        for (GuardedParser connection : this.open) {
            NioTcpMessageProcessor processor = (NioTcpMessageProcessor) connection.channel.getMessageProcessor();
            SocketChannel socket = connection.channel.getSocketChannel();
            try {
                if (this.writes.cutIfStalled(processor, socket, 0)) {
                    continue;
                }
            } catch (IOException e) {
                close(connection.channel);
                continue;
            }
            if (connection.secure && now - connection.openedAt > this.handshakeTimeoutMillis && !SipTls.handshakeDone(connection.channel)) {
                // counted as a failed handshake when it closes
                close(connection.channel);
            } else if (connection.framer.messages() == 0 && now - connection.openedAt > this.connections.firstMessageTimeoutMillis()) {
                this.statistics.malformedMessage();
                close(connection.channel);
            } else if (now - connection.lastActivity > this.connections.idleTimeoutMillis() && now > connection.registeredUntil
                    && !this.writes.hasPending(processor, socket)) {
                close(connection.channel);
            }
        }
    }

    private void opened(GuardedParser parser) {
        this.open.add(parser);
        this.statistics.activeConnections().increment();
    }

    private void closed(GuardedParser parser) {
        if (this.open.remove(parser)) {
            this.statistics.activeConnections().decrement();
            if (parser.secure && !SipTls.handshakeDone(parser.channel)) {
                // plain text or garbage, an untrusted certificate, an aborted or overdue handshake
                this.statistics.tlsHandshakeFailures().failed();
            }
        }
    }

    /**
     * jain-sip's parser of one connection, fed by a {@link SipStreamFramer}: whole, normalized messages only; refused
     * ones are answered and counted, and a stream whose framing is lost is counted and closed. A TCP or TLS message
     * the {@link SipFastPath} can relay is relayed on the selector thread that read it; the others go to jain-sip's
     * parser, which hands them to its one message thread (THREAD_POOL_SIZE 1, see {@link SipBalancer}). While any of
     * those is still waiting there, the connection's next messages follow them, so none overtakes an earlier one.
     */
    private static final class GuardedParser extends NioPipelineParser implements SipStreamFramer.Listener {
        private final SipStreamFramer framer;
        private final SipMessageProcessorFactory factory;
        private final SIPTransactionStack stack;
        private final NioTcpMessageChannel channel;
        private final SipStreamLink link;
        /** Messages handed to jain-sip's message thread and not yet done there. */
        private final AtomicInteger inFullPath = new AtomicInteger();
        private final Runnable fullPathDone = this.inFullPath::decrementAndGet;
        private final boolean secure;
        private final long openedAt = System.currentTimeMillis();
        private volatile long lastActivity = this.openedAt;
        /** Until when a registration made through this connection keeps it open (RFC 5626: the UA needs it). */
        private volatile long registeredUntil;
        private boolean refused;

        GuardedParser(SIPTransactionStack stack, NioTcpMessageChannel channel, SipMessageProcessorFactory factory, boolean accepted) {
            super(stack, channel, stack.getMaxMessageSize());
            // an unlimited stack (MAX_MESSAGE_SIZE 0) still gets a bound: the framer is what keeps allocations sane
            this.framer = new SipStreamFramer(stack.getMaxMessageSize() > 0 ? stack.getMaxMessageSize() : DEFAULT_LIMIT, this);
            this.factory = factory;
            this.stack = stack;
            this.channel = channel;
            this.link = factory.streamFastPath ? SipStreamLink.of(channel) : null;
            this.secure = SipTls.isSecure(channel);
            if (accepted) {
                factory.opened(this);
            }
        }

        @Override
        public void close() {
            this.factory.closed(this);
            super.close();
        }

        @Override
        public synchronized void addBytes(byte[] bytes) throws Exception {
            if (this.refused) {
                // the stream is given up: whatever follows is not read
                return;
            }
            this.lastActivity = System.currentTimeMillis();
            try {
                this.framer.feed(bytes);
            } catch (SipStreamFramer.FramingLost e) {
                this.refused = true;
                if (!e.reported) {
                    this.factory.statistics.malformedMessage();
                    throw e;
                }
                // closing now would discard the answer queued for the selector: close once it had time to go out
                this.factory.closeSoon(this.channel);
            }
        }

        @Override
        public void message(SipHeaderSection section, byte[] message) throws Exception {
            if (section != null && "REGISTER".equals(section.method())) {
                long expires = section.registrationExpiresSeconds();
                // a re-REGISTER comes a little before expiry; the slack lets a late one still find the connection open
                this.registeredUntil = (expires > 0) ? System.currentTimeMillis() + (expires + REGISTRATION_SLACK_SECONDS) * 1000 : 0;
            }
            if (this.link == null) {
                super.addBytes(message);
                return;
            }
            if (this.inFullPath.get() == 0 && this.relayed(message)) {
                return;
            }
            this.inFullPath.incrementAndGet();
            try {
                // one whole message with its Content-Length: jain-sip's parser hands exactly one to the message thread
                super.addBytes(message);
            } finally {
                // runs on the one message thread after the message it follows
                this.stack.getSelfRoutingThreadpoolExecutor().execute(this.fullPathDone);
            }
        }

        /** Whether the fast path relayed the message; a failure in it leaves the message to the full path and the connection open. */
        private boolean relayed(byte[] message) {
            try {
                return this.factory.fastPath.relay(message, this.link);
            } catch (RuntimeException e) {
                LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("SIP stream fast path", e);
                return false;
            }
        }

        @Override
        public void keepAlive(byte[] bytes) throws Exception {
            super.addBytes(bytes);
        }

        @Override
        public void refused(SipHeaderSection section, SipHeaderSection.Refusal refusal) {
            SipRefusals.refuse(section, refusal, this.channel, this.factory.statistics);
        }
    }
}

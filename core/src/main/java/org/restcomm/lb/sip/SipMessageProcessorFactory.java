package org.restcomm.lb.sip;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import gov.nist.javax.sip.parser.NioPipelineParser;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.restcomm.lb.stats.SipStatistics;

/**
 * jain-sip's transports as the balancer runs them. UDP listeners put the {@link SipFastPath} in front of jain-sip's
 * parser. Every accepted TCP and WebSocket connection reads through a {@link SipStreamFramer}:
 * jain-sip's stream parser allocates a message's whole Content-Length before reading it, so one bad header would
 * otherwise kill the listener's selector thread with an OutOfMemoryError, and it frames by the literal header names
 * only. A message the grammar refuses is answered and counted; a stream whose framing is lost is counted and closed.
 */
final class SipMessageProcessorFactory extends NioMessageProcessorFactory {

    private static final Field PARSER = field(NioTcpMessageChannel.class, "nioParser");
    private static final Field UDP_FLAG = field(SIPTransactionStack.class, "udpFlag");
    private static final int DEFAULT_LIMIT = 65536;

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

    SipMessageProcessorFactory(SipStatistics statistics, SipFastPath fastPath) {
        this.statistics = statistics;
        this.fastPath = fastPath;
    }

    /** jain-sip keeps these package-private; the balancer pins the jain-sip version its module ships. */
    private static Field field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("jain-sip without " + owner.getSimpleName() + "." + name, e);
        }
    }

    private static void setField(Field field, Object target, Object value) throws IOException {
        try {
            field.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        }
    }

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port, String transport) throws IOException {
        Transport type = Transport.of(transport);
        if (type == Transport.UDP) {
            // jain-sip's UDP channels send from the listener's socket only when the stack knows it has UDP
            setField(UDP_FLAG, stack, Boolean.TRUE);
            return new FastUdpMessageProcessor(address, stack, port, this.fastPath, this.statistics);
        }
        if (type == Transport.TCP) {
            return new NioTcpMessageProcessor(address, stack, port) {
                @Override
                public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
                    return SipMessageProcessorFactory.this.guard(super.createMessageChannel(processor, client), stack);
                }
            };
        }
        if (type == Transport.WS) {
            return new NioWebSocketMessageProcessor(address, stack, port) {
                @Override
                public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
                    return SipMessageProcessorFactory.this.guard(super.createMessageChannel(processor, client), stack);
                }
            };
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }

    /** Swaps the channel's parser for a guarded one, once: jain-sip asks again for a known connection. */
    private NioTcpMessageChannel guard(NioTcpMessageChannel channel, SIPTransactionStack stack) throws IOException {
        try {
            if (!(PARSER.get(channel) instanceof GuardedParser)) {
                setField(PARSER, channel, new GuardedParser(stack, channel, this));
            }
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        }
        return channel;
    }

    /** Takes every connection still open off the active-connections gauge; for a stopping engine. */
    void closeAll() {
        this.timer.shutdownNow();
        this.open.forEach(GuardedParser::close);
    }

    private void closeSoon(NioTcpMessageChannel channel) {
        this.timer.schedule(channel::close, ANSWER_LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void opened(GuardedParser parser) {
        this.open.add(parser);
        this.statistics.activeConnections().increment();
    }

    private void closed(GuardedParser parser) {
        if (this.open.remove(parser)) {
            this.statistics.activeConnections().decrement();
        }
    }

    /**
     * jain-sip's parser of one connection, fed by a {@link SipStreamFramer}: whole, normalized messages only; refused
     * ones are answered and counted, and a stream whose framing is lost is counted and closed.
     */
    private static final class GuardedParser extends NioPipelineParser implements SipStreamFramer.Listener {
        private final SipStreamFramer framer;
        private final SipMessageProcessorFactory factory;
        private final NioTcpMessageChannel channel;
        private boolean refused;

        GuardedParser(SIPTransactionStack stack, NioTcpMessageChannel channel, SipMessageProcessorFactory factory) {
            super(stack, channel, stack.getMaxMessageSize());
            // an unlimited stack (MAX_MESSAGE_SIZE 0) still gets a bound: the framer is what keeps allocations sane
            this.framer = new SipStreamFramer(stack.getMaxMessageSize() > 0 ? stack.getMaxMessageSize() : DEFAULT_LIMIT, this);
            this.factory = factory;
            this.channel = channel;
            factory.opened(this);
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
        public void message(byte[] message) throws Exception {
            super.addBytes(message);
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

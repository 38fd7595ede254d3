package org.restcomm.lb.sip;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * parser. Every accepted TCP and WebSocket connection reads through a {@link SipStreamGuard}:
 * jain-sip's stream parser allocates a message's whole Content-Length before reading it, so one bad header would
 * otherwise kill the listener's selector thread with an OutOfMemoryError. A refused stream is counted as malformed and
 * its connection closed.
 */
final class SipMessageProcessorFactory extends NioMessageProcessorFactory {

    private static final Field PARSER = field(NioTcpMessageChannel.class, "nioParser");
    private static final Field UDP_FLAG = field(SIPTransactionStack.class, "udpFlag");
    private static final int DEFAULT_LIMIT = 65536;

    private final SipStatistics statistics;
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
        this.open.forEach(GuardedParser::close);
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

    /** jain-sip's parser of one accepted connection, refusing what the guard refuses, and counting the connection. */
    private static final class GuardedParser extends NioPipelineParser {
        private final SipStreamGuard guard;
        private final SipMessageProcessorFactory factory;
        private boolean refused;

        GuardedParser(SIPTransactionStack stack, NioTcpMessageChannel channel, SipMessageProcessorFactory factory) {
            super(stack, channel, stack.getMaxMessageSize());
            // an unlimited stack (MAX_MESSAGE_SIZE 0) still gets a bound: the guard is what keeps allocations sane
            this.guard = new SipStreamGuard(stack.getMaxMessageSize() > 0 ? stack.getMaxMessageSize() : DEFAULT_LIMIT);
            this.factory = factory;
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
                // jain-sip feeds a closing CRLF after an error; the stream is already given up
                throw new IOException("connection refused as malformed");
            }
            try {
                this.guard.check(bytes);
            } catch (IOException e) {
                this.refused = true;
                this.factory.statistics.malformedMessage();
                throw e;
            }
            super.addBytes(bytes);
        }
    }
}

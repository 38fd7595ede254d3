package org.restcomm.lb.sip;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;

import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageProcessor;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.SSLStateMachine;

/**
 * One open TCP or TLS connection of jain-sip's, as the {@link SipFastPath} sends on it: the bytes go through the
 * connection's own TLS engine (when it has one) into its listener's send, as jain-sip's channel would send them, but
 * without jain-sip's look-up of the socket by address for every message. Only connections jain-sip knows as cached
 * are used (it opened them, or it has seen a request on them), so jain-sip's full path finds the same connection for
 * whatever the fast path leaves to it.
 */
final class SipStreamLink implements SipFastPath.Link {

    private static final Field TLS_STATE = field(NioTlsMessageChannel.class, "sslStateMachine");
    private static final Field CACHED = field(ConnectionOrientedMessageChannel.class, "isCached");
    private static final Field CHANNELS = field(ConnectionOrientedMessageProcessor.class, "messageChannels");
    /** TLS records of one wrap call land here, a record at a time; larger than any record an engine writes. */
    private static final int RECORD_BUFFER_BYTES = 1 << 15;

    final NioTcpMessageChannel channel;
    final NioTcpMessageProcessor processor;
    final Transport transport;
    private final SocketChannel socket;
    private final InetAddress peerAddress;
    private final int peerPort;
    private final SSLStateMachine tls;
    /** Once seen true, stays true: the handshake does not come undone, jain-sip does not uncache a connection. */
    private boolean handshakeDone;
    private boolean cached;

    private SipStreamLink(NioTcpMessageChannel channel, Transport transport) {
        this.channel = channel;
        this.transport = transport;
        this.processor = (NioTcpMessageProcessor) channel.getMessageProcessor();
        this.socket = channel.getSocketChannel();
        this.peerAddress = this.socket.socket().getInetAddress();
        this.peerPort = this.socket.socket().getPort();
        this.tls = (channel instanceof NioTlsMessageChannel) ? (SSLStateMachine) get(TLS_STATE, channel) : null;
        this.handshakeDone = this.tls == null;
    }

    /** A TCP or TLS connection's link; null for other transports (WebSocket framing is jain-sip's). */
    static SipStreamLink of(NioTcpMessageChannel channel) {
        Transport transport = Transport.of(channel.getTransport());
        return (transport == Transport.TCP || transport == Transport.TLS) ? new SipStreamLink(channel, transport) : null;
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

    private static Object get(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Open, connected when the link was made, its TLS handshake done, and known to jain-sip's connection cache. */
    boolean usable() {
        if (this.peerAddress == null || !this.socket.isOpen() || !this.socket.isConnected()) {
            // a link made before its connection completed stays with the full path
            return false;
        }
        if (!this.handshakeDone) {
            this.handshakeDone = SipTls.handshakeDone(this.channel);
        }
        if (!this.cached) {
            this.cached = (Boolean) get(CACHED, this.channel);
        }
        return this.handshakeDone && this.cached;
    }

    InetAddress peerAddress() {
        return this.peerAddress;
    }

    int peerPort() {
        return this.peerPort;
    }

    /** Sends the output on this connection; the address and port are the connection's own. */
    @Override
    public void send(SipFastPath.Output out, InetAddress address, int port) throws IOException {
        // a copy: what the socket does not take at once stays queued, and the output is reused for the next message
        byte[] message = Arrays.copyOf(out.buffer(), out.length());
        if (this.tls == null) {
            this.processor.send(this.socket, message);
            return;
        }
        ByteBuffer records = out.records(RECORD_BUFFER_BYTES);
        records.clear();
        this.tls.wrap(ByteBuffer.wrap(message), records, encrypted -> this.processor.send(this.socket, encrypted));
    }

    /**
     * The links of the connections a thread sends on, by listener, address and port: a few nodes and the clients of
     * the moment, each looked up in jain-sip's cache once rather than by a key String per message.
     */
    static final class Cache {
        private static final int SLOTS = 64;
        private final SipStreamLink[] links = new SipStreamLink[SLOTS];

        /** The usable connection jain-sip has open from the listener to address:port, or null. */
        SipStreamLink find(NioTcpMessageProcessor processor, InetAddress address, int port) {
            int slot = (System.identityHashCode(processor) * 31 + address.hashCode() * 17 + port) & (SLOTS - 1);
            SipStreamLink link = this.links[slot];
            if (link != null && link.processor == processor && link.peerPort() == port && address.equals(link.peerAddress()) && link.usable()) {
                return link;
            }
            @SuppressWarnings("unchecked")
            Map<String, ConnectionOrientedMessageChannel> channels = (Map<String, ConnectionOrientedMessageChannel>) get(CHANNELS, processor);
            ConnectionOrientedMessageChannel channel = channels.get(MessageChannel.getKey(address, port, processor.getTransport()));
            link = (channel instanceof NioTcpMessageChannel stream) ? of(stream) : null;
            if (link == null || !link.usable()) {
                return null;
            }
            this.links[slot] = link;
            return link;
        }
    }
}

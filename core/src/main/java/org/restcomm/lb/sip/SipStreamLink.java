package org.restcomm.lb.sip;

import static org.restcomm.lb.sip.JainSipFields.field;
import static org.restcomm.lb.sip.JainSipFields.get;

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
 * One open TCP or TLS connection of jain-sip's, as the {@link SipFastPath} reads from and sends on it, one per
 * connection (its guarded parser's): the bytes go through the connection's own TLS engine (when it has one) into its
 * listener's send, as jain-sip's channel would send them, but without jain-sip's look-up of the socket by address for
 * every message. Only connections jain-sip knows as cached are used (it opened them, or it has seen a request on
 * them), so jain-sip's full path finds the same connection for whatever the fast path leaves to it.
 */
final class SipStreamLink implements SipFastPath.Link {

    private static final Field TLS_STATE = field(NioTlsMessageChannel.class, "sslStateMachine");
    private static final Field CACHED = field(ConnectionOrientedMessageChannel.class, "isCached");
    private static final Field CHANNELS = field(ConnectionOrientedMessageProcessor.class, "messageChannels");

    final NioTcpMessageChannel channel;
    final NioTcpMessageProcessor processor;
    final Transport transport;
    /** Once seen true, stays true: the handshake does not come undone, jain-sip does not uncache a connection. */
    private volatile boolean handshakeDone;
    private volatile boolean cached;
    /** The largest TLS record the connection's engine writes, read once its handshake is done. */
    private volatile int recordBytes;

    private SipStreamLink(NioTcpMessageChannel channel, Transport transport) {
        this.channel = channel;
        this.processor = (NioTcpMessageProcessor) channel.getMessageProcessor();
        this.transport = transport;
        this.handshakeDone = transport != Transport.TLS;
    }

    /** A TCP or TLS connection's link; null for other transports (WebSocket framing is jain-sip's). */
    static SipStreamLink of(NioTcpMessageChannel channel) {
        Transport transport = Transport.of(channel.getTransport());
        return (transport == Transport.TCP || transport == Transport.TLS) ? new SipStreamLink(channel, transport) : null;
    }



    /**
     * Open and connected, its TLS handshake done, known to jain-sip's connection cache, and nothing queued for it: a
     * peer that is slow to read, or cut off, is left to the full path, which queues behind what waits or answers the
     * failure.
     */
    boolean usable() {
        SocketChannel socket = this.channel.getSocketChannel();
        if (socket == null || !socket.isOpen() || !socket.isConnected() || socket.socket().getInetAddress() == null) {
            return false;
        }
        if (!this.handshakeDone && SipTls.handshakeDone(this.channel)) {
            this.recordBytes = SipTls.packetBufferSize(this.channel);
            this.handshakeDone = true;
        }
        if (!this.cached) {
            this.cached = (Boolean) get(CACHED, this.channel);
        }
        return this.handshakeDone && this.cached && SipWriteGate.queued(this.processor, socket) == 0;
    }

    InetAddress peerAddress() {
        return this.channel.getSocketChannel().socket().getInetAddress();
    }

    int peerPort() {
        return this.channel.getSocketChannel().socket().getPort();
    }

    /**
     * Sends the output on this connection (the address and port are the connection's own), through its TLS engine
     * when it has one; both are read now, as jain-sip replaces them when it reconnects.
     */
    @Override
    public void send(SipFastPath.Output out, InetAddress address, int port) throws IOException {
        // a copy: what the socket does not take at once stays queued, and the output is reused for the next message
        byte[] message = Arrays.copyOf(out.buffer(), out.length());
        SocketChannel socket = this.channel.getSocketChannel();
        if (this.transport != Transport.TLS) {
            this.processor.send(socket, message);
            return;
        }
        ByteBuffer records = out.records(this.recordBytes);
        records.clear();
        ((SSLStateMachine) get(TLS_STATE, this.channel)).wrap(ByteBuffer.wrap(message), records, encrypted -> this.processor.send(socket, encrypted));
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
            if (link != null && link.processor == processor && link.usable() && link.peerPort() == port && address.equals(link.peerAddress())) {
                return link;
            }
            @SuppressWarnings("unchecked")
            Map<String, ConnectionOrientedMessageChannel> channels = (Map<String, ConnectionOrientedMessageChannel>) get(CHANNELS, processor);
            ConnectionOrientedMessageChannel channel = channels.get(MessageChannel.getKey(address, port, processor.getTransport()));
            // the link of the connection's guarded parser: none yet while jain-sip's own parser still reads it
            link = (channel instanceof NioTcpMessageChannel stream) ? SipMessageProcessorFactory.link(stream) : null;
            if (link == null || !link.usable()) {
                return null;
            }
            this.links[slot] = link;
            return link;
        }
    }
}

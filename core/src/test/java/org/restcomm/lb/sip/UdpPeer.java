package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;

/** A SIP peer on a bare UDP socket: sends text, reads what arrives with jain-sip's parser. */
final class UdpPeer implements AutoCloseable {

    private final DatagramSocket socket;
    /** The loopback address of the peer's family, where the balancer listens too. */
    private final InetAddress loopback;

    UdpPeer() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** A peer on the given loopback address, 127.0.0.1 or ::1. */
    UdpPeer(InetAddress loopback) throws IOException {
        this.loopback = loopback;
        this.socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
    }

    boolean isIpv6() {
        return this.loopback instanceof java.net.Inet6Address;
    }

    int port() {
        return this.socket.getLocalPort();
    }

    void send(String message, int port) throws IOException {
        byte[] bytes = message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        this.socket.send(new DatagramPacket(bytes, bytes.length, this.loopback, port));
    }

    SIPMessage receive() throws Exception {
        SIPMessage message = this.receive(3000);
        if (message == null) {
            throw new AssertionError("nothing arrived at port " + this.port());
        }
        return message;
    }

    /** The next message, or null when none arrives within the timeout. */
    SIPMessage receive(int timeoutMillis) throws Exception {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        this.socket.setSoTimeout(timeoutMillis);
        try {
            this.socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] bytes = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        return new StringMsgParser().parseSIPMessage(bytes, true, false, null);
    }

    @Override
    public void close() {
        this.socket.close();
    }
}

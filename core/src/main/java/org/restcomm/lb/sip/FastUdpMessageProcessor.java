package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedList;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.SipStatistics;

/**
 * A UDP listener of the jain-sip stack whose one receiving thread does all the work: the {@link SipFastPath} relays
 * what it can by splicing bytes; anything else is parsed by jain-sip's parser and handed to the stack's message valve
 * (the forwarder) right there. No queue hand-off, one reused receive buffer instead of jain-sip's 64 KiB per datagram,
 * and a socket's datagrams are handled in arrival order.
 */
final class FastUdpMessageProcessor extends UDPMessageProcessor implements SipFastPath.Link {

    private final SipFastPath fastPath;
    private final SipStatistics statistics;
    private final SipFastPath.Output out = new SipFastPath.Output();

    FastUdpMessageProcessor(InetAddress address, SIPTransactionStack stack, int port, SipFastPath fastPath, SipStatistics statistics) throws IOException {
        super(address, stack, port);
        this.fastPath = fastPath;
        this.statistics = statistics;
        // jain-sip's stop() closes the channels in this list; its own run() would have created it
        this.messageChannels = new LinkedList<>();
        // Linux reports twice what it granted (its bookkeeping share included); less than asked means rmem_max capped it
        int asked = stack.getReceiveUdpBufferSize();
        int granted = this.sock.getReceiveBufferSize();
        if (granted < asked) {
            LoadBalancerLogger.ROOT_LOGGER.udpReceiveBufferCapped(address.getHostAddress(), port, granted, asked);
        }
    }

    /** The receive queue the kernel granted this listener's socket, in bytes as it reports them. */
    int receiveBufferBytes() throws SocketException {
        return this.sock.getReceiveBufferSize();
    }

    /** Sends the output as one datagram from this listener's socket. */
    @Override
    public void send(SipFastPath.Output datagram, InetAddress address, int port) throws IOException {
        this.sock.send(datagram.packet(address, port));
    }

    @Override
    public void run() {
        byte[] buffer = new byte[SipStackImpl.MAX_DATAGRAM_SIZE];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        MessageParser parser = this.sipStack.getMessageParserFactory().createMessageParser(this.sipStack);
        while (this.isRunning) {
            try {
                packet.setData(buffer);
                this.sock.receive(packet);
                if (!this.fastPath.relay(packet, this, this.out)) {
                    this.parseAndForward(parser, packet);
                }
            } catch (SocketTimeoutException e) {
                // the stack's thread auditor sets a receive timeout; nothing to do
            } catch (SocketException e) {
                if (!this.isRunning) {
                    return;
                }
                LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("UDP receive", e);
            } catch (IOException | RuntimeException e) {
                LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("UDP datagram", e);
            }
        }
    }

    /** What jain-sip's UDP channel does with a datagram, down to the valve: parse, check, mark the top Via, forward. */
    private void parseAndForward(MessageParser parser, DatagramPacket packet) throws IOException {
        byte[] bytes = Arrays.copyOf(packet.getData(), packet.getLength());
        if (this.refusedByGrammar(bytes, packet)) {
            return;
        }
        SIPMessage message;
        try {
            message = parser.parseSIPMessage(bytes, true, false, MANDATORY_HEADERS);
        } catch (ParseException e) {
            // counted by the parser; dropped, as nothing reliable can be answered
            return;
        }
        Via top = (message != null) ? message.getTopmostVia() : null;
        if (top == null || message.getFrom() == null || message.getTo() == null || message.getCallId() == null || message.getCSeq() == null) {
            if (!isKeepAlive(bytes)) {
                this.statistics.malformedMessage();
            }
            return;
        }
        InetAddress source = packet.getAddress();
        if (message instanceof SIPRequest request) {
            if (!request.getMethod().equalsIgnoreCase(request.getCSeq().getMethod())) {
                return;
            }
            markReceived(top, source.getHostAddress(), packet.getPort());
            // as jain-sip's channel: a request's peer port is the one its top Via names
            MessageChannel channel = this.createMessageChannel(source, (top.getPort() > 0) ? top.getPort() : 5060);
            for (SIPMessageValve valve : this.sipStack.sipMessageValves) {
                if (!valve.processRequest(request, channel)) {
                    return;
                }
            }
        } else {
            MessageChannel channel = this.createMessageChannel(source, packet.getPort());
            for (SIPMessageValve valve : this.sipStack.sipMessageValves) {
                if (!valve.processResponse((SIPResponse) message, channel)) {
                    return;
                }
            }
        }
    }

    /** A datagram whose header section the grammar refuses is answered (a request) or dropped, and counted. */
    private boolean refusedByGrammar(byte[] bytes, DatagramPacket packet) throws IOException {
        if (isKeepAlive(bytes)) {
            return false;
        }
        SipHeaderSection section = SipHeaderSection.read(bytes, 0, bytes.length);
        SipHeaderSection.Refusal refusal = section.refusal(SipStackImpl.MAX_DATAGRAM_SIZE);
        if (refusal == null) {
            return false;
        }
        String via = section.value("via");
        SipRefusals.refuse(section, refusal, this.createMessageChannel(packet.getAddress(), viaPort(via, packet.getPort())), this.statistics);
        return true;
    }

    /** The port a request's answer goes to: the source port when the top Via asks for rport, else the Via's port. */
    private static int viaPort(String via, int sourcePort) {
        if (via == null) {
            return sourcePort;
        }
        byte[] bytes = via.getBytes(StandardCharsets.UTF_8);
        int comma = SipBytes.indexOf(bytes, 0, bytes.length, (byte) ',');
        SipFastPath.ViaEntry top = new SipFastPath.ViaEntry();
        return (!top.read(bytes, 0, (comma < 0) ? bytes.length : comma) || top.rport) ? sourcePort : top.port;
    }

    /**
     * As jain-sip's UDP channel: a bad Via, From, To, CSeq, Call-ID, Content-Length or start line makes the message
     * unreadable; any other bad header is kept unparsed.
     */
    private static final ParseExceptionListener MANDATORY_HEADERS = (exception, message, header, headerText, messageText) -> {
        if (header == From.class || header == To.class || header == CSeq.class || header == Via.class || header == CallID.class
                || header == ContentLength.class || header == RequestLine.class || header == StatusLine.class) {
            throw exception;
        }
        message.addUnparsed(headerText);
    };

    /** CRLF keep-alives (RFC 5626) are not malformed messages. */
    private static boolean isKeepAlive(byte[] bytes) {
        for (byte b : bytes) {
            if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** received= when asked for rport or sent from another address than claimed; rport= filled in (RFC 3581). */
    private static void markReceived(Via top, String sourceAddress, int sourcePort) {
        boolean rport = top.hasParameter(Via.RPORT);
        try {
            if (rport || !sourceAddress.equals(top.getHost())) {
                top.setParameter(Via.RECEIVED, sourceAddress);
            }
            if (rport) {
                top.setParameter(Via.RPORT, Integer.toString(sourcePort));
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

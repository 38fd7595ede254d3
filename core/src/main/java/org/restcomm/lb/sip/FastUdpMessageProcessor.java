package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.util.LinkedList;
import java.util.concurrent.LinkedBlockingQueue;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * jain-sip's UDP listener with the {@link SipFastPath} on its receiving thread: a datagram the fast path relays never
 * reaches jain-sip's queue, parser or worker; any other goes on to them as before. One thread per socket runs the
 * fast path, so a socket's datagrams keep their arrival order.
 */
final class FastUdpMessageProcessor extends UDPMessageProcessor {

    FastUdpMessageProcessor(InetAddress address, SIPTransactionStack stack, int port, SipFastPath fastPath) throws IOException {
        super(address, stack, port);
        this.messageQueue = new FastPathQueue(fastPath, this);
        // jain-sip fills this list when its thread first runs; a stop before that would fail on null
        this.messageChannels = new LinkedList<>();
    }

    /** Sends the output as one datagram from this listener's socket. */
    void send(SipFastPath.Output out, InetAddress address, int port) throws IOException {
        this.sock.send(new DatagramPacket(out.buffer(), out.length(), address, port));
    }

    /** The queue jain-sip's receiving thread offers each datagram to: the fast path gets the first look. */
    private static final class FastPathQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {
        private static final long serialVersionUID = 1L;

        private final transient SipFastPath fastPath;
        private final transient FastUdpMessageProcessor processor;
        /** Only the receiving thread offers, so one output buffer serves every datagram. */
        private final transient SipFastPath.Output out = new SipFastPath.Output();

        FastPathQueue(SipFastPath fastPath, FastUdpMessageProcessor processor) {
            this.fastPath = fastPath;
            this.processor = processor;
        }

        @Override
        public boolean offer(DatagramQueuedMessageDispatch dispatch) {
            try {
                if (this.fastPath.relay(dispatch.packet, this.processor, this.out)) {
                    return true;
                }
            } catch (RuntimeException e) {
                LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("UDP datagram", e);
            }
            return super.offer(dispatch);
        }
    }
}

package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.CallIdAffinityAlgorithm;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;
import org.restcomm.lb.stats.LoadBalancerStatistics;

/**
 * Synthetic calls through a private engine before the real one opens its ports. A fresh JVM runs the fast path in
 * the interpreter and spins its lambdas and string concatenations on the first messages: offered 2000 calls/s from
 * its first moment (a failover to it), the balancer answered its first 200-400 ms of calls 30-80 ms late. Compiled
 * code belongs to the classes, not to an engine, so calls through a throwaway engine of the same settings (its own
 * jain-sip stack and UDP listeners on loopback, its own registry, statistics and call-id algorithm, and a node
 * answering on a bare socket) warm the real one; nothing of it is seen in the real registry, statistics or log.
 * INVITE, 100 Trying, 200, ACK and BYE with its 200 take the UDP fast path as real calls do; the full path is left cold.
 */
final class SipWarmUp {

    /** -D{@value}=false starts the SIP engine cold, as before. */
    static final String PROPERTY = "org.restcomm.lb.sip.warm-up";
    /** Enough for the compiler to have the fast path in hand; about half a second on 2 cold cores. */
    static final int CALLS = 1500;
    /** Calls in flight at once, so the engine's threads see a queue as under load. */
    private static final int WINDOW = 32;
    /** A warm-up never holds the server's start longer than this. */
    private static final long DEADLINE_MILLIS = 3000;
    private static final long LOST_AFTER_MILLIS = 300;
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private SipWarmUp() {
    }

    /** Warms the engine the first time it starts in this JVM, unless turned off; never fails the start. */
    static void oncePerProcess(SipBalancerSettings settings) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || !DONE.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            Rehearsal rehearsal = rehearse(settings, CALLS, DEADLINE_MILLIS);
            if (rehearsal.completedCalls() == 0) {
                LoadBalancerLogger.ROOT_LOGGER.sipWarmUpFailed("no synthetic call completed in " + DEADLINE_MILLIS + " ms");
            } else {
                LoadBalancerLogger.ROOT_LOGGER.sipWarmedUp(rehearsal.completedCalls(), CALLS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), PROPERTY);
            }
        } catch (Exception | LinkageError e) {
            LoadBalancerLogger.ROOT_LOGGER.sipWarmUpFailed(String.valueOf(e));
        }
    }

    /** What a warm-up did: calls that completed, and datagrams its engine's UDP fast path relayed. */
    record Rehearsal(int completedCalls, long fastPathRelayed) {
    }

    /** Runs up to {@code calls} calls through a private engine of these settings within the deadline. */
    static Rehearsal rehearse(SipBalancerSettings settings, int calls, long deadlineMillis) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        Map<String, String> stackProperties = new HashMap<>(settings.stackProperties());
        // jain-sip's own receive queue: a queue larger than rmem_max would be logged for these listeners too
        stackProperties.put("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "65536");
        // jain-sip hands out the stack it already has for an IP_ADDRESS, whatever the STACK_NAME: the real engine
        // would get this one, and lose it when it stops
        stackProperties.remove("javax.sip.IP_ADDRESS");
        SipBalancerSettings onLoopback = new SipBalancerSettings(List.of(
                SipListenerSettings.of(Side.EXTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort(loopback))),
                SipListenerSettings.of(Side.INTERNAL, "udp", new InetSocketAddress(loopback, freeUdpPort(loopback)))),
                settings.sendTrying(), settings.noNodeStatus(), settings.noNodeReason(), settings.blockedUserAgents(), stackProperties,
                // the synthetic node answers calls only: no probes, no judging of a node the cold engine keeps waiting,
                // and the plain routing the fast path takes
                SipBalancerSettings.BadNodeDetection.DEFAULT, settings.failureAnswer(), settings.streamConnections(),
                SipBalancerSettings.Reachability.DEFAULT, SipBalancerSettings.Tls.DEFAULT, SipRouting.DEFAULT);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0));
                DatagramSocket nodeSocket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            Clock clock = Clock.systemUTC();
            NodeRegistry registry = NodeRegistry.unannounced(clock, 60_000);
            CallIdAffinityAlgorithm algorithm = new CallIdAffinityAlgorithm();
            SipBalancer engine = SipBalancer.unannounced(onLoopback, registry, () -> algorithm, new LoadBalancerStatistics(true));
            try {
                algorithm.start(new AlgorithmContext(registry, clock, Map.of()));
                registry.addListener(algorithm);
                engine.start();
                Thread node = new Thread(() -> answerCalls(nodeSocket), "load-balancer-sip-warm-up-node");
                node.setDaemon(true);
                node.start();
                registry.register(new NodeAdvertisement("warm-up", "127.0.0.1", Map.of("udpPort", Integer.toString(nodeSocket.getLocalPort()),
                        "version", "0", "sessionId", "warm-up")), NodeSource.HTTP);
                int completed = new Caller(client, loopback, onLoopback.listeners().get(0).bind().getPort()).call(calls, deadlineMillis);
                return new Rehearsal(completed, engine.fastPathRelayed());
            } finally {
                // ends the node's thread
                nodeSocket.close();
                stop(engine, algorithm);
            }
        }
    }

    /**
     * Stopped before the real engine's stack is made, though jain-sip's stop sleeps a second: stacks share static
     * state (the self-routing executor a stop shuts down), and a warm-up stack stopping beside the real one broke
     * the real one's routing (SeveralBalancersTestCase).
     */
    private static void stop(SipBalancer engine, CallIdAffinityAlgorithm algorithm) {
        try {
            engine.stop();
        } finally {
            algorithm.stop();
        }
    }

    private static int freeUdpPort(InetAddress address) throws SocketException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return socket.getLocalPort();
        }
    }

    /** The node: 200 to INVITE (with the Record-Routes and a Contact) and to BYE, nothing to ACK; until its socket closes. */
    private static void answerCalls(DatagramSocket socket) {
        byte[] buffer = new byte[8192];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        String contact = "<sip:warm-up@127.0.0.1:" + socket.getLocalPort() + ">";
        while (!socket.isClosed()) {
            try {
                packet.setData(buffer);
                socket.receive(packet);
                Message request = Message.of(packet);
                boolean invite = request.startLine.startsWith("INVITE ");
                if (invite || request.startLine.startsWith("BYE ")) {
                    StringBuilder ok = new StringBuilder(512).append("SIP/2.0 200 OK\r\n");
                    for (String line : request.headers) {
                        String name = Message.name(line);
                        if (name.equals("via") || name.equals("from") || name.equals("call-id") || name.equals("cseq") || (invite && name.equals("record-route"))) {
                            ok.append(line).append("\r\n");
                        } else if (name.equals("to")) {
                            ok.append(line).append(invite ? ";tag=warm-up" : "").append("\r\n");
                        }
                    }
                    if (invite) {
                        ok.append("Contact: ").append(contact).append("\r\n");
                    }
                    send(socket, ok.append("Content-Length: 0\r\n\r\n"), packet.getAddress(), packet.getPort());
                }
            } catch (IOException e) {
                // closed at the end of the warm-up
            }
        }
    }

    private static void send(DatagramSocket socket, CharSequence text, InetAddress address, int port) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, address, port));
    }

    /** The caller: keeps a window of calls going, each INVITE, then ACK and BYE along the Record-Routes once the 200 comes. */
    private static final class Caller {
        private final DatagramSocket socket;
        private final InetAddress balancer;
        private final int port;
        private final String via;
        /** Calls in flight by Call-ID, with when their last request went out. */
        private final Map<String, Long> inFlight = new HashMap<>();

        Caller(DatagramSocket socket, InetAddress balancer, int port) {
            this.socket = socket;
            this.balancer = balancer;
            this.port = port;
            this.via = "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-warm-up-";
        }

        int call(int calls, long deadlineMillis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
            byte[] buffer = new byte[8192];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            this.socket.setSoTimeout(50);
            int started = 0;
            int completed = 0;
            while (completed < calls && System.nanoTime() - deadline < 0) {
                while (this.inFlight.size() < WINDOW && completed + this.inFlight.size() < calls) {
                    this.invite("warm-up-" + started++);
                }
                try {
                    packet.setData(buffer);
                    this.socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    // lost on the way: a later call takes its place
                    long now = System.currentTimeMillis();
                    this.inFlight.values().removeIf(sent -> now - sent > LOST_AFTER_MILLIS);
                    continue;
                }
                Message answer = Message.of(packet);
                String callId = answer.value("call-id");
                if (!answer.startLine.startsWith("SIP/2.0 200") || callId == null || !this.inFlight.containsKey(callId)) {
                    continue;
                }
                if (answer.value("cseq").endsWith("INVITE")) {
                    this.acknowledgeAndHangUp(answer, callId);
                } else {
                    this.inFlight.remove(callId);
                    completed++;
                }
            }
            return completed;
        }

        private void invite(String callId) throws IOException {
            this.inFlight.put(callId, System.currentTimeMillis());
            this.send("INVITE sip:warm-up@127.0.0.1 SIP/2.0\r\n" + this.via + callId + "-1\r\nMax-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=caller\r\n"
                    + "To: <sip:warm-up@127.0.0.1>\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + this.socket.getLocalPort()
                    + ">\r\nContent-Length: 0\r\n\r\n");
        }

        /** ACK and BYE to the node's Contact, along the Record-Routes reversed, as a user agent does. */
        private void acknowledgeAndHangUp(Message ok, String callId) throws IOException {
            List<String> routes = new ArrayList<>();
            for (String line : ok.headers) {
                if (Message.name(line).equals("record-route")) {
                    routes.add(0, "Route:" + line.substring(line.indexOf(':') + 1) + "\r\n");
                }
            }
            String contact = ok.value("contact");
            String target = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
            String dialog = "Max-Forwards: 70\r\nFrom: <sip:caller@127.0.0.1>;tag=caller\r\nTo: " + ok.value("to") + "\r\nCall-ID: " + callId + "\r\n"
                    + String.join("", routes);
            this.send("ACK " + target + " SIP/2.0\r\n" + this.via + callId + "-3\r\n" + dialog + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
            this.send("BYE " + target + " SIP/2.0\r\n" + this.via + callId + "-2\r\n" + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
            this.inFlight.put(callId, System.currentTimeMillis());
        }

        private void send(String text) throws IOException {
            SipWarmUp.send(this.socket, text, this.balancer, this.port);
        }
    }

    /** A message as lines: enough for the warm-up's own two peers, which see only what the balancer relays. */
    private record Message(String startLine, List<String> headers) {
        static Message of(DatagramPacket packet) {
            String text = new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.US_ASCII);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, (end < 0) ? text.length() : end).split("\r\n");
            return new Message(lines[0], List.of(lines).subList(1, lines.length));
        }

        static String name(String line) {
            int colon = line.indexOf(':');
            return (colon < 0) ? "" : line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        }

        String value(String name) {
            for (String line : this.headers) {
                if (name(line).equals(name)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return null;
        }
    }
}

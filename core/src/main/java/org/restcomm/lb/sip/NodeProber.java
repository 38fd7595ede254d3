package org.restcomm.lb.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageProcessor;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * Kamailio's ds_ping_interval: every probe-interval an OPTIONS goes to each SIP node from the balancer's internal
 * listener; the answer (any status) comes back to that listener and is recognised by its branch.
 */
final class NodeProber {

    private final SipRules rules;
    private final NodeRegistry registry;
    private final AtomicLong sequence = new AtomicLong();
    private long nextProbeAt;

    NodeProber(SipRules rules, NodeRegistry registry) {
        this.rules = rules;
        this.registry = registry;
    }

    /** Called on every health tick: probes all SIP nodes when probe-interval has passed since the last round. */
    void tick(long now) {
        SipBalancerSettings.Reachability settings = this.rules.settings().reachability();
        if (!settings.probing() || this.rules.listeners().singleEntry()) {
            this.nextProbeAt = 0;
            return;
        }
        if (now < this.nextProbeAt) {
            return;
        }
        this.nextProbeAt = now + settings.probeIntervalMillis();
        for (Node node : this.registry.nodes()) {
            if (node.servesSip()) {
                this.probe(node);
            }
        }
    }

    private void probe(Node node) {
        // UDP when the node and the balancer's internal side have it, else the node's first stream transport
        Transport transport = Transport.UDP;
        // from the internal listener of the node's own family
        boolean ipv6 = HostAndPort.isIpv6Literal(node.ip());
        OptionalInt port = node.port(Transport.UDP.nodePortProperty());
        SipListenerSettings listener = this.rules.listeners().advertised(Side.INTERNAL, Transport.UDP, ipv6);
        if (port.isEmpty() || listener.transport() != Transport.UDP) {
            listener = this.rules.listeners().advertised(Side.INTERNAL, Transport.TCP, ipv6);
            transport = listener.transport();
            port = node.port(transport.nodePortProperty());
        }
        if (port.isEmpty()) {
            return;
        }
        MessageProcessor processor = this.rules.listeners().processor(Side.INTERNAL, transport, ipv6);
        this.rules.probeSent(node);
        try {
            SIPMessage options = options(listener, node.ip(), port.getAsInt(), this.sequence.incrementAndGet());
            processor.createMessageChannel(InetAddress.getByName(node.ip()), port.getAsInt()).sendMessage(options);
        } catch (IOException e) {
            this.rules.sendFailed(node, e);
        } catch (ParseException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("OPTIONS probe to " + node.name(), e);
        }
    }

    private static SIPMessage options(SipListenerSettings listener, String ip, int port, long sequence) throws ParseException {
        String host = HostAndPort.bracketed(listener.viaHost()) + ":" + listener.viaPort();
        String target = "sip:" + HostAndPort.bracketed(ip) + ":" + port
                + ((listener.transport() != Transport.UDP) ? ";transport=" + listener.transport().parameter() : "");
        String text = "OPTIONS " + target + " SIP/2.0\r\n"
                + "Via: " + SipRules.via(listener, SipRules.PROBE_BRANCH + sequence) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:load-balancer@" + host + ">;tag=lbprobe\r\n"
                + "To: <" + target + ">\r\n"
                + "Call-ID: lbprobe-" + sequence + "@" + listener.viaHost() + "\r\n"
                + "CSeq: " + (sequence % Integer.MAX_VALUE + 1) + " OPTIONS\r\n"
                + "Accept: application/sdp\r\n"
                + "Content-Length: 0\r\n\r\n";
        return new StringMsgParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }
}

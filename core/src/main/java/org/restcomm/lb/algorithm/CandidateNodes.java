package org.restcomm.lb.algorithm;

import java.util.Collection;
import java.util.List;

import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * The nodes new SIP calls and new HTTP sessions may go to: those serving the protocol that take new work, of the
 * newest version among them; and all nodes serving each protocol, whatever their state. Worked out again when the
 * registry changes, not for every request.
 */
final class CandidateNodes {

    private record Snapshot(long generation, List<Node> sip, List<Node> sipIpv4, List<Node> sipIpv6, List<Node> http, List<Node> registeredSip,
            List<Node> registeredHttp) {
    }

    private final NodeRegistry registry;
    private volatile Snapshot snapshot;

    CandidateNodes(NodeRegistry registry) {
        this.registry = registry;
    }

    List<Node> sip() {
        return this.current().sip();
    }

    /**
     * The SIP candidates of the client's address family, as the original kept IPv6 clients on IPv6 nodes and IPv4
     * ones on IPv4 nodes; all of them when that family has none, since the balancer bridges the two.
     */
    List<Node> sip(boolean ipv6) {
        Snapshot current = this.current();
        List<Node> family = ipv6 ? current.sipIpv6() : current.sipIpv4();
        return family.isEmpty() ? current.sip() : family;
    }

    List<Node> http() {
        return this.current().http();
    }

    /** Every registered node serving SIP, whatever its state and version. */
    List<Node> registeredSip() {
        return this.current().registeredSip();
    }

    List<Node> registeredHttp() {
        return this.current().registeredHttp();
    }

    private Snapshot current() {
        // the generation is read before the nodes: a change in between only makes the next call work it out again
        long generation = this.registry.generation();
        Snapshot snapshot = this.snapshot;
        if (snapshot == null || snapshot.generation() != generation) {
            Collection<Node> nodes = this.registry.nodes();
            List<Node> registeredSip = nodes.stream().filter(Node::servesSip).toList();
            List<Node> registeredHttp = nodes.stream().filter(Node::servesHttp).toList();
            List<Node> sip = NodeVersions.newestAccepting(registeredSip);
            snapshot = new Snapshot(generation, sip, sip.stream().filter(node -> !HostAndPort.isIpv6Literal(node.ip())).toList(),
                    sip.stream().filter(node -> HostAndPort.isIpv6Literal(node.ip())).toList(), NodeVersions.newestAccepting(registeredHttp),
                    registeredSip, registeredHttp);
            this.snapshot = snapshot;
        }
        return snapshot;
    }
}

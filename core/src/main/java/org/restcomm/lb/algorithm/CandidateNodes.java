package org.restcomm.lb.algorithm;

import java.util.Collection;
import java.util.List;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * The nodes new SIP calls and new HTTP sessions may go to: those serving the protocol that take new work, of the
 * newest version among them; and all nodes serving each protocol, whatever their state. Worked out again when the
 * registry changes, not for every request.
 */
final class CandidateNodes {

    private record Snapshot(long generation, List<Node> sip, List<Node> http, List<Node> registeredSip, List<Node> registeredHttp) {
    }

    private final NodeRegistry registry;
    private volatile Snapshot snapshot;

    CandidateNodes(NodeRegistry registry) {
        this.registry = registry;
    }

    List<Node> sip() {
        return this.current().sip();
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
            List<Node> sip = nodes.stream().filter(Node::servesSip).toList();
            List<Node> http = nodes.stream().filter(Node::servesHttp).toList();
            snapshot = new Snapshot(generation, NodeVersions.newestAccepting(sip), NodeVersions.newestAccepting(http), sip, http);
            this.snapshot = snapshot;
        }
        return snapshot;
    }
}

package org.restcomm.lb.algorithm;

import java.util.Collection;
import java.util.List;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/**
 * The nodes new SIP calls and new HTTP sessions may go to: those serving the protocol that take new work, of the
 * newest version among them. Worked out again when the registry changes, not for every request.
 */
final class CandidateNodes {

    private record Snapshot(long generation, List<Node> sip, List<Node> http) {
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

    private Snapshot current() {
        // the generation is read before the nodes: a change in between only makes the next call work it out again
        long generation = this.registry.generation();
        Snapshot snapshot = this.snapshot;
        if (snapshot == null || snapshot.generation() != generation) {
            Collection<Node> nodes = this.registry.nodes();
            snapshot = new Snapshot(generation, NodeVersions.newestAccepting(nodes.stream().filter(Node::servesSip).toList()),
                    NodeVersions.newestAccepting(nodes.stream().filter(Node::servesHttp).toList()));
            this.snapshot = snapshot;
        }
        return snapshot;
    }
}

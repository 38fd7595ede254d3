package org.restcomm.lb.algorithm;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistryListener;

/**
 * Chooses the node for work that has none yet, and keeps whatever affinity it needs to send the rest of that
 * work to the same node. Close to the original balancer's SPI; registry events arrive as a
 * {@link NodeRegistryListener}. Implementations must be thread-safe: every engine thread calls them.
 */
public interface BalancerAlgorithm extends NodeRegistryListener {

    /** Called once before any request, with the registry and the algorithm's settings. */
    default void start(AlgorithmContext context) {
    }

    default void stop() {
    }

    /**
     * A request from a client that no route hint assigns: the node to forward it to, or null when no node can
     * take it.
     */
    Node processExternalRequest(SipMessageView request);

    /** A request from a node towards the clients (a server-initiated call): learn its affinity. */
    default void processInternalRequest(SipMessageView request, Node from) {
    }

    /** A response from a client, on its way to a node. */
    default void processExternalResponse(SipMessageView response) {
    }

    /** A response from a node, on its way to a client. */
    default void processInternalResponse(SipMessageView response, Node from) {
    }

    /** An HTTP request with no session affinity: the node to send it to, or null when none can take it. */
    Node processHttpRequest(HttpRequestView request);

    /** Work with this id (a Call-ID) belongs to the node, as a route hint or a jvmRoute said. */
    default void assignToNode(String id, Node node) {
    }

    /** The algorithm's settings changed while it runs. */
    default void configurationChanged(AlgorithmContext context) {
    }
}

package org.restcomm.lb.test.algorithm;

import java.util.Comparator;

import org.restcomm.lb.algorithm.AlgorithmContext;
import org.restcomm.lb.algorithm.BalancerAlgorithm;
import org.restcomm.lb.algorithm.HttpRequestView;
import org.restcomm.lb.algorithm.SipMessageView;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeRegistry;

/** A user's own algorithm, deployed as a JBoss module: every call to the active node with the lowest name. */
public class LowestNameAlgorithm implements BalancerAlgorithm {

    private NodeRegistry registry;

    @Override
    public void start(AlgorithmContext context) {
        this.registry = context.registry();
    }

    @Override
    public Node processExternalRequest(SipMessageView request) {
        return this.registry.activeNodes().stream().min(Comparator.comparing(Node::name)).orElse(null);
    }

    @Override
    public Node processHttpRequest(HttpRequestView request) {
        return this.processExternalRequest(null);
    }
}

package org.restcomm.lb.algorithm;

import org.restcomm.lb.node.Node;

/**
 * The original's pure consistent hash: an affinity value belongs to one of all the registered nodes, whatever their
 * state, and moves only when that node leaves the registry. While its owner takes no new work (draining, disabled,
 * bad, unreachable) new work with that value gets no node rather than another one, so a value is never served by two
 * nodes while its owner is still known. Same keys as {@link HeaderConsistentHashAlgorithm}.
 */
public class PureConsistentHashAlgorithm extends HeaderConsistentHashAlgorithm {

    @Override
    protected Node sipNodeFor(String value, boolean ipv6) {
        return takingNewWork(RendezvousHash.choose(value, this.candidates().registeredSip()));
    }

    @Override
    protected Node httpNodeFor(String value) {
        return takingNewWork(RendezvousHash.choose(value, this.candidates().registeredHttp()));
    }

    private static Node takingNewWork(Node owner) {
        return (owner != null && owner.acceptsNewWork()) ? owner : null;
    }
}

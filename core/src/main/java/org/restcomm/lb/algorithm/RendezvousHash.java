package org.restcomm.lb.algorithm;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.restcomm.lb.node.Node;

/**
 * Highest-random-weight hashing: each key goes to the node with the highest hash of (key, node name). When a
 * node leaves only its keys move, and they spread evenly over the others; every balancer instance with the same
 * node list decides the same, since the hash is fixed (FNV-1a, then a SplitMix64 finaliser), not per JVM.
 */
public final class RendezvousHash {

    private RendezvousHash() {
    }

    public static Node choose(String key, List<Node> nodes) {
        Node best = null;
        long bestScore = 0;
        for (Node node : nodes) {
            long score = score(key, node.name());
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    static long score(String key, String nodeName) {
        long hash = 0xcbf29ce484222325L;
        hash = fnv(hash, key.getBytes(StandardCharsets.UTF_8));
        hash = fnv(hash, new byte[] { 0 });
        hash = fnv(hash, nodeName.getBytes(StandardCharsets.UTF_8));
        hash ^= hash >>> 30;
        hash *= 0xbf58476d1ce4e5b9L;
        hash ^= hash >>> 27;
        hash *= 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    private static long fnv(long hash, byte[] bytes) {
        long result = hash;
        for (byte b : bytes) {
            result ^= (b & 0xff);
            result *= 0x100000001b3L;
        }
        return result;
    }
}

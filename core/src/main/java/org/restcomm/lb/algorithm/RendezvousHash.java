package org.restcomm.lb.algorithm;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.restcomm.lb.node.Node;

/**
 * Highest-random-weight hashing: each key goes to the node with the highest hash of (key, node name). When a
 * node leaves only its keys move, and they spread evenly over the others; every balancer instance with the same
 * node list decides the same, since the hash is fixed (FNV-1a over the UTF-8 bytes, then a SplitMix64 finaliser),
 * not per JVM.
 */
public final class RendezvousHash {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private RendezvousHash() {
    }

    public static Node choose(String key, List<Node> nodes) {
        long keyHash = keyHash(key);
        Node best = null;
        long bestScore = 0;
        for (Node node : nodes) {
            long score = score(keyHash, node.name());
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    static long score(String key, String nodeName) {
        return score(keyHash(key), nodeName);
    }

    /** The part of every node's score that depends on the key alone, worked out once per key. */
    static long keyHash(String key) {
        return fnv(fnv(FNV_OFFSET, key), (char) 0);
    }

    /** Compares unsigned: the higher, the stronger the node's claim on the key. */
    static long score(long keyHash, String nodeName) {
        long hash = fnv(keyHash, nodeName);
        hash ^= hash >>> 30;
        hash *= 0xbf58476d1ce4e5b9L;
        hash ^= hash >>> 27;
        hash *= 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    /** FNV-1a over the text's UTF-8 bytes; ASCII text (node names, most keys) is hashed without encoding it. */
    private static long fnv(long seed, String text) {
        long hash = seed;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return fnv(seed, text.getBytes(StandardCharsets.UTF_8));
            }
            hash = fnv(hash, c);
        }
        return hash;
    }

    private static long fnv(long seed, byte[] bytes) {
        long hash = seed;
        for (byte b : bytes) {
            hash = fnv(hash, (char) (b & 0xff));
        }
        return hash;
    }

    private static long fnv(long hash, char octet) {
        return (hash ^ octet) * FNV_PRIME;
    }
}

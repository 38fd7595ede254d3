package org.restcomm.lb.node;

/** Told of every change in the registry; algorithms and engines keep their affinity tables with it. */
public interface NodeRegistryListener {

    default void nodeAdded(Node node) {
    }

    default void nodeRemoved(Node node) {
    }

    default void nodeStateChanged(Node node, NodeState previous) {
    }

    default void jvmRouteSwitchover(String fromJvmRoute, String toJvmRoute) {
    }
}

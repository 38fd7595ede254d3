package org.restcomm.lb.algorithm;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

import org.restcomm.lb.node.NodeRegistry;

/**
 * What an algorithm runs against: the node registry, a clock, its own settings by name, and the affinity store
 * several balancers share (null: each algorithm keeps a store of its own in memory).
 */
public record AlgorithmContext(NodeRegistry registry, Clock clock, Map<String, String> properties, AffinityStore sharedAffinityStore) {

    public AlgorithmContext {
        properties = Map.copyOf(properties);
    }

    public AlgorithmContext(NodeRegistry registry, Clock clock, Map<String, String> properties) {
        this(registry, clock, properties, null);
    }

    /** The shared store when there is one, else the local one the algorithm makes. */
    public AffinityStore affinityStore(Supplier<AffinityStore> local) {
        return (this.sharedAffinityStore != null) ? this.sharedAffinityStore : local.get();
    }

    public String property(String name, String defaultValue) {
        return this.properties.getOrDefault(name, defaultValue);
    }

    public long longProperty(String name, long defaultValue) {
        String value = this.properties.get(name);
        return (value != null) ? Long.parseLong(value.trim()) : defaultValue;
    }

    public boolean booleanProperty(String name, boolean defaultValue) {
        String value = this.properties.get(name);
        return (value != null) ? Boolean.parseBoolean(value.trim()) : defaultValue;
    }
}

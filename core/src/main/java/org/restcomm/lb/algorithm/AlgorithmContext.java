package org.restcomm.lb.algorithm;

import java.time.Clock;
import java.util.Map;

import org.restcomm.lb.node.NodeRegistry;

/** What an algorithm runs against: the node registry, a clock, and its own settings by name. */
public record AlgorithmContext(NodeRegistry registry, Clock clock, Map<String, String> properties) {

    public AlgorithmContext {
        properties = Map.copyOf(properties);
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

package org.restcomm.lb.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters keyed by a label such as a SIP method, a status code or an SMPP command id. */
public final class KeyedCounters<K extends Comparable<K>> {

    private final ConcurrentHashMap<K, LongAdder> counters = new ConcurrentHashMap<>();

    public void increment(K key) {
        this.counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public long get(K key) {
        LongAdder adder = this.counters.get(key);
        return (adder != null) ? adder.sum() : 0L;
    }

    /** A sorted copy, stable for display. */
    public Map<K, Long> snapshot() {
        Map<K, Long> copy = new TreeMap<>();
        this.counters.forEach((key, adder) -> copy.put(key, adder.sum()));
        return copy;
    }

    public void reset() {
        this.counters.clear();
    }
}

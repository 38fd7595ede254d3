package org.restcomm.lb.stats;

/** Whether traffic counters record; read on every message, so it is a plain volatile read. */
@FunctionalInterface
interface StatisticsSwitch {
    boolean isEnabled();
}

package org.restcomm.lb.node;

/**
 * Traffic ramp-up of a node that just joined (the original's trafficRampupCyclePeriod and trafficPercentageIncrease):
 * it gets {@code increasePercent} of a full node's share of new calls, and that much more after each
 * {@code periodMillis}, until it is a full node. A period of 0 turns ramp-up off.
 */
public record RampUp(long periodMillis, int increasePercent) {

    public static final RampUp OFF = new RampUp(0, 100);

    public RampUp {
        if (periodMillis < 0 || increasePercent < 1 || increasePercent > 100) {
            throw new IllegalArgumentException("ramp-up period " + periodMillis + " ms, increase " + increasePercent + " %");
        }
    }

    public boolean enabled() {
        return this.periodMillis > 0 && this.increasePercent < 100;
    }

    /** The node's share of a full node's new work, in percent: 100 once it has ramped up. */
    public int sharePercent(Node node, long now) {
        if (!this.enabled()) {
            return 100;
        }
        long periods = Math.max(0, now - node.registeredAt()) / this.periodMillis;
        return (int) Math.min(100, this.increasePercent * (periods + 1));
    }
}

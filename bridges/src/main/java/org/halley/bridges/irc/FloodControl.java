package org.halley.bridges.irc;

import org.halley.config.FloodRules;

/**
 * Outgoing flood control of one connection, as a token bucket in its GCRA form: up to {@code
 * burst} lines at once, then one per {@code interval}. Pure: the caller passes the time.
 *
 * <p>Not thread-safe; the connection's {@link IrcWriter} guards it.
 */
final class FloodControl {
    private final long intervalNanos;
    private final long allowanceNanos;
    /** When the bucket would be full again, in {@link System#nanoTime()} terms. */
    private long theoreticalArrival;

    FloodControl(FloodRules rules, long nowNanos) {
        this.intervalNanos = rules.interval().toNanos();
        this.allowanceNanos = intervalNanos * rules.burst();
        this.theoreticalArrival = nowNanos;
    }

    /** How long to wait before the next line may be written; 0 when it may be now. */
    long waitNanos(long nowNanos) {
        long wait = theoreticalArrival - nowNanos - (allowanceNanos - intervalNanos);
        return Math.max(0, wait);
    }

    /** Counts one line written at {@code nowNanos}, whether or not it waited. */
    void take(long nowNanos) {
        theoreticalArrival = Math.max(theoreticalArrival, nowNanos) + intervalNanos;
    }
}

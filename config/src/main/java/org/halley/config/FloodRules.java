package org.halley.config;

import java.time.Duration;

/**
 * Outgoing flood control on each IRC connection (a token bucket): up to {@code burst} lines at
 * once, then one line per {@code interval}. Servers disconnect clients that write faster than
 * they allow ("Excess Flood", "RecvQ exceeded"); a pasted paragraph must not cost a person their
 * connection.
 */
public record FloodRules(int burst, Duration interval) {

    public static final FloodRules DEFAULTS = new FloodRules(5, Duration.ofSeconds(2));

    public FloodRules {
        if (burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: > 0)");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 0)");
        }
    }
}

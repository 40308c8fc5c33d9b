package org.halley.config;

import java.time.Duration;

/**
 * Reconnecting after the link to a network was lost (never after a ban or a KILL): the n-th try
 * waits about {@code delay × 2^(n-1)}, at most {@code maxDelay}, times a random factor between 0.5
 * and 1.5 so that a whole gateway does not come back at once.
 */
public record ReconnectRules(Duration delay, Duration maxDelay) {

    public static final ReconnectRules DEFAULTS = new ReconnectRules(Duration.ofSeconds(2), Duration.ofMinutes(5));

    public ReconnectRules {
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: > 0)");
        }
        if (maxDelay.compareTo(delay) < 0) {
            throw new IllegalArgumentException("maxDelay: " + maxDelay + " (expected: >= delay " + delay + ")");
        }
    }
}

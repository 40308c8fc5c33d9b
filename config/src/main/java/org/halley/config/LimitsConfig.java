package org.halley.config;

import java.time.Duration;

/**
 * What one Halley process allows.
 *
 * @param maxSessions browser sessions at once
 * @param sessionsPerIp browser sessions at once from one client address
 * @param sessionBufferEvents events kept per session for resume
 * @param sessionBufferBytes bytes kept per session for resume
 * @param linger how long a session outlives its last connection (a reload, a phone in a pocket)
 */
public record LimitsConfig(
        int maxSessions,
        int sessionsPerIp,
        int sessionBufferEvents,
        long sessionBufferBytes,
        Duration linger) {

    public static final LimitsConfig DEFAULTS =
            new LimitsConfig(10_000, 20, 1_000, 256 * 1024, Duration.ofSeconds(60));

    public LimitsConfig {
        if (maxSessions < 1 || sessionsPerIp < 1 || sessionBufferEvents < 1 || sessionBufferBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + this);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger: " + linger + " (expected: >= 0)");
        }
    }
}

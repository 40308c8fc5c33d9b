package org.halley.config;

import java.time.Duration;

/**
 * Who may open a connection to one network through this process, and how fast: what keeps a
 * gateway from being K-lined for "too many connects" after a restart.
 *
 * @param maxConnections connections to the network at once (queued, connecting or connected)
 * @param connectionsPerIp of those, from one browser address
 * @param connectInterval at least this between two connection attempts (0: no limit, for a local
 *     test server); Halley lengthens it by itself when the network says it is throttling
 */
public record AdmissionRules(int maxConnections, int connectionsPerIp, Duration connectInterval) {

    public static final AdmissionRules DEFAULTS = new AdmissionRules(1_000, 5, Duration.ofMillis(200));

    public AdmissionRules {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
        }
        if (connectionsPerIp < 1) {
            throw new IllegalArgumentException("connectionsPerIp: " + connectionsPerIp + " (expected: > 0)");
        }
        if (connectInterval.isNegative()) {
            throw new IllegalArgumentException("connectInterval: " + connectInterval + " (expected: >= 0)");
        }
    }
}

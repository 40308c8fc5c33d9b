package org.halley.config;

import java.time.Duration;

/**
 * Settings of the push core's transports ({@code server.push} in YAML).
 *
 * @param heartbeat how often an idle stream gets a heartbeat (keeps proxies from cutting it)
 * @param maxMessageBytes largest browser-to-server message (WebSocket message or POST body)
 */
public record PushConfig(Duration heartbeat, int maxMessageBytes) {

    public static final PushConfig DEFAULTS = new PushConfig(Duration.ofSeconds(25), 64 * 1024);

    public PushConfig {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: > 0)");
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
        }
    }
}

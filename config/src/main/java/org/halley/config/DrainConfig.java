package org.halley.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How Halley stops on SIGTERM ({@code server.drain} in YAML): it reports itself not ready at
 * once, waits {@code delay} (so load balancers see that and send new sessions elsewhere), tells
 * every browser to reconnect, leaves the networks with {@code quitMessage}, and exits at the
 * latest {@code deadline} after the signal.
 *
 * @param delay between going not-ready and telling browsers to reconnect (a load balancer's health
 *     check interval times its fall count)
 * @param deadline the process has exited this long after SIGTERM, whatever is still open
 * @param quitMessage QUIT reason on IRC (and unavailable status on XMPP) when leaving for a drain
 */
public record DrainConfig(Duration delay, Duration deadline, String quitMessage) {

    public static final String DEFAULT_QUIT_MESSAGE = "Server restarting; you will be back in a moment";
    public static final DrainConfig DEFAULTS = new DrainConfig(Duration.ZERO, Duration.ofSeconds(20), DEFAULT_QUIT_MESSAGE);

    public DrainConfig {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        if (deadline.compareTo(delay) <= 0) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: > delay " + delay + ")");
        }
        Objects.requireNonNull(quitMessage, "quitMessage");
    }
}

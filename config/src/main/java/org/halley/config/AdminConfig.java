package org.halley.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The operator's endpoint ({@code admin} in YAML): {@code /admin/...} with {@code Authorization:
 * Bearer <secret>}.
 *
 * @param secret the bearer token; empty turns the admin endpoint off
 * @param protectMetrics whether {@code /metrics} asks for the same token (else it is open, and the
 *     proxy in front must not pass it on from outside)
 */
public record AdminConfig(Optional<Secret> secret, boolean protectMetrics) {

    public static final AdminConfig DEFAULTS = new AdminConfig(Optional.empty(), false);

    public AdminConfig {
        Objects.requireNonNull(secret, "secret");
    }
}

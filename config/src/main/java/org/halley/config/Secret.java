package org.halley.config;

import java.util.Objects;

/** A password or key from the config. Prints as {@code ***} so it never reaches a log line. */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "***";
    }
}

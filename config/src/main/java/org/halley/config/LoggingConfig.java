package org.halley.config;

import java.util.Locale;
import java.util.Objects;

/**
 * What Halley logs and how ({@code logging} in YAML). Logs go to standard output.
 *
 * @param format one line of text per event, or one JSON object per line
 * @param level the level of Halley's own loggers ({@code org.halley})
 */
public record LoggingConfig(Format format, Level level) {

    public static final LoggingConfig DEFAULTS = new LoggingConfig(Format.TEXT, Level.INFO);

    public LoggingConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(level, "level");
    }

    /** How a log line is written. */
    public enum Format {
        TEXT,
        JSON
    }

    /** Levels, as logback names them. */
    public enum Level {
        ERROR,
        WARN,
        INFO,
        DEBUG,
        TRACE;

        /** The YAML spelling. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}

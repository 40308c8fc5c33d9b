package org.halley.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** The mistakes found so far in one file. Reading goes on after a mistake so all are reported. */
final class Problems {
    private final String file;
    private final Map<String, String> env;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /** The environment that {@code ${NAME}} in values reads from. */
    Map<String, String> env() {
        return env;
    }

    void add(Node at, String field, String message) {
        add(at == null ? Optional.empty() : at.getStartMark(), field, message);
    }

    void add(Optional<Mark> mark, String field, String message) {
        int line = mark.map(m -> m.getLine() + 1).orElse(0);
        int column = mark.map(m -> m.getColumn() + 1).orElse(0);
        errors.add(new ConfigError(file, line, column, field, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    ConfigException exception() {
        return new ConfigException(errors);
    }
}

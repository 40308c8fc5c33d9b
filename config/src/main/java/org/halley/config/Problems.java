package org.halley.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The mistakes found so far in one file. Reading goes on after a mistake so all are reported, up
 * to {@link #MAX_ERRORS} (a file of 50,000 unknown keys is one mistake, not 50,000 lines), and a
 * value quoted in a message is cut to {@link #MAX_QUOTED} characters (a 900 KB value is named,
 * not printed).
 */
final class Problems {
    static final int MAX_ERRORS = 50;
    static final int MAX_QUOTED = 80;
    private static final Pattern QUOTED = Pattern.compile(
            "(?<=^|[\\s(])'([^']{" + (MAX_QUOTED + 1) + ",})'(?=$|[\\s),;:.])");

    private final String file;
    private final Map<String, String> env;
    private final List<ConfigError> errors = new ArrayList<>();
    private int dropped;

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

    /** At 1-based {@code line} and {@code column}. */
    void add(int line, int column, String field, String message) {
        if (errors.size() >= MAX_ERRORS) {
            dropped++;
            return;
        }
        errors.add(new ConfigError(file, line, column, shorten(field), shorten(message)));
    }

    void add(Optional<Mark> mark, String field, String message) {
        if (errors.size() >= MAX_ERRORS) {
            dropped++;
            return;
        }
        int line = mark.map(m -> m.getLine() + 1).orElse(0);
        int column = mark.map(m -> m.getColumn() + 1).orElse(0);
        errors.add(new ConfigError(file, line, column, shorten(field), shorten(message)));
    }

    /** {@code text} with long quoted values cut, and cut itself when still long. */
    static String shorten(String text) {
        Matcher m = QUOTED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement("'" + v.substring(0, MAX_QUOTED - 20) + "…' ("
                    + v.length() + " characters)"));
        }
        m.appendTail(out);
        return out.length() > 1000 ? out.substring(0, 1000) + "…" : out.toString();
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    ConfigException exception() {
        if (dropped > 0) {
            List<ConfigError> all = new ArrayList<>(errors);
            all.add(new ConfigError(file, 0, 0, "", "and " + dropped + " more mistakes; fix the first " + MAX_ERRORS
                    + " and check again"));
            return new ConfigException(all);
        }
        return new ConfigException(errors);
    }
}

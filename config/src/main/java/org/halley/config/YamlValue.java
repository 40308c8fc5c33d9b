package org.halley.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One {@code key: value} being read. Every reader reports a mistake at the key's line and column
 * and returns the default, so reading goes on and all mistakes are reported at once.
 */
final class YamlValue {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Problems problems;
    private final String field;
    private final Node key; // null when absent
    private final Node value; // null when absent
    private final Node parent;

    YamlValue(Problems problems, String field, Node key, Node value, Node parent) {
        this.problems = problems;
        this.field = field;
        this.key = key;
        this.value = value;
        this.parent = parent;
    }

    boolean present() {
        return value != null && !YamlMap.isNull(value);
    }

    /** Whether the value is written as a list with nothing in it ({@code []}). */
    boolean emptyList() {
        return value instanceof SequenceNode seq && seq.getValue().isEmpty();
    }

    String field() {
        return field;
    }

    /** Reports a mistake about this value that the caller found. */
    void error(String message) {
        problems.add(key != null ? key : parent, field, message);
    }

    private void missing() {
        problems.add(parent, field, "missing; this field is required");
    }

    Optional<String> string() {
        if (!present()) {
            return Optional.empty();
        }
        if (!(value instanceof ScalarNode s)) {
            error("expected a single value, not " + YamlMap.describe(value));
            return Optional.empty();
        }
        return Optional.ofNullable(expand(s.getValue()));
    }

    /**
     * Replaces {@code ${NAME}} and {@code ${NAME:-default}} with the environment's values, so
     * secrets and ports can come from the service manager. Null (reported) when one is unset.
     */
    private String expand(String raw) {
        if (raw.indexOf("${") < 0) {
            return raw;
        }
        Matcher m = ENV.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = problems.env().get(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                error("environment variable " + m.group(1) + " is not set (write ${" + m.group(1) + ":-default} for a default)");
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    String string(String defaultValue) {
        return string().orElse(defaultValue);
    }

    /** The string, or null after reporting it missing. */
    String required() {
        if (!present()) {
            missing();
            return null;
        }
        return string().orElse(null);
    }

    /** The value checked by {@code check}, which returns null when it is fine or else what is wrong. */
    String checked(String defaultValue, Function<String, String> check) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        String problem = check.apply(s.get());
        if (problem != null) {
            error(problem);
            return defaultValue;
        }
        return s.get();
    }

    int integer(int defaultValue, int min, int max) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(s.get().trim().replace("_", ""));
            if (v < min || v > max) {
                error(s.get() + " is out of range (" + min + "-" + max + ")");
                return defaultValue;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            error("'" + s.get() + "' is not a whole number (" + min + "-" + max + ")");
            return defaultValue;
        }
    }

    int port(int defaultValue, boolean allowZero) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        String range = allowZero ? "(1-65535, or 0 for any free port)" : "(1-65535)";
        try {
            long v = Long.parseLong(s.get().trim());
            if (v < (allowZero ? 0 : 1) || v > 65535) {
                error(s.get() + " is not a port " + range);
                return defaultValue;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            error("'" + s.get() + "' is not a port " + range);
            return defaultValue;
        }
    }

    boolean bool(boolean defaultValue) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        return switch (s.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                error("expected true or false, not '" + s.get() + "'");
                yield defaultValue;
            }
        };
    }

    Duration duration(Duration defaultValue, Duration min, Duration max) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(s.get().trim());
        if (!m.matches()) {
            error("'" + s.get() + "' is not a duration (like 250ms, 30s, 5m, 1h, 1d)");
            return defaultValue;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            error(s.get() + " is out of range (" + human(min) + " to " + human(max) + ")");
            return defaultValue;
        }
        return d;
    }

    long bytes(long defaultValue, long min, long max) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(s.get().trim());
        if (!m.matches()) {
            error("'" + s.get() + "' is not a size (like 65536, 64KiB, 1MiB, 1GiB)");
            return defaultValue;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long v = switch (unit) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
        if (v < min || v > max) {
            error(s.get() + " is out of range (" + min + " to " + max + " bytes)");
            return defaultValue;
        }
        return v;
    }

    /** One of {@code choices} (lower-case YAML spellings of the enum's constants). */
    <E extends Enum<E>> E oneOf(Class<E> type, E defaultValue) {
        Optional<String> s = string();
        if (s.isEmpty()) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(s.get())) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        error("'" + s.get() + "' is not one of: " + String.join(", ", names));
        return defaultValue;
    }

    /**
     * A list of single values, each checked by {@code check} (null when fine, else what is wrong);
     * a bad element is reported at its own line and left out.
     */
    List<String> strings(List<String> defaultValue, Function<String, String> check) {
        if (!present()) {
            return defaultValue;
        }
        if (!(value instanceof SequenceNode seq)) {
            error("expected a list ([a, b] or lines starting with '- '), not " + YamlMap.describe(value));
            return defaultValue;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            String f = field + "[" + i + "]";
            if (YamlMap.isNull(n)) {
                problems.add(n, f, "is empty (in YAML '#' starts a comment: quote names like \"#chan\")");
                continue;
            }
            if (!(n instanceof ScalarNode)) {
                problems.add(n, f, "expected a single value, not " + YamlMap.describe(n));
                continue;
            }
            String v = new YamlValue(problems, f, n, n, n).string().orElse(null);
            if (v == null) {
                continue;
            }
            String problem = check.apply(v);
            if (problem != null) {
                problems.add(n, f, problem);
                continue;
            }
            out.add(v);
        }
        return out;
    }

    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 86400 == 0 && s > 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}

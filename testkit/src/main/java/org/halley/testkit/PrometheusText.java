package org.halley.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests that scrape {@code
 * /metrics}: any line Prometheus would reject, or would read differently, is an error naming the
 * line. Checks beyond the syntax: {@code # TYPE} comes before a family's samples and once; every
 * sample belongs to a declared family and suits its type; no series appears twice; a histogram's
 * buckets are cumulative and its {@code +Inf} bucket equals its {@code _count}. Pure.
 *
 * <pre>{@code
 * PrometheusText.Exposition m = PrometheusText.parse(body);
 * m.value("halley_sessions");                                   // 3.0
 * m.value("halley_connections", "transport", "websocket");      // 1.0
 * }</pre>
 */
public final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private PrometheusText() {}

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** A family: its {@code # TYPE}, {@code # HELP} and samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {}

    /** A whole scrape. */
    public record Exposition(Map<String, Family> families) {

        /** The value of the one sample {@code name} with exactly these labels (pairs); fails if none. */
        public double value(String name, String... labels) {
            Map<String, String> want = pairs(labels);
            for (Family f : families.values()) {
                for (Sample s : f.samples()) {
                    if (s.name().equals(name) && s.labels().equals(want)) {
                        return s.value();
                    }
                }
            }
            throw new AssertionError("no sample " + name + want + " in the scrape");
        }

        /** The samples called {@code name}, whatever their labels. */
        public List<Sample> samples(String name) {
            List<Sample> out = new ArrayList<>();
            families.values().forEach(f -> f.samples().stream().filter(s -> s.name().equals(name)).forEach(out::add));
            return out;
        }

        public Family family(String name) {
            Family f = families.get(name);
            if (f == null) {
                throw new AssertionError("no family " + name + " in the scrape (have " + families.keySet() + ")");
            }
            return f;
        }
    }

    /** Parses a scrape; throws {@link IllegalArgumentException} naming the first bad line. */
    public static Exposition parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        Set<String> closed = new HashSet<>(); // families whose samples have ended (they must be contiguous)
        String current = null;
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int no = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length >= 3 && (p[1].equals("TYPE") || p[1].equals("HELP"))) {
                    String name = p[2];
                    if (!METRIC_NAME.matcher(name).matches()) {
                        throw bad(no, line, "bad metric name '" + name + "'");
                    }
                    if (p[1].equals("TYPE")) {
                        if (p.length != 4 || !TYPES.contains(p[3])) {
                            throw bad(no, line, "TYPE must be one of " + TYPES);
                        }
                        if (types.containsKey(name)) {
                            throw bad(no, line, "a second TYPE for " + name);
                        }
                        if (samples.containsKey(name)) {
                            throw bad(no, line, "TYPE after samples of " + name);
                        }
                        types.put(name, p[3]);
                    } else {
                        if (helps.containsKey(name)) {
                            throw bad(no, line, "a second HELP for " + name);
                        }
                        helps.put(name, p.length == 4 ? unescapeHelp(p[3], no, line) : "");
                    }
                }
                continue; // other comments are allowed
            }
            Sample s = sample(line, no);
            String family = familyOf(s.name(), types);
            if (family == null) {
                throw bad(no, line, "sample of an undeclared family (no # TYPE for it)");
            }
            if (!family.equals(current)) {
                if (closed.contains(family)) {
                    throw bad(no, line, "samples of " + family + " are not together");
                }
                if (current != null) {
                    closed.add(current);
                }
                current = family;
            }
            String key = s.name() + new TreeMap<>(s.labels());
            if (!seen.add(key)) {
                throw bad(no, line, "the series " + key + " appears twice");
            }
            if (types.get(family).equals("counter") && (s.value() < 0 || Double.isNaN(s.value())) && s.name().endsWith("_total")) {
                throw bad(no, line, "a counter is never negative or NaN");
            }
            samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
        }
        Map<String, Family> families = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : types.entrySet()) {
            List<Sample> ss = samples.getOrDefault(t.getKey(), List.of());
            if (t.getValue().equals("histogram")) {
                checkHistogram(t.getKey(), ss);
            }
            families.put(t.getKey(), new Family(t.getKey(), t.getValue(), helps.getOrDefault(t.getKey(), ""),
                    Collections.unmodifiableList(ss)));
        }
        return new Exposition(Collections.unmodifiableMap(families));
    }

    private static String familyOf(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) { // 0.0.4 names a counter's family as its sample (with _total)
            String type = types.get(sample);
            return type.equals("histogram") || type.equals("summary") ? null : sample;
        }
        for (String suffix : List.of("_total", "_created", "_bucket", "_sum", "_count")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String type = types.get(base);
                if (type == null) {
                    continue;
                }
                boolean fits = switch (type) {
                    case "counter" -> suffix.equals("_total") || suffix.equals("_created");
                    case "histogram" -> !suffix.equals("_total");
                    case "summary" -> suffix.equals("_sum") || suffix.equals("_count") || suffix.equals("_created");
                    default -> false;
                };
                if (fits) {
                    return base;
                }
            }
        }
        return null;
    }

    private static void checkHistogram(String name, List<Sample> ss) {
        Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : ss) {
            if (s.name().equals(name + "_bucket")) {
                String le = s.labels().get("le");
                if (le == null) {
                    throw new IllegalArgumentException(name + ": a bucket without le");
                }
                Map<String, String> rest = new TreeMap<>(s.labels());
                rest.remove("le");
                buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(number(le, 0, le), s.value());
            } else if (s.name().equals(name + "_count")) {
                counts.put(new TreeMap<>(s.labels()), s.value());
            }
        }
        for (Map.Entry<Map<String, String>, TreeMap<Double, Double>> b : buckets.entrySet()) {
            double last = 0;
            for (Map.Entry<Double, Double> e : b.getValue().entrySet()) {
                if (e.getValue() < last) {
                    throw new IllegalArgumentException(name + b.getKey() + ": buckets are not cumulative at le=" + e.getKey());
                }
                last = e.getValue();
            }
            Double inf = b.getValue().get(Double.POSITIVE_INFINITY);
            if (inf == null) {
                throw new IllegalArgumentException(name + b.getKey() + ": no +Inf bucket");
            }
            Double count = counts.get(b.getKey());
            if (count == null || !count.equals(inf)) {
                throw new IllegalArgumentException(name + b.getKey() + ": _count " + count + " is not the +Inf bucket " + inf);
            }
        }
    }

    private static Sample sample(String line, int no) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw bad(no, line, "bad metric name '" + name + "'");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < n && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw bad(no, line, "a label without '='");
                }
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches()) {
                    throw bad(no, line, "bad label name '" + label + "'");
                }
                if (eq + 1 >= n || line.charAt(eq + 1) != '"') {
                    throw bad(no, line, "a label value must be quoted");
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    if (j >= n) {
                        throw bad(no, line, "an unterminated label value");
                    }
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (j + 1 >= n) {
                            throw bad(no, line, "a dangling escape");
                        }
                        char e = line.charAt(j + 1);
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw bad(no, line, "a bad escape \\" + e);
                        }
                        j += 2;
                        continue;
                    }
                    v.append(c);
                    j++;
                }
                if (labels.put(label, v.toString()) != null) {
                    throw bad(no, line, "the label " + label + " twice");
                }
                i = j + 1;
                if (i < n && line.charAt(i) == ',') {
                    i++;
                } else if (i >= n || line.charAt(i) != '}') {
                    throw bad(no, line, "expected ',' or '}' after a label");
                }
            }
        }
        if (i >= n || line.charAt(i) != ' ') {
            throw bad(no, line, "expected one space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw bad(no, line, "expected a value and at most a timestamp");
        }
        double value = number(rest[0], no, line);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw bad(no, line, "a bad timestamp '" + rest[1] + "'");
            }
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value);
    }

    private static double number(String s, int no, String line) {
        switch (s) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> { }
        }
        if (!s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            throw bad(no, line, "'" + s + "' is not a number");
        }
        return Double.parseDouble(s);
    }

    private static String unescapeHelp(String s, int no, String line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 >= s.length() || (s.charAt(i + 1) != '\\' && s.charAt(i + 1) != 'n')) {
                    throw bad(no, line, "a bad escape in HELP");
                }
                b.append(s.charAt(++i) == 'n' ? '\n' : '\\');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static Map<String, String> pairs(String[] labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            m.put(labels[i], labels[i + 1]);
        }
        return m;
    }

    private static IllegalArgumentException bad(int no, String line, String why) {
        return new IllegalArgumentException("line " + no + ": " + why + ": " + line);
    }
}

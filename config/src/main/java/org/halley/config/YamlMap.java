package org.halley.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML mapping being read into a record. Remembers which keys were read so that {@link
 * #finish} can report every other key as unknown: typos are the commonest config mistake.
 */
final class YamlMap {
    private final Problems problems;
    private final String path;
    private final Node node; // null when the mapping is absent
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    private YamlMap(Problems problems, String path, Node node) {
        this.problems = problems;
        this.path = path;
        this.node = node;
    }

    /** Reads {@code node} as a mapping; absent (null) reads as an empty one. */
    static YamlMap of(Problems problems, String path, Node node) {
        YamlMap map = new YamlMap(problems, path, node);
        if (node == null || isNull(node)) {
            return map;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.add(node, path, "expected a mapping (indented 'key: value' lines), not " + describe(node));
            return map;
        }
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                problems.add(t.getKeyNode(), path, "keys must be plain words, not " + describe(t.getKeyNode()));
                continue;
            }
            NodeTuple first = map.entries.putIfAbsent(key.getValue(), t);
            if (first != null) {
                int line = first.getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(0);
                problems.add(key, map.field(key.getValue()), "duplicate key (first at line " + line + ")");
            }
        }
        return map;
    }

    String path() {
        return path;
    }

    Node node() {
        return node;
    }

    boolean present() {
        return node != null && !isNull(node);
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    YamlValue get(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        return new YamlValue(problems, field(key), t == null ? null : t.getKeyNode(), t == null ? null : t.getValueNode(), node);
    }

    YamlMap map(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        return of(problems, field(key), t == null ? null : t.getValueNode());
    }

    /** A list of mappings ({@code bridges:}); absent reads as empty. */
    List<YamlMap> maps(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        List<YamlMap> out = new ArrayList<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            problems.add(t.getKeyNode(), field(key), "expected a list of mappings (lines starting with '- '), not " + describe(t.getValueNode()));
            return out;
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(of(problems, field(key) + "[" + i + "]", seq.getValue().get(i)));
        }
        return out;
    }

    /** Reports every key not read. {@code hints} explains keys that belong elsewhere. */
    void finish(Map<String, String> hints) {
        List<String> allowed = new ArrayList<>(read);
        allowed.sort(null);
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            String key = e.getKey();
            if (read.contains(key)) {
                continue;
            }
            String message = hints.get(key);
            if (message == null) {
                String near = closest(key, read);
                message = "unknown key" + (near == null ? "" : "; did you mean '" + near + "'?")
                        + " (allowed here: " + String.join(", ", allowed) + ")";
            }
            problems.add(e.getValue().getKeyNode(), field(key), message);
        }
    }

    void finish() {
        finish(Map.of());
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** The known key within edit distance 2 of {@code key}, if one is. */
    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package org.halley.config;

import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.scanner.ScannerImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.tokens.ScalarToken;
import org.snakeyaml.engine.v2.tokens.Token;

/**
 * YAML text to a tree of nodes, bounded, with every syntax mistake reported in our words at the
 * place where it was made. Bounds: nesting depth {@link #MAX_DEPTH} (SnakeYAML's composer recurses
 * once per level, so a 4 KB file of {@code [[[[…} would overflow the stack), {@link #MAX_ALIASES}
 * aliases, {@link #MAX_NODES} values, lines of {@link #MAX_LINE} characters and {@link
 * ConfigLoader#MAX_FILE_BYTES} in all. SnakeYAML slows down on very long tokens and many
 * values (seconds for a megabyte on a busy machine), so the last three keep a reload quick
 * whatever the file. Nothing but a {@link ConfigException} leaves {@link #compose}, whatever the
 * text.
 *
 * <p>The place: SnakeYAML's problem mark is where it noticed, which for an unclosed quote or
 * bracket can be many lines below the mistake; the quote or bracket that opens is where the
 * operator must look, so that is reported.
 */
final class YamlSyntax {
    /** Halley's config is at most 5 levels deep; 20 leaves room and stops a hostile file early. */
    static final int MAX_DEPTH = 20;

    /** Anchors and aliases may share settings; more than this is no config (a "billion laughs"). */
    static final int MAX_ALIASES = 20;

    /** A config with 50 networks has about 3,000. */
    static final int MAX_NODES = 10_000;

    /** No value of Halley's is longer than a URL or a path. */
    static final int MAX_LINE = 4096;

    private YamlSyntax() {}

    /** The document's root, empty for an empty document; or every syntax mistake, thrown. */
    static Optional<Node> compose(String label, String yaml, Problems problems) throws ConfigException {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(label)
                .setUseMarks(true)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setAllowRecursiveKeys(false)
                .setCodePointLimit(ConfigLoader.MAX_FILE_BYTES)
                .build();
        if (yaml.length() > ConfigLoader.MAX_FILE_BYTES) {
            problems.add(0, 0, "", "is longer than " + ConfigLoader.MAX_FILE_BYTES + " characters; is this the right file?");
            throw problems.exception();
        }
        int line = 1;
        for (int start = 0; start < yaml.length(); line++) {
            int end = yaml.indexOf('\n', start);
            end = end < 0 ? yaml.length() : end;
            if (end - start > MAX_LINE) {
                problems.add(line, MAX_LINE + 1, "", "this line is longer than " + MAX_LINE
                        + " characters; no value of Halley's is that long (is this the right file?)");
                throw problems.exception();
            }
            start = end + 1;
        }
        try {
            bounds(settings, yaml, problems);
            if (!problems.isEmpty()) {
                throw problems.exception();
            }
            return new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            report(settings, yaml, e, problems);
        } catch (YamlEngineException e) {
            problems.add(Optional.empty(), "", bareProblem(e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            // Not expected once the bounds hold; a file must still never stop Halley with a trace.
            problems.add(Optional.empty(), "", "could not be read as YAML (" + e.getClass().getSimpleName()
                    + "); simplify the file around its last change");
        }
        throw problems.exception();
    }

    /** One pass over the events (SnakeYAML's parser keeps its own stack, so this pass cannot overflow). */
    private static void bounds(LoadSettings settings, String yaml, Problems problems) {
        int depth = 0;
        int aliases = 0;
        int nodes = 0;
        for (Event e : new Parse(settings).parseString(yaml)) {
            if (++nodes > MAX_NODES) {
                problems.add(e.getStartMark(), "", "more than " + MAX_NODES
                        + " values; Halley's config has a few hundred (is this the right file?)");
                return;
            }
            if (e instanceof MappingStartEvent || e instanceof SequenceStartEvent) {
                if (++depth > MAX_DEPTH) {
                    problems.add(e.getStartMark(), "", "nested more than " + MAX_DEPTH
                            + " levels deep; Halley's settings are at most 5 levels (see docs/configuration.md)");
                    return;
                }
            } else if (e.getEventId() == Event.ID.MappingEnd || e.getEventId() == Event.ID.SequenceEnd) {
                depth--;
            } else if (e instanceof AliasEvent && ++aliases > MAX_ALIASES) {
                problems.add(e.getStartMark(), "", "more than " + MAX_ALIASES
                        + " aliases (*name); write the settings out instead of referring to them");
                return;
            }
        }
    }

    private static String bareProblem(String message) {
        if (message != null && message.contains("exceeds the limit")) {
            return "is longer than " + ConfigLoader.MAX_FILE_BYTES + " characters; is this the right file?";
        }
        if (message != null && message.contains("aliases")) {
            return "more than " + MAX_ALIASES + " aliases (*name); write the settings out instead of referring to them";
        }
        return "not valid YAML";
    }

    /** Reports {@code e} at the place of the mistake, in words an operator can act on. */
    private static void report(LoadSettings settings, String yaml, MarkedYamlEngineException e, Problems problems) {
        String context = e.getContext() == null ? "" : e.getContext();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
        if (context.contains("quoted scalar") && e.getContextMark().isPresent()) {
            Mark open = e.getContextMark().get();
            String quote = quoteAt(yaml, open);
            problems.add(e.getContextMark(), "", "the " + quote + " that opens this value is never closed"
                    + (problem.contains("end of stream") ? " (the file ends inside it)" : " (" + problem + ")")
                    + "; end the value with " + quote + " on this line");
            return;
        }
        if ((context.contains("flow sequence") || context.contains("flow mapping")) && e.getContextMark().isPresent()) {
            boolean list = context.contains("sequence");
            problems.add(e.getContextMark(), "", "the '" + (list ? "[" : "{") + "' here is not closed with '"
                    + (list ? "]" : "}") + "'" + where(" before", e.getProblemMark()) + "; close it on this line, or write the "
                    + (list ? "list as lines starting with '- '" : "mapping as indented 'key: value' lines"));
            return;
        }
        if (problem.contains("(TAB)") && at.isPresent()) {
            problems.add(at, "", tab(yaml, at.get()));
            return;
        }
        Optional<ScalarToken> quoted = runawayQuote(settings, yaml, at);
        if (quoted.isPresent()) {
            ScalarToken q = quoted.get();
            String quote = q.getStyle() == ScalarStyle.SINGLE_QUOTED ? "'" : "\"";
            Mark end = q.getEndMark().get(); // just after the closing quote: its 1-based column is this 0-based one
            problems.add(q.getStartMark(), "", "the " + quote + " that opens this value is closed only at line "
                    + (end.getLine() + 1) + ":" + end.getColumn() + ", so the lines between became part of it; end the value with " + quote
                    + " on this line");
            return;
        }
        problems.add(at, "", words(problem));
    }

    /** SnakeYAML's usual complaints, said as what to do. */
    private static String words(String problem) {
        if (problem.contains("mapping values are not allowed")) {
            return "a ':' here cannot start a 'key: value' (is the line indented too far, or does a value hold ': '? "
                    + "then quote it: \"a: b\")";
        }
        if (problem.contains("expected <block end>") || problem.contains("could not find expected ':'")) {
            return "this line is not lined up with the lines above it (keys of one mapping, and the '- ' of one list, "
                    + "start in the same column); fix its indentation";
        }
        if (problem.contains("found duplicate anchor") || problem.contains("found undefined alias")) {
            return problem.replace("found ", "") + "; an alias (*name) must refer to an anchor (&name) defined above it";
        }
        return problem.isEmpty() ? "not valid YAML" : "not valid YAML: " + problem;
    }

    /** A tab that SnakeYAML refused: in the indentation (say which key) or between tokens. */
    private static String tab(String yaml, Mark at) {
        String line = line(yaml, at.getLine());
        int col = Math.min(at.getColumn(), line.length());
        if (line.substring(0, col).isBlank()) {
            String rest = line.strip();
            if (rest.startsWith("- ")) {
                rest = rest.substring(2).strip();
            }
            int colon = rest.indexOf(':');
            String key = colon > 0 ? rest.substring(0, colon).strip() : "";
            return "a tab indents " + (key.isEmpty() ? "this line" : "'" + key + "'")
                    + "; YAML indents with spaces only (replace the tab with spaces, lined up with its sibling keys)";
        }
        return "a tab here cannot separate YAML tokens; use spaces";
    }

    /**
     * The last quoted value before {@code at} that runs over several lines and ends next to it: in
     * a config that is nearly always a closing quote forgotten, the value having run on to the
     * next quote in the file, where SnakeYAML then finds a mistake far below the real one.
     */
    private static Optional<ScalarToken> runawayQuote(LoadSettings settings, String yaml, Optional<Mark> at) {
        if (at.isEmpty()) {
            return Optional.empty();
        }
        int limit = at.get().getIndex();
        ScalarToken last = null;
        try {
            ScannerImpl scanner = new ScannerImpl(settings, new StreamReader(settings, yaml));
            while (scanner.hasNext()) {
                Token t = scanner.next();
                if (t.getStartMark().map(Mark::getIndex).orElse(Integer.MAX_VALUE) > limit) {
                    break;
                }
                if (t instanceof ScalarToken s && !s.isPlain() && (s.getStyle() == ScalarStyle.DOUBLE_QUOTED
                        || s.getStyle() == ScalarStyle.SINGLE_QUOTED) && spansLines(s)
                        && s.getEndMark().get().getLine() >= at.get().getLine() - 1) {
                    last = s;
                }
            }
        } catch (RuntimeException e) {
            // the scanner stops at the same mistake; what it read so far is what counts
        }
        return Optional.ofNullable(last);
    }

    private static boolean spansLines(ScalarToken s) {
        return s.getStartMark().isPresent() && s.getEndMark().isPresent()
                && s.getStartMark().get().getLine() != s.getEndMark().get().getLine();
    }

    private static String where(String preposition, Optional<Mark> mark) {
        return mark.map(m -> preposition + " line " + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("");
    }

    private static String quoteAt(String yaml, Mark m) {
        String line = line(yaml, m.getLine());
        return m.getColumn() < line.length() && line.charAt(m.getColumn()) == '\'' ? "'" : "\"";
    }

    private static String line(String yaml, int index) {
        List<String> lines = yaml.lines().limit(index + 1L).toList();
        return lines.size() > index ? lines.get(index) : "";
    }
}

package org.halley.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A person's search text as words, and those words in each database's query language. Pure code.
 * Nothing the person typed is ever FTS syntax: SQLite gets each word as a quoted phrase
 * ({@code "word"}, inner quotes doubled), so {@code AND}, {@code NEAR}, {@code *}, {@code :} and
 * unbalanced quotes are just text; PostgreSQL gets the words for {@code plainto_tsquery}, which
 * reads no operators at all. All words must match (AND).
 */
final class FtsQuery {
    static final int MAX_WORDS = 16;
    static final int MAX_WORD = 100;

    private FtsQuery() {}

    /** The words of {@code text}: split on anything but letters and digits, lower-cased, at most 16. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp)) {
                w.appendCodePoint(cp);
            } else {
                flush(w, out);
            }
        });
        flush(w, out);
        return out.size() > MAX_WORDS ? out.subList(0, MAX_WORDS) : out;
    }

    private static void flush(StringBuilder w, List<String> out) {
        if (!w.isEmpty()) {
            String s = w.toString().toLowerCase(Locale.ROOT);
            out.add(s.length() > MAX_WORD ? s.substring(0, MAX_WORD) : s);
            w.setLength(0);
        }
    }

    /** FTS5 MATCH expression: each word a quoted string, implicitly ANDed. */
    static String sqlite(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append('"').append(w.replace("\"", "\"\"")).append('"');
        }
        return b.toString();
    }

    /** Input for {@code plainto_tsquery('simple', ?)}: the words separated by spaces. */
    static String postgresql(List<String> words) {
        return String.join(" ", words);
    }
}

package org.halley.bridges.irc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One line from an IRC server, parsed: IRCv3 tags (unescaped), prefix, command (upper case) and
 * parameters (the trailing one without its colon). Pure; never throws on odd spacing, only on a
 * line with no command.
 *
 * @param prefix {@code nick!user@host} or a server name, without the colon; null when absent
 */
public record IrcMessage(Map<String, String> tags, String prefix, String command, List<String> params, String untagged) {

    public IrcMessage {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        params = List.copyOf(params);
    }

    /** A message built by hand; its untagged form is composed. */
    public IrcMessage(Map<String, String> tags, String prefix, String command, List<String> params) {
        this(tags, prefix, command, params, compose(prefix, command, params));
    }

    public static IrcMessage parse(String line) {
        int n = line.length();
        while (n > 0 && (line.charAt(n - 1) == '\r' || line.charAt(n - 1) == '\n')) {
            n--;
        }
        int p = skipSpaces(line, 0, n);
        Map<String, String> tags = new LinkedHashMap<>();
        if (p < n && line.charAt(p) == '@') {
            int end = indexOf(line, ' ', p, n);
            for (String tag : line.substring(p + 1, end).split(";")) {
                if (tag.isEmpty()) {
                    continue;
                }
                int eq = tag.indexOf('=');
                tags.put(eq < 0 ? tag : tag.substring(0, eq), eq < 0 ? "" : unescape(tag.substring(eq + 1)));
            }
            p = skipSpaces(line, end, n);
        }
        int untaggedStart = p;
        String prefix = null;
        if (p < n && line.charAt(p) == ':') {
            int end = indexOf(line, ' ', p, n);
            prefix = line.substring(p + 1, end);
            p = skipSpaces(line, end, n);
        }
        int end = indexOf(line, ' ', p, n);
        if (end == p) {
            throw new IllegalArgumentException("no command in IRC line");
        }
        String command = line.substring(p, end).toUpperCase(Locale.ROOT);
        p = skipSpaces(line, end, n);
        List<String> params = new ArrayList<>();
        while (p < n) {
            if (line.charAt(p) == ':') {
                params.add(line.substring(p + 1, n));
                break;
            }
            end = indexOf(line, ' ', p, n);
            params.add(line.substring(p, end));
            p = skipSpaces(line, end, n);
        }
        return new IrcMessage(tags, prefix, command, params, line.substring(untaggedStart, n));
    }

    /** Parameter {@code i}, or "" when there is none. */
    public String param(int i) {
        return i < params.size() ? params.get(i) : "";
    }

    /** The last parameter (usually the text), or "". */
    public String last() {
        return params.isEmpty() ? "" : params.get(params.size() - 1);
    }

    /** The nick part of the prefix, or the whole prefix for a server. */
    public String nick() {
        if (prefix == null) {
            return "";
        }
        int bang = prefix.indexOf('!');
        return bang < 0 ? prefix : prefix.substring(0, bang);
    }

    /** The line as the server sent it, without its tags: what PircBotX's parser expects. */
    public String withoutTags() {
        return untagged;
    }

    private static String compose(String prefix, String command, List<String> params) {
        StringBuilder b = new StringBuilder();
        if (prefix != null) {
            b.append(':').append(prefix).append(' ');
        }
        b.append(command);
        for (int i = 0; i < params.size(); i++) {
            String s = params.get(i);
            b.append(' ');
            if (i == params.size() - 1 && (s.isEmpty() || s.indexOf(' ') >= 0 || s.charAt(0) == ':')) {
                b.append(':');
            }
            b.append(s);
        }
        return b.toString();
    }

    private static int indexOf(String s, char c, int from, int to) {
        int i = s.indexOf(c, from);
        return i < 0 || i > to ? to : i;
    }

    private static int skipSpaces(String s, int p, int n) {
        while (p < n && s.charAt(p) == ' ') {
            p++;
        }
        return p;
    }

    /** IRCv3 tag value escapes: {@code \:} {@code \s} {@code \\} {@code \r} {@code \n}. */
    static String unescape(String v) {
        if (v.indexOf('\\') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '\\' || i == v.length() - 1) {
                if (c != '\\') {
                    b.append(c);
                }
                continue;
            }
            char e = v.charAt(++i);
            switch (e) {
                case ':' -> b.append(';');
                case 's' -> b.append(' ');
                case 'r' -> b.append('\r');
                case 'n' -> b.append('\n');
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}

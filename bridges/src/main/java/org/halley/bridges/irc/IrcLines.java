package org.halley.bridges.irc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * IRC line rules as pure code: the last check before the socket, and splitting long text so each
 * line fits in 512 bytes once the server has put the sender's prefix in front.
 */
public final class IrcLines {
    /** RFC 1459: 512 bytes with CR LF. */
    public static final int MAX_LINE_BYTES = 512;

    private IrcLines() {}

    /** Why {@code line} must not be written, or null when it may. */
    public static String problem(String line) {
        if (line.isEmpty()) {
            return "empty line";
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return "line contains CR, LF or NUL at " + i;
            }
        }
        if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES - 2) {
            return "line longer than " + (MAX_LINE_BYTES - 2) + " bytes";
        }
        return null;
    }

    /**
     * Bytes left for text in {@code command} (e.g. {@code "PRIVMSG #chan :"}) once the server adds
     * {@code :nick!user@host } in front when relaying it. Hosts can be 63 bytes, idents 10.
     */
    public static int textBudget(String nick, String command) {
        int prefix = 1 + utf8(nick) + 1 + 10 + 1 + 63 + 1;
        return MAX_LINE_BYTES - 2 - prefix - utf8(command);
    }

    /**
     * Splits {@code text} into pieces of at most {@code maxBytes} UTF-8 bytes, never inside a code
     * point, preferring to break after a space in the last quarter of a piece.
     */
    public static List<String> split(String text, int maxBytes) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 4)");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = start;
            int bytes = 0;
            int lastSpace = -1;
            while (end < text.length()) {
                int cp = text.codePointAt(end);
                int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + n > maxBytes) {
                    break;
                }
                bytes += n;
                end += Character.charCount(cp);
                if (cp == ' ') {
                    lastSpace = end;
                }
            }
            if (end < text.length() && lastSpace > start && bytes - utf8(text.substring(start, lastSpace)) < maxBytes / 4) {
                end = lastSpace;
            }
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /**
     * {@code line} as it may appear in a log: the command and its middle parameters, the text
     * replaced by its length, and nothing at all after a command that carries a secret.
     */
    public static String describe(String line) {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        switch (verb.toUpperCase(java.util.Locale.ROOT)) {
            case "WEBIRC", "PASS", "AUTHENTICATE", "OPER" -> {
                return verb + " ***";
            }
            default -> { }
        }
        int trailing = line.indexOf(" :");
        return trailing < 0 ? line : line.substring(0, trailing) + " :(" + utf8(line.substring(trailing + 2)) + " bytes)";
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

package org.halley.bridges.irc;

/**
 * Text from the network on its way to a browser: IRC's formatting codes (bold, colour, italics,
 * underline, strike-through, monospace, reverse, reset) are kept for the client to render as
 * styles; every other control character is removed, so what reaches the page is printable text
 * plus those documented codes (Unicode line separators become spaces). Pure.
 */
final class IrcText {
    private IrcText() {}

    static String clean(String text) {
        int n = text.length();
        int i = 0;
        while (i < n && keep(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder b = new StringBuilder(n).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (keep(c)) {
                b.append(c);
            } else if (c == '\u2028' || c == '\u2029') {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static boolean keep(char c) {
        if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f)) {
            return c != '\u2028' && c != '\u2029';
        }
        return IrcArgs.isFormatting(c);
    }
}

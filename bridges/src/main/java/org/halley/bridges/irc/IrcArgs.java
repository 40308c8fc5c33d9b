package org.halley.bridges.irc;

import java.nio.charset.StandardCharsets;
import org.halley.bridges.CommandRejectedException;

/**
 * Checks each field of browser input before it may become part of an IRC line. Every check names
 * the field and says what is wrong; none changes the value (no silent repair). Pure functions.
 */
public final class IrcArgs {
    /** Longest text accepted in one command; longer text is split into several lines on the wire. */
    public static final int MAX_TEXT_BYTES = 4096;

    private IrcArgs() {}

    /**
     * A nick: a letter or one of {@code []\`_^{|}} first, then also digits and {@code -}.
     *
     * @param maxLength the network's NICKLEN, or the configured maximum
     */
    public static String nick(String field, String nick, int maxLength) throws CommandRejectedException {
        if (nick == null || nick.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (nick.length() > maxLength) {
            throw new CommandRejectedException(field, "is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < nick.length(); i++) {
            char c = nick.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean special = "[]\\`_^{|}".indexOf(c) >= 0;
            boolean ok = i == 0 ? letter || special : letter || special || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                throw new CommandRejectedException(field, i == 0
                        ? "must start with a letter or one of []\\`_^{|}"
                        : "may only have letters, digits and -[]\\`_^{|} (not '" + printable(c) + "')");
            }
        }
        return nick;
    }

    /**
     * One channel name. Refuses lists ({@code #a,#b}), {@code 0} (which in {@code JOIN 0} leaves
     * every channel), a leading {@code :}, anything with spaces or control characters, and text
     * that is not whole UTF-16 (a lone surrogate would reach the server as {@code ?}, a name the
     * policy never saw).
     *
     * @param prefixes the network's CHANTYPES ({@code #&} by default)
     * @param maxLength the network's CHANNELLEN, in bytes of UTF-8 as servers count it
     */
    public static String channel(String field, String channel, String prefixes, int maxLength) throws CommandRejectedException {
        if (channel == null || channel.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (channel.equals("0")) {
            throw new CommandRejectedException(field, "'0' is not a channel (JOIN 0 would leave every channel)");
        }
        if (prefixes.indexOf(channel.charAt(0)) < 0) {
            throw new CommandRejectedException(field, "must start with one of " + prefixes);
        }
        for (int i = 0; i < channel.length(); i++) {
            char c = channel.charAt(i);
            if (c == ',') {
                throw new CommandRejectedException(field, "one channel at a time (no commas)");
            }
            if (c == ' ' || c == ':' || c == 0x07 || isControl(c) || isLineSeparator(c) || c == 0xfffe || c == 0xffff) {
                throw new CommandRejectedException(field, "may not contain spaces, colons or control characters");
            }
        }
        wholeUtf16(field, channel);
        if (channel.length() < 2 || channel.getBytes(StandardCharsets.UTF_8).length > maxLength) {
            throw new CommandRejectedException(field, "must be 2 to " + maxLength + " bytes long");
        }
        return channel;
    }

    /** A channel key (password): empty for none. */
    public static String key(String field, String key) throws CommandRejectedException {
        if (key == null || key.isEmpty()) {
            return "";
        }
        if (key.length() > 23) {
            throw new CommandRejectedException(field, "is longer than 23 characters");
        }
        if (key.charAt(0) == ':') {
            throw new CommandRejectedException(field, "may not start with ':'");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == ' ' || c == ',' || isControl(c) || c > 0x7e) {
                throw new CommandRejectedException(field, "may only have printable ASCII, no spaces or commas");
            }
        }
        return key;
    }

    /** Where a message goes: one channel or one nick. */
    public static String target(String field, String target, String prefixes, int maxNick, int maxChannel) throws CommandRejectedException {
        if (target == null || target.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (target.indexOf(',') >= 0) {
            throw new CommandRejectedException(field, "one target at a time (no commas)");
        }
        if (prefixes.indexOf(target.charAt(0)) >= 0) {
            return channel(field, target, prefixes, maxChannel);
        }
        return nick(field, target, maxNick);
    }

    /**
     * Message text: one line. Refuses CR, LF, NUL and the other control characters except IRC's
     * formatting codes (bold, colour, italics, underline, strike-through, monospace, reverse,
     * reset), CTCP's {@code \001} and Unicode line and paragraph separators.
     */
    public static String text(String field, String text) throws CommandRejectedException {
        if (text == null || text.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        line(field, text);
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw new CommandRejectedException(field, "is longer than " + MAX_TEXT_BYTES + " bytes");
        }
        return text;
    }

    /** A reason (part, quit, kick) or topic: like text, but may be empty. */
    public static String reason(String field, String reason, int maxBytes) throws CommandRejectedException {
        if (reason == null || reason.isEmpty()) {
            return "";
        }
        line(field, reason);
        if (reason.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new CommandRejectedException(field, "is longer than " + maxBytes + " bytes");
        }
        return reason;
    }

    /** A realname (gecos). */
    public static String realname(String field, String realname) throws CommandRejectedException {
        if (realname == null || realname.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        return reason(field, realname, 100);
    }

    private static void line(String field, String s) throws CommandRejectedException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new CommandRejectedException(field, "contains a line break (send one line per message)");
            }
            if (c == 0) {
                throw new CommandRejectedException(field, "contains a NUL character");
            }
            if (isLineSeparator(c)) {
                throw new CommandRejectedException(field, "contains a Unicode line separator");
            }
            if (isControl(c) && !isFormatting(c)) {
                throw new CommandRejectedException(field, "contains a control character (\\u" + String.format("%04x", (int) c) + ")");
            }
        }
        wholeUtf16(field, s);
    }

    /** Refuses a lone surrogate: UTF-8 cannot carry it, so it would be sent as {@code ?} (no silent repair). */
    static void wholeUtf16(String field, String s) throws CommandRejectedException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new CommandRejectedException(field, "contains a broken character (a lone UTF-16 surrogate at " + i + ")");
            }
        }
    }

    /** IRC formatting: bold, colour, hex colour, reset, monospace, reverse, italics, strike, underline. */
    static boolean isFormatting(char c) {
        return c == 0x02 || c == 0x03 || c == 0x04 || c == 0x0f || c == 0x11 || c == 0x16 || c == 0x1d || c == 0x1e || c == 0x1f;
    }

    static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
    }

    static boolean isLineSeparator(char c) {
        return c == '\u2028' || c == '\u2029' || c == '\u0085';
    }

    private static String printable(char c) {
        return isControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}

package org.halley.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One line to keep: immutable, validated here so a bad line fails on the caller's thread with a
 * clear message and never poisons a batch in the writer.
 *
 * @param conversation whose line it is (a channel's shared history or one account's)
 * @param time         the server's time ({@code server-time} tag, XMPP delay) or the arrival time
 * @param msgid        the network's id ({@code msgid} tag, stanza-id), or null
 * @param from         who said it (nick or JID resource)
 * @param kind         what it is
 * @param text         the text (the message, the topic, the reason; may be empty)
 */
public record LineRecord(Conversation conversation, Instant time, String msgid, String from, LineKind kind, String text) {
    /** Longer texts are refused: an IRC line is 512 bytes, a generous XMPP body is far below this. */
    public static final int MAX_TEXT = 16_384;

    public LineRecord {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        if (time.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("time: " + time + " (expected: after 1970)");
        }
        if (msgid != null) {
            msgid = name("msgid", msgid, false);
        }
        from = name("from", from, true);
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("text: " + text.length() + " chars (expected: <= " + MAX_TEXT + ")");
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("text: contains NUL (expected: none; PostgreSQL text cannot hold it)");
        }
    }

    public static LineRecord message(Conversation c, Instant time, String msgid, String from, String text) {
        return new LineRecord(c, time, msgid, from, LineKind.MESSAGE, text);
    }

    /**
     * The line's unique key within its conversation: the network's msgid when there is one, else a
     * digest of (time in ms, kind, from, text). Two recorders (one per node of a cluster) writing
     * the same line therefore store it once; the same words said twice in one millisecond by one
     * person are one line.
     */
    public String dedupKey() {
        if (msgid != null) {
            return "m:" + msgid;
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((time.toEpochMilli() + "\0" + kind.dbName() + "\0" + from + "\0" + text)
                    .getBytes(StandardCharsets.UTF_8));
            byte[] h = d.digest();
            return "h:" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 18));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String name(String what, String value, boolean mayBeEmpty) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() && !mayBeEmpty) {
            throw new IllegalArgumentException(what + ": empty");
        }
        if (value.length() > Conversation.MAX_NAME) {
            throw new IllegalArgumentException(what + ": " + value.length() + " chars (expected: <= " + Conversation.MAX_NAME + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + ": control character U+"
                        + String.format("%04X", (int) value.charAt(i)) + " at " + i + " (expected: none)");
            }
        }
        return value;
    }
}

package org.halley.store;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;

/**
 * A position in history: a line's (time, id), as an opaque base64url string for the page. It names
 * no conversation: the caller always says which conversation it reads, so a forged cursor can at
 * most move within what its holder may read anyway. {@link #parse} validates the string and fails
 * with {@link BadCursorException}; the values only ever reach SQL as bound parameters.
 */
public record Cursor(long time, long id) {
    private static final byte VERSION = 1;
    private static final int BYTES = 1 + 8 + 8;
    /** base64url of 17 bytes, no padding. */
    private static final int LENGTH = 23;

    public Cursor {
        if (time < 0 || id < 0) {
            throw new BadCursorException("cursor: position (" + time + ", " + id + ") out of range");
        }
    }

    /** The cursor as the page sees it. */
    public String encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).put(VERSION).putLong(time).putLong(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** Reads a cursor that a page was given, or fails saying it is not one. */
    public static Cursor parse(String s) {
        Objects.requireNonNull(s, "cursor");
        if (s.length() != LENGTH) {
            throw new BadCursorException("cursor: " + s.length() + " chars (expected: " + LENGTH
                    + ", the opaque string a history page returned)");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new BadCursorException("cursor: not base64url (expected: the opaque string a history page returned)");
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        if (raw.length != BYTES || b.get() != VERSION) {
            throw new BadCursorException("cursor: unknown version (expected: the opaque string a history page returned)");
        }
        return new Cursor(b.getLong(), b.getLong());
    }

    @Override
    public String toString() {
        return encode();
    }

    /** A cursor that is not one: a clear error for the caller to pass on (a 400, an error event). */
    public static final class BadCursorException extends IllegalArgumentException {
        BadCursorException(String message) {
            super(message);
        }
    }
}

package org.halley.store;

import java.time.Instant;

/** A line as read back: what was appended, with the store's id and the cursor at it. */
public record StoredLine(long id, LineRecord line) {
    public Cursor cursor() {
        return new Cursor(line.time().toEpochMilli(), id);
    }

    public Conversation conversation() {
        return line.conversation();
    }

    public Instant time() {
        return line.time();
    }
}

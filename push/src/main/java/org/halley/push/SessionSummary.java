package org.halley.push;

import org.jspecify.annotations.Nullable;

/**
 * One session as an operator sees it, taken on its shard's loop at one moment.
 *
 * @param id the session id
 * @param user the user it was prebound to, or null
 * @param transport the transport of its connection now; empty while it has none (lingering)
 * @param createdMillis when it was created (epoch milliseconds)
 * @param bufferedEvents events held for resume
 * @param bufferedBytes their bytes
 * @param lastSeq the newest event's sequence number
 * @param written the last event written to its connection
 * @param attachment the application's object
 */
public record SessionSummary(String id, @Nullable String user, String transport, long createdMillis, int bufferedEvents,
        long bufferedBytes, long lastSeq, long written, @Nullable Object attachment) {}

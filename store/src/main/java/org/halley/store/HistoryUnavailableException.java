package org.halley.store;

/**
 * The database did not answer a read (down, unreachable, or not yet migrated). The caller goes on
 * without history: an empty channel on join, an error event for a page request.
 */
public final class HistoryUnavailableException extends RuntimeException {
    public HistoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

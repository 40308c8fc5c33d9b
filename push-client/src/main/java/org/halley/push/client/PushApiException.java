package org.halley.push.client;

import java.util.Optional;

/**
 * The push API said no: {@link #status()} is the HTTP status, {@link #error()} the API's short code
 * ({@code no-session}, {@code unauthorized}, {@code wrong-node}, ...), {@link #getMessage()} its
 * reason. A 404 means the session or user is unknown (it ended, or never was).
 */
public final class PushApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String node;

    PushApiException(int status, String error, String message, String node) {
        super(status + " " + error + ": " + message);
        this.status = status;
        this.error = error;
        this.node = node;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** For 421 (wrong node): the node that owns the target. */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }
}

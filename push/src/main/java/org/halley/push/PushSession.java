package org.halley.push;

import java.util.Optional;

/** The application's handle on one browser session. Safe to use from any thread. */
public interface PushSession {

    /** Unguessable id: {@code <node>.<22 base64url chars>} (128 random bits). */
    String id();

    /** Who opened it (for a prebound session: the application server that asked). */
    ClientInfo client();

    /** The user the application bound this session to when it pre-created it; empty otherwise. */
    Optional<String> user();

    /**
     * Queues one event (a JSON value) for the browser; never blocks. It gets the session's next
     * sequence number and is kept for resume within the configured buffer.
     */
    void send(String json);

    /**
     * As {@link #send(String)}, for an event that arrived from elsewhere (a chat network) at {@code
     * arrivedNanos} ({@link System#nanoTime()}): the time until it is written to the browser's
     * connection is measured ({@link ShardStats}).
     */
    void send(String json, long arrivedNanos);

    /** Queues an event encoded once for many sessions (see {@link PushServer#send(Iterable, PushEvent)}). */
    void send(PushEvent event);

    /** Ends the session: the browser is told {@code reason} and must not resume it. */
    void close(String reason);

    /** The application's own object for this session. */
    Object attachment();

    void attach(Object attachment);
}

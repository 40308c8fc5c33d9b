package org.halley.push;

/**
 * What the embedding application hears about its sessions. Every method runs on the session's
 * shard loop: it must return quickly and never block (hand slow work to another thread).
 */
public interface PushListener {

    /** A session was created; {@code session.send} works from now on. */
    void opened(PushSession session);

    /** The browser sent {@code json} (one JSON value), in order and exactly once. */
    void message(PushSession session, String json);

    /**
     * A transport connected to the session (the first, or again after a cut).
     *
     * @param gap true when the client had missed events no longer buffered and was sent {@code
     *     reset}: a good moment to send it a fresh view of its state
     */
    default void connected(PushSession session, boolean gap) {}

    /** The session ended (linger expired, closed by the application or the client); never again. */
    void closed(PushSession session, String reason);
}

package org.halley.push;

/** Why the server ends a downstream connection (not necessarily the session). */
public enum Cut {
    /** Another connection of the same session took over. */
    REPLACED,
    /** The session ended; the last message says why. The client must not resume. */
    SESSION_ENDED,
    /** The browser fell behind (a slow consumer); it may resume. */
    BEHIND,
    /** The server is draining or stopping; reconnect (through the load balancer) and resume. */
    GOING_AWAY,
    /**
     * The response is complete by design: a long poll was answered, or a stream reached {@code
     * stream-max-bytes}. Reconnect at once and resume.
     */
    COMPLETE
}

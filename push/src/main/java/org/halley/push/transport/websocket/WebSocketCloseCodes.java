package org.halley.push.transport.websocket;

import org.halley.push.Cut;

/** The close codes of docs/protocol.md. Pure. */
public final class WebSocketCloseCodes {
    /** Unknown session or wrong token: create a new session. */
    public static final int FORBIDDEN = 4403;
    /**
     * The session belongs to another node, which the load balancer could not reach (it is down):
     * create a new session.
     */
    public static final int MISDIRECTED = 4421;
    /**
     * A draining node sent the session away (its {@code going-away} was missed): create a new
     * session, through the load balancer. A planned move, not a loss.
     */
    public static final int WENT_AWAY = 4410;
    /** Another connection of the session took over. */
    public static final int REPLACED = 4000;
    /** The session ended; a {@code close} message came first. */
    public static final int SESSION_ENDED = 4001;
    /** Fell behind, or no heartbeat from the client: reconnect and resume. */
    public static final int BEHIND = 4002;
    /** The server is going away: reconnect and resume. */
    public static final int GOING_AWAY = 1001;
    /** A binary frame: the protocol is text. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A malformed client message. */
    public static final int POLICY_VIOLATION = 1008;
    /** A message larger than {@code server.push.max-message-bytes}. */
    public static final int MESSAGE_TOO_BIG = 1009;

    private WebSocketCloseCodes() {}

    /** The close code and reason for {@code cut}. */
    public static int code(Cut cut) {
        return switch (cut) {
            case REPLACED -> REPLACED;
            case SESSION_ENDED -> SESSION_ENDED;
            case BEHIND, COMPLETE -> BEHIND;
            case GOING_AWAY -> GOING_AWAY;
        };
    }

    public static String reason(Cut cut) {
        return switch (cut) {
            case REPLACED -> "replaced";
            case SESSION_ENDED -> "session ended";
            case BEHIND, COMPLETE -> "fell behind; resume";
            case GOING_AWAY -> "going away";
        };
    }
}

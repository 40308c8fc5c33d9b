package org.halley.push.wire;

import java.nio.charset.StandardCharsets;

/**
 * Server-to-client messages, one JSON object each, identical on every transport (transports only
 * add their framing). Events: {@code {"seq":12,"event":<json>}}; control messages carry a {@code
 * "type"} ({@code hello}, {@code reset}, {@code ack}, {@code hb}, {@code close}, {@code going-away}).
 *
 * <p>Every payload is made safe for an HTML script context once, here: {@code <}, {@code >},
 * {@code &}, U+2028 and U+2029 become {@code \}{@code uXXXX} escapes. These characters can only
 * occur inside JSON strings, where the escape means the same, so the JSON is unchanged for a
 * JSON parser and network text can never close a {@code <script>} in the iframe transport. Raw
 * line breaks (whitespace between tokens) become spaces, so an envelope is always one line.
 */
public final class Envelopes {
    private static final byte[] EVENT_OPEN = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_MID = ",\"event\":".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] HEARTBEAT = "{\"type\":\"hb\"}".getBytes(StandardCharsets.US_ASCII);

    private Envelopes() {}

    /** {@code json} (a valid JSON value) made safe for script contexts, as UTF-8. */
    public static byte[] safeJson(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            String esc = switch (c) {
                case '<' -> "\\u003c";
                case '>' -> "\\u003e";
                case '&' -> "\\u0026";
                case '\u2028' -> "\\u2028";
                case '\u2029' -> "\\u2029";
                // Raw line breaks can only be whitespace between JSON tokens (inside strings JSON
                // escapes them): a space means the same, and keeps every envelope on one line for
                // the line-framed transports (SSE, XHR streaming).
                case '\n', '\r' -> " ";
                default -> null;
            };
            if (esc != null) {
                if (out == null) {
                    out = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                out.append(esc);
            } else if (out != null) {
                out.append(c);
            }
        }
        return (out == null ? json : out.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"seq":<seq>,"event":<safeJson>}}. */
    public static byte[] event(long seq, byte[] safeJson) {
        byte[] n = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[EVENT_OPEN.length + n.length + EVENT_MID.length + safeJson.length + 1];
        int p = 0;
        System.arraycopy(EVENT_OPEN, 0, out, p, EVENT_OPEN.length);
        p += EVENT_OPEN.length;
        System.arraycopy(n, 0, out, p, n.length);
        p += n.length;
        System.arraycopy(EVENT_MID, 0, out, p, EVENT_MID.length);
        p += EVENT_MID.length;
        System.arraycopy(safeJson, 0, out, p, safeJson.length);
        p += safeJson.length;
        out[p] = '}';
        return out;
    }

    /** First message on every connection: where the server stands. */
    public static byte[] hello(String session, String transport, long seq, long ack, long heartbeatMillis) {
        return ascii("{\"type\":\"hello\",\"session\":\"" + session + "\",\"transport\":\"" + transport
                + "\",\"seq\":" + seq + ",\"ack\":" + ack + ",\"heartbeat\":" + heartbeatMillis + "}");
    }

    /**
     * Events after the client's last were lost (older than the buffer). {@code seq} is the number
     * to continue from as if seen; events after it follow.
     */
    public static byte[] reset(long seq) {
        return ascii("{\"type\":\"reset\",\"seq\":" + seq + "}");
    }

    /** The server has processed every client message up to {@code cseq}. */
    public static byte[] ack(long cseq) {
        return ascii("{\"type\":\"ack\",\"ack\":" + cseq + "}");
    }

    /** The session is over; do not resume it. {@code reason} is a short token ([a-z-]). */
    public static byte[] close(String reason) {
        return ascii("{\"type\":\"close\",\"reason\":\"" + reason.replaceAll("[^a-z0-9-]", "-") + "\"}");
    }

    /**
     * This node is draining and has forgotten the session: make a new one now, through the load
     * balancer (it lands on another node). Sent last on the connection, before it ends; it tells
     * the client that the move is planned, not a loss.
     */
    public static byte[] goingAway() {
        return ascii("{\"type\":\"going-away\"}");
    }

    /**
     * Another connection of this session took over (another page has the session now, e.g. a
     * duplicated tab): stop, do not reconnect. Sent on every transport before the connection ends,
     * since an HTTP response's end cannot say why (WebSocket also closes with 4000).
     */
    public static byte[] replaced() {
        return ascii("{\"type\":\"replaced\"}");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

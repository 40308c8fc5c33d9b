package org.halley.gateway.soak;

/** The five transports of docs/protocol.md, as the soak's browsers use them. */
enum SoakTransport {
    WEBSOCKET("websocket", "/push/ws"),
    SSE("sse", "/push/sse"),
    XHR_STREAMING("xhr-streaming", "/push/stream"),
    IFRAME("iframe", "/push/iframe"),
    LONG_POLLING("long-polling", "/push/poll");

    final String wireName;
    final String path;

    SoakTransport(String wireName, String path) {
        this.wireName = wireName;
        this.path = path;
    }

    /** The downstream request's path and query ({@code first}: a long poll answered at once). */
    String uri(String session, String token, long last, boolean first) {
        String q = path + "?session=" + session + "&token=" + token + "&last=" + last;
        return switch (this) {
            case IFRAME -> q + "&callback=halley";
            case LONG_POLLING -> first ? q + "&wait=0" : q;
            default -> q;
        };
    }

    /** The JSON carried by one line of a streaming response, or null for framing (prelude, padding, blank lines). */
    String payload(String line) {
        return switch (this) {
            case SSE -> line.startsWith("data: ") ? line.substring(6) : null;
            case XHR_STREAMING -> line.isBlank() ? null : line;
            case IFRAME -> {
                int open = line.indexOf(">p(");
                yield line.startsWith("<script nonce=") && open > 0 && line.endsWith(")</script>")
                        ? line.substring(open + 3, line.length() - ")</script>".length())
                        : null;
            }
            default -> throw new IllegalStateException(name() + " is not a line stream");
        };
    }
}

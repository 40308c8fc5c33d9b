package org.halley.push.transport.sse;

import io.netty.handler.codec.http.HttpHeaders;
import org.halley.config.PushConfig;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.halley.push.transport.HttpStreamHandler;

/** One SSE stream of one session. Not thread-safe; runs on the session's shard loop. */
public final class SseHandler extends HttpStreamHandler {
    public static final String TRANSPORT = "sse";

    public SseHandler(HttpHeaders cors, Session session, long last, PushConfig config, PushCounters counters) {
        super(TRANSPORT, SseEventEncoder.INSTANCE, cors, session, last, config, counters);
    }
}

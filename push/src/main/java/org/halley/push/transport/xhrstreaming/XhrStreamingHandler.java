package org.halley.push.transport.xhrstreaming;

import io.netty.handler.codec.http.HttpHeaders;
import org.halley.config.PushConfig;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.halley.push.transport.HttpStreamHandler;

/** One XHR (fetch) stream of one session. Not thread-safe; runs on the session's shard loop. */
public final class XhrStreamingHandler extends HttpStreamHandler {
    public static final String TRANSPORT = "xhr-streaming";

    public XhrStreamingHandler(HttpHeaders cors, Session session, long last, PushConfig config, PushCounters counters) {
        super(TRANSPORT, XhrStreamingEncoder.INSTANCE, cors, session, last, config, counters);
    }
}

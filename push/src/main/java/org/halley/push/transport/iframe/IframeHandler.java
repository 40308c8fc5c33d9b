package org.halley.push.transport.iframe;

import io.netty.handler.codec.http.HttpHeaders;
import org.halley.config.PushConfig;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.halley.push.transport.HttpStreamHandler;

/** One hidden-iframe stream of one session. Not thread-safe; runs on the session's shard loop. */
public final class IframeHandler extends HttpStreamHandler {
    public static final String TRANSPORT = "iframe";

    /** {@code headers} must carry {@code encoder}'s Content-Security-Policy. */
    public IframeHandler(IframeChunkEncoder encoder, HttpHeaders headers, Session session, long last, PushConfig config,
            PushCounters counters) {
        super(TRANSPORT, encoder, headers, session, last, config, counters);
    }
}

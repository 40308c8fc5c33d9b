package org.halley.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the push core's transports ({@code server.push} in YAML).
 *
 * @param heartbeat how often an idle stream gets a heartbeat (keeps proxies from cutting it); also
 *     how long a long poll is held before it is answered with a heartbeat
 * @param maxMessageBytes largest browser-to-server message: a WebSocket message (after inflating,
 *     when compressed) or a POST body; past it the connection is closed with 1009 or answered 413
 * @param compression whether WebSocket permessage-deflate is offered
 * @param writeBufferBytes bytes queued for one connection before it counts as not writable (Netty's
 *     high water mark; the low mark is half)
 * @param slowConsumerTimeout how long a connection may stay not writable before it is cut (the
 *     browser may resume)
 * @param streamMaxBytes bytes after which an HTTP streaming response (SSE, XHR streaming, iframe)
 *     is ended so the browser can free it; the client reconnects at once and resumes
 * @param shards event loops that own sessions; 0 means one per core
 * @param apiSecret bearer token of the application push API; empty turns the API off
 */
public record PushConfig(
        Duration heartbeat,
        int maxMessageBytes,
        boolean compression,
        int writeBufferBytes,
        Duration slowConsumerTimeout,
        int streamMaxBytes,
        int shards,
        Optional<Secret> apiSecret) {

    public static final PushConfig DEFAULTS = new PushConfig(Duration.ofSeconds(25), 64 * 1024, false, 64 * 1024,
            Duration.ofSeconds(10), 1 << 20, 0, Optional.empty());

    public PushConfig {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: > 0)");
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
        }
        if (writeBufferBytes < 2) {
            throw new IllegalArgumentException("writeBufferBytes: " + writeBufferBytes + " (expected: > 1)");
        }
        if (slowConsumerTimeout.isNegative() || slowConsumerTimeout.isZero()) {
            throw new IllegalArgumentException("slowConsumerTimeout: " + slowConsumerTimeout + " (expected: > 0)");
        }
        if (streamMaxBytes < 1) {
            throw new IllegalArgumentException("streamMaxBytes: " + streamMaxBytes + " (expected: > 0)");
        }
        if (shards < 0) {
            throw new IllegalArgumentException("shards: " + shards + " (expected: >= 0)");
        }
        Objects.requireNonNull(apiSecret, "apiSecret");
    }

    /** A copy with another heartbeat (tests, embedders). */
    public PushConfig withHeartbeat(Duration heartbeat) {
        return new PushConfig(heartbeat, maxMessageBytes, compression, writeBufferBytes, slowConsumerTimeout,
                streamMaxBytes, shards, apiSecret);
    }
}

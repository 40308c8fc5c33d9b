package org.halley.push;

import io.netty.channel.Channel;

/**
 * One connection carrying messages to the browser: a WebSocket, an event stream, a held poll.
 * A session has at most one at a time. Each transport implements this with its own framing.
 *
 * <p>Called only on the session's shard loop, which is also the channel's loop (the connection
 * was moved there before it was attached).
 */
public interface Downstream {

    /** {@code websocket}, {@code sse}, {@code xhr-streaming}, {@code long-polling}, {@code iframe}. */
    String transport();

    Channel channel();

    /** Writes one envelope (from {@link org.halley.push.wire.Envelopes}) without flushing. */
    void write(byte[] envelope);

    /** Sends what was written. */
    void flush();

    /**
     * Whether more may be written now: false when the socket's buffer is full (a slow browser)
     * or, for long polling, once a response carries events.
     */
    boolean acceptsMore();

    /**
     * Ends this connection (not necessarily the session): writes {@code lastMessage} if not null,
     * then closes in the transport's way for {@code cut}.
     */
    void close(Cut cut, byte[] lastMessage);
}

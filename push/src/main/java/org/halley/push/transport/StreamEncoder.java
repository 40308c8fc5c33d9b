package org.halley.push.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The framing of one HTTP streaming transport: pure functions from envelopes to bytes, so each is
 * unit-tested without sockets. Frames are written straight into a buffer from {@code alloc} (the
 * channel's pooled direct allocator in the server), so an envelope is copied once on its way out.
 */
public interface StreamEncoder {

    /** The response's {@code Content-Type}. */
    String contentType();

    /** Bytes sent before the first envelope (padding, a document head); may be empty. */
    ByteBuf prelude(ByteBufAllocator alloc);

    /** One envelope, framed. */
    ByteBuf frame(ByteBufAllocator alloc, byte[] envelope);
}

package org.halley.push.transport.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.halley.push.transport.StreamEncoder;

/**
 * Server-Sent Events framing: each envelope is one event, {@code data: <json>} and a blank line.
 * Envelopes that move the client's position (events, {@code reset}) also carry {@code id: <seq>}
 * first, so a plain {@code EventSource} that reconnects by itself sends {@code Last-Event-ID} and
 * resumes. Envelopes hold no raw line breaks (see {@link org.halley.push.wire.Envelopes}), so one
 * {@code data:} line always suffices.
 */
public final class SseEventEncoder implements StreamEncoder {
    public static final SseEventEncoder INSTANCE = new SseEventEncoder();

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_PREFIX = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESET_PREFIX = "{\"type\":\"reset\",\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private SseEventEncoder() {}

    @Override
    public String contentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public ByteBuf prelude(ByteBufAllocator alloc) {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public ByteBuf frame(ByteBufAllocator alloc, byte[] envelope) {
        int start = startsWith(envelope, EVENT_PREFIX) ? EVENT_PREFIX.length
                : startsWith(envelope, RESET_PREFIX) ? RESET_PREFIX.length : -1;
        int end = start;
        while (start > 0 && end < envelope.length && envelope[end] >= '0' && envelope[end] <= '9') {
            end++;
        }
        boolean id = start > 0 && end > start;
        ByteBuf out = alloc.buffer((id ? ID.length + end - start + 1 : 0) + DATA.length + envelope.length + 2);
        if (id) {
            out.writeBytes(ID).writeBytes(envelope, start, end - start).writeByte('\n');
        }
        return out.writeBytes(DATA).writeBytes(envelope).writeByte('\n').writeByte('\n');
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

package org.halley.push.transport.longpolling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/** Long-poll framing: the envelopes of one response as one JSON array, {@code [e1,e2,...]}. */
public final class LongPollBatchEncoder {
    private LongPollBatchEncoder() {}

    public static ByteBuf encode(ByteBufAllocator alloc, List<byte[]> envelopes) {
        int size = 2 + Math.max(0, envelopes.size() - 1);
        for (byte[] e : envelopes) {
            size += e.length;
        }
        ByteBuf out = alloc.buffer(size).writeByte('[');
        for (int i = 0; i < envelopes.size(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            out.writeBytes(envelopes.get(i));
        }
        return out.writeByte(']');
    }
}

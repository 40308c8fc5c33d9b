package org.halley.push.transport.xhrstreaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import org.halley.push.transport.StreamEncoder;

/**
 * XHR streaming framing: newline-delimited JSON. A prelude of 2 KiB of spaces and a newline comes
 * first, so that proxies and browsers that hold back a response's first bytes pass it on; a
 * client skips blank lines. Envelopes hold no raw line breaks, so each is exactly one line.
 */
public final class XhrStreamingEncoder implements StreamEncoder {
    public static final XhrStreamingEncoder INSTANCE = new XhrStreamingEncoder();
    static final int PRELUDE_BYTES = 2048;

    private static final byte[] PRELUDE = prelude();

    private XhrStreamingEncoder() {}

    private static byte[] prelude() {
        byte[] b = new byte[PRELUDE_BYTES + 1];
        Arrays.fill(b, (byte) ' ');
        b[PRELUDE_BYTES] = '\n';
        return b;
    }

    @Override
    public String contentType() {
        return "application/x-ndjson; charset=utf-8";
    }

    @Override
    public ByteBuf prelude(ByteBufAllocator alloc) {
        return alloc.buffer(PRELUDE.length).writeBytes(PRELUDE);
    }

    @Override
    public ByteBuf frame(ByteBufAllocator alloc, byte[] envelope) {
        return alloc.buffer(envelope.length + 1).writeBytes(envelope).writeByte('\n');
    }
}

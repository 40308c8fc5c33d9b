package org.halley.push.transport.xhrstreaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.halley.push.wire.Envelopes;
import org.junit.jupiter.api.Test;

class XhrStreamingEncoderTest {

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void preludeIsBlankPaddingEndedByANewline() {
        String p = text(XhrStreamingEncoder.INSTANCE.prelude(UnpooledByteBufAllocator.DEFAULT));
        assertThat(p).hasSize(2049).endsWith("\n");
        assertThat(p.strip()).isEmpty();
    }

    @Test
    void eachEnvelopeIsOneLine() {
        assertThat(text(XhrStreamingEncoder.INSTANCE.frame(UnpooledByteBufAllocator.DEFAULT, Envelopes.HEARTBEAT)))
                .isEqualTo("{\"type\":\"hb\"}\n");
        assertThat(XhrStreamingEncoder.INSTANCE.contentType()).isEqualTo("application/x-ndjson; charset=utf-8");
    }
}

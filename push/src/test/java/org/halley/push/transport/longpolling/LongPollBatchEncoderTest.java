package org.halley.push.transport.longpolling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.halley.push.wire.Envelopes;
import org.junit.jupiter.api.Test;

class LongPollBatchEncoderTest {

    private static String encode(List<byte[]> envelopes) {
        ByteBuf b = LongPollBatchEncoder.encode(UnpooledByteBufAllocator.DEFAULT, envelopes);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void envelopesBecomeOneJsonArray() {
        assertThat(encode(List.of())).isEqualTo("[]");
        assertThat(encode(List.of(Envelopes.HEARTBEAT))).isEqualTo("[{\"type\":\"hb\"}]");
        assertThat(encode(List.of(Envelopes.reset(2), Envelopes.event(3, "1".getBytes(StandardCharsets.UTF_8)))))
                .isEqualTo("[{\"type\":\"reset\",\"seq\":2},{\"seq\":3,\"event\":1}]");
    }
}

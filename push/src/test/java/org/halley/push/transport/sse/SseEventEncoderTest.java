package org.halley.push.transport.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.halley.push.wire.Envelopes;
import org.junit.jupiter.api.Test;

class SseEventEncoderTest {

    private static String frame(byte[] envelope) {
        ByteBuf b = SseEventEncoder.INSTANCE.frame(UnpooledByteBufAllocator.DEFAULT, envelope);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void eventsCarryTheirSequenceNumberAsId() {
        assertThat(frame(Envelopes.event(42, "{\"a\":\"<\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("id: 42\ndata: {\"seq\":42,\"event\":{\"a\":\"<\"}}\n\n");
    }

    @Test
    void resetCarriesTheSequenceItContinuesFrom() {
        assertThat(frame(Envelopes.reset(9))).isEqualTo("id: 9\ndata: {\"type\":\"reset\",\"seq\":9}\n\n");
    }

    @Test
    void otherControlMessagesHaveNoId() {
        assertThat(frame(Envelopes.HEARTBEAT)).isEqualTo("data: {\"type\":\"hb\"}\n\n");
        assertThat(frame(Envelopes.hello("n.x", "sse", 3, 1, 100))).startsWith("data: {\"type\":\"hello\"").endsWith("}\n\n");
    }

    @Test
    void anEventWithLineBreaksInItsJsonStaysOneDataLine() {
        String f = frame(Envelopes.event(1, Envelopes.safeJson("{\"a\":\n1,\r\n\"b\":\"x\\ny\"}")));
        assertThat(f.split("\n")).hasSize(2); // id and data; the blank line ends the event
        assertThat(f).contains("\"b\":\"x\\ny\"");
    }

    @Test
    void noPrelude() {
        assertThat(SseEventEncoder.INSTANCE.prelude(UnpooledByteBufAllocator.DEFAULT).readableBytes()).isZero();
        assertThat(SseEventEncoder.INSTANCE.contentType()).isEqualTo("text/event-stream; charset=utf-8");
    }
}

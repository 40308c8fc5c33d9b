package org.halley.push.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class RsvFrameValidatorTest {
    static final int RSV1 = 4;
    static final int RSV2 = 2;
    static final int RSV3 = 1;

    /** Every frame type, made with the given RSV bits. */
    static final List<IntFunction<WebSocketFrame>> FRAMES = List.of(
            rsv -> new TextWebSocketFrame(true, rsv, Unpooled.EMPTY_BUFFER),
            rsv -> new BinaryWebSocketFrame(true, rsv, Unpooled.EMPTY_BUFFER),
            rsv -> new ContinuationWebSocketFrame(true, rsv, Unpooled.EMPTY_BUFFER),
            rsv -> new PingWebSocketFrame(true, rsv, Unpooled.EMPTY_BUFFER),
            rsv -> new PongWebSocketFrame(true, rsv, Unpooled.EMPTY_BUFFER),
            rsv -> new CloseWebSocketFrame(true, rsv, Unpooled.EMPTY_BUFFER));

    @Test
    void rsv1IsAllowedOnlyOnTheFirstFrameOfADataMessageWithDeflateNegotiated() {
        for (IntFunction<WebSocketFrame> make : FRAMES) {
            for (int rsv = 0; rsv < 8; rsv++) {
                for (boolean deflate : new boolean[] {false, true}) {
                    WebSocketFrame f = make.apply(rsv);
                    boolean dataStart = f instanceof TextWebSocketFrame || f instanceof BinaryWebSocketFrame;
                    boolean allowed = rsv == 0 || rsv == RSV1 && deflate && dataStart;
                    String why = RsvFrameValidator.violation(f, deflate);
                    assertThat(why == null).as("%s rsv %s deflate %s: %s", f.getClass().getSimpleName(), rsv, deflate, why)
                            .isEqualTo(allowed);
                }
            }
        }
    }

    @Test
    void aViolationFailsTheConnectionWithProtocolErrorAndLaterFramesAreDropped() {
        EmbeddedChannel ch = new EmbeddedChannel(new RsvFrameValidator(WebSocketDecoderConfig.newBuilder().build()));
        TextWebSocketFrame ok = new TextWebSocketFrame("fine");
        ch.writeInbound(ok);
        assertThat((Object) ch.readInbound()).isSameAs(ok);
        ok.release();

        PingWebSocketFrame bad = new PingWebSocketFrame(true, RSV3, Unpooled.copiedBuffer(new byte[] {1}));
        assertThatThrownBy(() -> ch.writeInbound(bad))
                .isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                        e -> assertThat(e.closeStatus()).isEqualTo(WebSocketCloseStatus.PROTOCOL_ERROR));
        assertThat(bad.refCnt()).isZero();

        TextWebSocketFrame after = new TextWebSocketFrame("after");
        ch.writeInbound(after);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(after.refCnt()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void oncePermessageDeflateIsNegotiatedACompressedTextFramePasses() {
        RsvFrameValidator v = new RsvFrameValidator(WebSocketDecoderConfig.newBuilder().build());
        EmbeddedChannel ch = new EmbeddedChannel(v);
        WebSocket13FrameDecoder strict = new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder().build());
        ch.pipeline().addFirst(RsvFrameValidator.FRAME_DECODER, strict);
        v.deflateNegotiated();
        assertThat(ch.pipeline().get(RsvFrameValidator.FRAME_DECODER)).as("a decoder that lets RSV through").isNotSameAs(strict)
                .isInstanceOf(WebSocket13FrameDecoder.class);
        ch.pipeline().remove(RsvFrameValidator.FRAME_DECODER); // frames below are written decoded
        TextWebSocketFrame compressed = new TextWebSocketFrame(false, RSV1, Unpooled.EMPTY_BUFFER);
        ch.writeInbound(compressed);
        assertThat((Object) ch.readInbound()).isSameAs(compressed);
        assertThatThrownBy(() -> ch.writeInbound(new ContinuationWebSocketFrame(true, RSV1, Unpooled.EMPTY_BUFFER)))
                .isInstanceOf(CorruptedWebSocketFrameException.class).hasMessageContaining("continuation");
        ch.finishAndReleaseAll();
    }
}

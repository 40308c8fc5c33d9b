package org.halley.push.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Fails the connection (1002) on a frame whose RSV bits no extension of this connection defines
 * (RFC 6455 5.2): RSV1 only on the first frame of a data message, and only once permessage-deflate
 * was negotiated on this connection (RFC 7692 6); RSV2 and RSV3 never. Until then Netty's frame
 * decoder runs with extensions off and fails any RSV bit at the frame's first bytes; once deflate
 * is agreed, it is replaced by one that lets RSV bits through (it cannot tell which), and this
 * handler, between it and the deflate decoder (which inflates what has RSV1 and passes the rest
 * on), checks each frame.
 *
 * <p>Not thread-safe; owned by its connection's event loop.
 */
final class RsvFrameValidator extends ChannelInboundHandlerAdapter {
    /** The name Netty's handshaker gives the frame decoder. */
    static final String FRAME_DECODER = "wsdecoder";

    private final WebSocketDecoderConfig decoderConfig;
    private @Nullable ChannelHandlerContext ctx;
    private boolean deflate; // permessage-deflate was negotiated on this connection
    private boolean failed; // the connection is being failed: frames still decoded are dropped

    /** {@code decoderConfig}: the frame decoder's settings, with extensions off. */
    RsvFrameValidator(WebSocketDecoderConfig decoderConfig) {
        this.decoderConfig = decoderConfig;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Called once permessage-deflate is in force (Netty installs its decoder after the 101 answer
     * is written, before the client can have sent a frame): from now on RSV1 may pass the frame
     * decoder.
     */
    void deflateNegotiated() {
        deflate = true;
        ChannelHandlerContext c = ctx;
        if (c != null && c.pipeline().get(FRAME_DECODER) != null) {
            c.pipeline().replace(FRAME_DECODER, FRAME_DECODER,
                    new WebSocket13FrameDecoder(decoderConfig.toBuilder().allowExtensions(true).build()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            ReferenceCountUtil.release(frame);
            return;
        }
        String violation = violation(frame, deflate);
        if (violation == null) {
            ctx.fireChannelRead(frame);
            return;
        }
        failed = true;
        ReferenceCountUtil.release(frame);
        ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, violation));
    }

    /** Why {@code frame}'s RSV bits are not allowed, or null when they are. Pure. */
    static @Nullable String violation(WebSocketFrame frame, boolean deflate) {
        int rsv = frame.rsv();
        if (rsv == 0) {
            return null;
        }
        if ((rsv & (WebSocketExtension.RSV2 | WebSocketExtension.RSV3)) != 0) {
            return "RSV2/RSV3 set: no extension defines them";
        }
        if (!deflate) {
            return "RSV1 set: permessage-deflate was not negotiated";
        }
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            return null;
        }
        return frame instanceof ContinuationWebSocketFrame
                ? "RSV1 set on a continuation frame"
                : "RSV1 set on a control frame";
    }
}

package org.halley.push;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.halley.push.transport.websocket.WebSocketTransport;

/**
 * The conformance run's endpoint for a session's WebSocket (see {@link AutobahnIT}): sends every
 * message back as it came, where the session protocol would parse it as client messages. Everything
 * before it (route, session check, shard hand-over, RSV checks, permessage-deflate, framing,
 * closing handshake, UTF-8, limits) is the real {@code /push/ws}.
 */
@ChannelHandler.Sharable
final class AutobahnEcho extends SimpleChannelInboundHandler<WebSocketFrame> {
    AutobahnEcho() {
        super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            ctx.writeAndFlush(frame);
        } else {
            frame.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        WebSocketTransport.closeOnError(ctx, cause, null);
    }
}

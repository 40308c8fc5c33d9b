package org.halley.push.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import org.halley.config.PushConfig;
import org.halley.push.Cut;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.halley.push.wire.ClientMessages;
import org.halley.push.wire.ClientMessages.BadMessageException;

/**
 * One WebSocket of one session: envelopes down as text frames, client messages up (acknowledged on
 * the same socket). A browser silent for three heartbeat intervals is taken for dead (4002).
 *
 * <p>Not thread-safe; runs on the session's shard loop (the connection was moved there).
 */
final class WebSocketHandler extends org.halley.push.transport.AbstractDownstream {
    static final String TRANSPORT = "websocket";

    private int quietTicks; // heartbeat intervals without a frame from the client

    WebSocketHandler(Session session, long last, PushConfig config, PushCounters counters) {
        super(session, last, config, counters);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeComplete) {
            start0();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void tick() {
        if (++quietTicks >= 3) {
            session.cut0(this, Cut.BEHIND);
            return;
        }
        super.tick();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        quietTicks = 0;
        try {
            if (msg instanceof TextWebSocketFrame text && text.content().readableBytes() > config.maxMessageBytes()) {
                // One compressed frame that inflated past the limit, within the inflater's margin.
                counters.tooLarge();
                WebSocketTransport.close(ctx, WebSocketCloseCodes.MESSAGE_TOO_BIG, "message too big");
            } else if (msg instanceof TextWebSocketFrame text) {
                java.util.List<ClientMessages.ClientMessage> messages = ClientMessages.parse(text.text());
                if (!messages.isEmpty()) { // a heartbeat needs no ack
                    session.received0(messages, text.content().readableBytes());
                    session.ack0(this);
                }
            } else if (msg instanceof BinaryWebSocketFrame) {
                WebSocketTransport.close(ctx, WebSocketCloseCodes.UNSUPPORTED_DATA, "text frames only");
            } else if (!(msg instanceof WebSocketFrame)) {
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        } catch (BadMessageException e) {
            WebSocketTransport.close(ctx, WebSocketCloseCodes.POLICY_VIOLATION, e.getMessage());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        WebSocketTransport.closeOnError(ctx, cause, counters);
    }

    @Override
    public String transport() {
        return TRANSPORT;
    }

    @Override
    protected void writeFramed(byte[] envelope) {
        ChannelHandlerContext ctx = context();
        ctx.write(new TextWebSocketFrame(ctx.alloc().buffer(envelope.length).writeBytes(envelope)), ctx.voidPromise());
    }

    @Override
    protected void end(Cut cut) {
        WebSocketTransport.close(context(), WebSocketCloseCodes.code(cut), WebSocketCloseCodes.reason(cut));
    }
}

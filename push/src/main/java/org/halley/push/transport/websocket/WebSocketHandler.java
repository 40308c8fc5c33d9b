package org.halley.push.transport.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.halley.push.Cut;
import org.halley.push.Downstream;
import org.halley.push.Session;
import org.halley.push.wire.ClientMessages;
import org.halley.push.wire.ClientMessages.BadMessageException;

/**
 * One WebSocket of one session: envelopes down as text frames, client messages up. Closes with
 * 4403 (forbidden), 4000 (replaced by another connection), 4001 (session ended), 4002 (fell
 * behind: resume), 1001 (server going away), 1008 (bad message) or 1009 (too big, by Netty).
 *
 * <p>Not thread-safe; runs on the session's shard loop (the connection was moved there).
 */
final class WebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements Downstream {
    private final Session session; // null: unknown session or wrong token
    private final long last;
    private final Duration heartbeat;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> ticker;
    private long lastReadNanos = System.nanoTime();

    WebSocketHandler(Session session, long last, Duration heartbeat) {
        this.session = session;
        this.last = last;
        this.heartbeat = heartbeat;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeComplete) {
            if (session == null) {
                closeWith(4403, "forbidden");
                return;
            }
            session.attach0(this, last);
            long period = heartbeat.toMillis();
            ticker = ctx.executor().scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Heartbeat down; and a browser silent for three periods is taken for dead. */
    private void tick() {
        if (System.nanoTime() - lastReadNanos > 3 * heartbeat.toNanos()) {
            closeWith(4002, "no heartbeat from client");
            return;
        }
        session.heartbeat0(this);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        lastReadNanos = System.nanoTime();
        if (!(frame instanceof TextWebSocketFrame text) || session == null) {
            closeWith(1003, "text frames only");
            return;
        }
        try {
            session.received0(ClientMessages.parse(text.text()));
            session.ack0();
        } catch (BadMessageException e) {
            closeWith(1008, e.getMessage());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && session != null) {
            session.resume0(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ticker != null) {
            ticker.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---- Downstream ----

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void write(byte[] envelope) {
        ctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(envelope)), ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean acceptsMore() {
        return ctx.channel().isWritable();
    }

    @Override
    public void close(Cut cut, byte[] lastMessage) {
        if (lastMessage != null) {
            write(lastMessage);
        }
        switch (cut) {
            case REPLACED -> closeWith(4000, "replaced");
            case SESSION_ENDED -> closeWith(4001, "session ended");
            case BEHIND -> closeWith(4002, "fell behind; resume");
            case GOING_AWAY -> closeWith(1001, "going away");
        }
    }

    private void closeWith(int code, String reason) {
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (ctx.channel().isActive()) {
            String r = reason.length() > 100 ? reason.substring(0, 100) : reason; // a close reason is at most 123 bytes
            ctx.writeAndFlush(new CloseWebSocketFrame(code, r)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

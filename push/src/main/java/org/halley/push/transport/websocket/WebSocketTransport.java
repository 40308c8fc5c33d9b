package org.halley.push.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.halley.push.Session;
import org.halley.push.SessionIds;
import org.halley.push.Shard;
import org.halley.push.Shards;
import org.halley.push.http.HttpResponses;
import org.halley.push.http.PushHttpHandler;

/**
 * Upgrades {@code /push/ws} requests. The session is looked up on its shard after the connection
 * has moved there; an unknown session or wrong token still completes the handshake and is then
 * closed with 4403, because a browser cannot read the status of a refused handshake.
 */
public final class WebSocketTransport {
    public static final String PATH = "/push/ws";

    private final Shards shards;
    private final int maxMessageBytes;

    public WebSocketTransport(Shards shards, int maxMessageBytes) {
        this.shards = shards;
        this.maxMessageBytes = maxMessageBytes;
    }

    public void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        String id = PushHttpHandler.param(uri, "session");
        String token = PushHttpHandler.param(uri, "token");
        long last;
        try {
            String l = PushHttpHandler.param(uri, "last");
            last = l == null ? 0 : Long.parseLong(l);
            if (last < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            HttpResponses.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad-request", "last must be a whole number >= 0");
            return;
        }
        if (!SessionIds.isWellFormed(id) || token == null) {
            PushHttpHandler.forbidden(ctx, req);
            return;
        }
        Shard shard = shards.shardFor(id);
        req.retain();
        shard.adopt(ctx.channel(), () -> {
            Session session = shard.find0(id, token);
            ChannelPipeline p = ctx.pipeline();
            p.addAfter(ctx.name(), "ws-protocol", new WebSocketServerProtocolHandler(protocolConfig()));
            p.addAfter("ws-protocol", "ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
            p.addAfter("ws-aggregator", "ws-session", new WebSocketHandler(session, last, shards.heartbeat()));
            ctx.fireChannelRead(req); // the protocol handler answers the handshake and releases req
            p.remove(ctx.handler());
            if (p.get("app") != null) {
                p.remove("app");
            }
        });
    }

    private WebSocketServerProtocolConfig protocolConfig() {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxMessageBytes)
                        .allowExtensions(false)
                        .withUTF8Validator(true)
                        .closeOnProtocolViolation(true)
                        .build())
                .build();
    }
}

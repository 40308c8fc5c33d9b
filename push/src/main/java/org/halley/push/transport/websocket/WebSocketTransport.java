package org.halley.push.transport.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;
import org.halley.config.PushConfig;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.jspecify.annotations.Nullable;

/**
 * Upgrades {@code /push/ws} requests and builds the WebSocket pipeline: protocol (handshake,
 * pings, the closing handshake, UTF-8 and frame checks), optional permessage-deflate with a bound
 * on the inflated size, aggregation of fragments up to {@code max-message-bytes}, then the
 * endpoint. An unknown session or wrong token still completes the handshake and is then closed with
 * 4403 (another node's session: 4421), because a browser cannot read the status of a refused
 * handshake.
 */
public final class WebSocketTransport {
    public static final String PATH = "/push/ws";
    /** Events smaller than this go uncompressed: deflating them gains little and costs zlib state. */
    static final int COMPRESS_FROM_BYTES = 1024;

    private final PushConfig config;
    private final PushCounters counters;

    public WebSocketTransport(PushConfig config, PushCounters counters) {
        this.config = config;
        this.counters = counters;
    }

    /**
     * Completes the handshake for {@code session} (null: closes with 4403 once open). On the
     * session's shard loop; takes over the caller's reference to {@code req}.
     */
    public void upgrade0(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable Session session, long last) {
        ChannelHandler endpoint = session == null
                ? new Refused(WebSocketCloseCodes.FORBIDDEN, "forbidden")
                : new WebSocketHandler(session, last, config, counters);
        install(ctx, req, PATH, config, endpoint);
    }

    /**
     * Completes the handshake for a session a draining node sent away and closes with 4410 (the
     * client missed its {@code going-away}). On the session's shard loop; takes over the caller's
     * reference to {@code req}.
     */
    public void wentAway0(ChannelHandlerContext ctx, FullHttpRequest req) {
        install(ctx, req, PATH, config, new Refused(WebSocketCloseCodes.WENT_AWAY, "going away"));
    }

    /**
     * Completes the handshake for a session of another node and closes with 4421: the load
     * balancer could not reach that node (it is down) or routes wrongly, and a browser cannot read
     * the status of a refused handshake. Any loop; takes over the caller's reference to {@code req}.
     */
    public void misdirected(ChannelHandlerContext ctx, FullHttpRequest req) {
        install(ctx, req, PATH, config, new Refused(WebSocketCloseCodes.MISDIRECTED, "wrong node"));
    }

    /**
     * Replaces the HTTP handlers from {@code ctx} on with the WebSocket pipeline ending in {@code
     * endpoint}, and answers the handshake. Takes over the caller's reference to {@code req}. The
     * conformance test server uses it with an echo endpoint.
     */
    public static void install(ChannelHandlerContext ctx, FullHttpRequest req, String path, PushConfig config, ChannelHandler endpoint) {
        ChannelPipeline p = ctx.pipeline();
        String after = ctx.name();
        if (config.compression()) {
            p.addAfter(after, "ws-compression", new WebSocketServerExtensionHandler(deflate(config.maxMessageBytes())));
            after = "ws-compression";
        }
        p.addAfter(after, "ws-protocol", new WebSocketServerProtocolHandler(protocolConfig(path, config)));
        p.addAfter("ws-protocol", "ws-aggregator", new WebSocketFrameAggregator(config.maxMessageBytes()));
        p.addAfter("ws-aggregator", "ws-endpoint", endpoint);
        ctx.fireChannelRead(req); // the protocol handler answers the handshake and releases req
        p.remove(ctx.handler());
        for (String http : new String[] {"push", "app"}) {
            if (p.get(http) != null) {
                p.remove(http);
            }
        }
    }

    private static PerMessageDeflateServerExtensionHandshaker deflate(int maxMessageBytes) {
        WebSocketExtensionFilterProvider filters = new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return frame -> frame.content().readableBytes() < COMPRESS_FROM_BYTES;
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
        // maxAllocation bounds what one frame may inflate to; the aggregator bounds the message.
        return new PerMessageDeflateServerExtensionHandshaker(6, false, 15, true, false, filters, maxMessageBytes);
    }

    private static WebSocketServerProtocolConfig protocolConfig(String path, PushConfig config) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                .forceCloseTimeoutMillis(2_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.maxMessageBytes())
                        .allowExtensions(config.compression())
                        .withUTF8Validator(true)
                        // We answer violations ourselves (closeOnError): Netty's decoder sends no close
                        // code for a bad close frame, which the closing handshake requires.
                        .closeOnProtocolViolation(false)
                        .build())
                .build();
    }

    /** Sends a close frame with {@code code}, then closes the connection. */
    static void close(ChannelHandlerContext ctx, int code, String reason) {
        if (ctx.channel().isActive()) {
            String r = reason.length() > 100 ? reason.substring(0, 100) : reason; // at most 123 bytes
            ctx.writeAndFlush(new CloseWebSocketFrame(code, r)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Ends the connection after an error in the pipeline: 1009 for a message past the limit (also
     * one that inflates past it); the status the frame decoder chose for a protocol violation
     * (1002, 1007 for bad UTF-8).
     */
    public static void closeOnError(ChannelHandlerContext ctx, Throwable cause, @Nullable PushCounters counters) {
        if (cause instanceof TooLongFrameException || cause instanceof DecompressionException
                || cause instanceof CodecException && cause.getCause() instanceof DecompressionException) {
            if (counters != null) {
                counters.tooLarge();
            }
            close(ctx, WebSocketCloseCodes.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException c) {
            WebSocketCloseStatus status = c.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : c.closeStatus();
            int code = status.code();
            if (code == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code() && "Invalid close frame body".equals(c.getMessage())) {
                code = WebSocketCloseStatus.PROTOCOL_ERROR.code(); // a 1-byte close body: RFC 6455 makes it a protocol error
            }
            if (code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code() && counters != null) {
                counters.tooLarge();
            }
            close(ctx, code, c.getMessage() == null ? status.reasonText() : c.getMessage());
            return;
        }
        ctx.close();
    }

    /** The endpoint for a session this node cannot serve: closes with {@code code} once open. */
    private static final class Refused extends ChannelInboundHandlerAdapter {
        private final int code;
        private final String reason;

        Refused(int code, String reason) {
            this.code = code;
            this.reason = reason;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeComplete) {
                close(ctx, code, reason);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}

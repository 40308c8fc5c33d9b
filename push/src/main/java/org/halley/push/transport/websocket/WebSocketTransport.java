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
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;
import java.util.zip.DataFormatException;
import org.halley.config.PushConfig;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.jspecify.annotations.Nullable;

/**
 * Upgrades {@code /push/ws} requests and builds the WebSocket pipeline: RSV checks (RSV1 only
 * for permessage-deflate negotiated on this connection, see {@link RsvFrameValidator}), optional
 * permessage-deflate with a bound on the inflated size, protocol (handshake, pings, the closing
 * handshake, UTF-8 and frame checks), aggregation of fragments up to {@code max-message-bytes},
 * then the endpoint. An unknown session or wrong token still completes the handshake and is then
 * closed with 4403 (another node's session: 4421), because a browser cannot read the status of a
 * refused handshake.
 */
public final class WebSocketTransport {
    public static final String PATH = "/push/ws";
    /** Events smaller than this go uncompressed: deflating them gains little and costs zlib state. */
    static final int COMPRESS_FROM_BYTES = 1024;
    /** What a frame may inflate to beyond max-message-bytes before the inflater stops it. */
    static final int INFLATE_MARGIN = 64 * 1024;

    private final PushConfig config;
    private final PushCounters counters;
    private final @Nullable Endpoint endpoint;

    /**
     * What serves the WebSocket of a session once it is open. The session protocol ({@code
     * WebSocketHandler}) unless the conformance run puts an echo in its place.
     */
    @FunctionalInterface
    public interface Endpoint {
        /** A new handler for one connection of {@code session}, on the session's shard loop. */
        ChannelHandler create(Session session, long last);
    }

    public WebSocketTransport(PushConfig config, PushCounters counters) {
        this(config, counters, null);
    }

    /** With {@code endpoint} in place of the session protocol (null: the session protocol). */
    public WebSocketTransport(PushConfig config, PushCounters counters, @Nullable Endpoint endpoint) {
        this.config = config;
        this.counters = counters;
        this.endpoint = endpoint;
    }

    /**
     * Completes the handshake for {@code session} (null: closes with 4403 once open). On the
     * session's shard loop; takes over the caller's reference to {@code req}.
     */
    public void upgrade0(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable Session session, long last) {
        ChannelHandler handler = session == null ? new Refused(WebSocketCloseCodes.FORBIDDEN, "forbidden")
                : endpoint != null ? endpoint.create(session, last)
                : new WebSocketHandler(session, last, config, counters);
        install(ctx, req, config, handler);
    }

    /**
     * Completes the handshake for a session a draining node sent away and closes with 4410 (the
     * client missed its {@code going-away}). On the session's shard loop; takes over the caller's
     * reference to {@code req}.
     */
    public void wentAway0(ChannelHandlerContext ctx, FullHttpRequest req) {
        install(ctx, req, config, new Refused(WebSocketCloseCodes.WENT_AWAY, "going away"));
    }

    /**
     * Completes the handshake for a session of another node and closes with 4421: the load
     * balancer could not reach that node (it is down) or routes wrongly, and a browser cannot read
     * the status of a refused handshake. Any loop; takes over the caller's reference to {@code req}.
     */
    public void misdirected(ChannelHandlerContext ctx, FullHttpRequest req) {
        install(ctx, req, config, new Refused(WebSocketCloseCodes.MISDIRECTED, "wrong node"));
    }

    /**
     * Replaces the HTTP handlers from {@code ctx} on with the WebSocket pipeline ending in {@code
     * endpoint}, and answers the handshake. Takes over the caller's reference to {@code req}.
     */
    static void install(ChannelHandlerContext ctx, FullHttpRequest req, PushConfig config, ChannelHandler endpoint) {
        ChannelPipeline p = ctx.pipeline();
        // First after the frame decoder (which goes in before the HTTP codec, ahead of all these),
        // so no frame with RSV bits this connection does not allow reaches inflation or the protocol.
        WebSocketDecoderConfig frames = decoderConfig(config);
        RsvFrameValidator rsv = new RsvFrameValidator(frames);
        p.addAfter(ctx.name(), "ws-rsv", rsv);
        String after = "ws-rsv";
        if (config.compression()) {
            p.addAfter(after, "ws-compression", new WebSocketServerExtensionHandler(deflate(config.maxMessageBytes(), rsv)));
            after = "ws-compression";
        }
        p.addAfter(after, "ws-protocol", new WebSocketServerProtocolHandler(protocolConfig(frames)));
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

    /**
     * permessage-deflate as Netty negotiates it: server_no_context_takeover and
     * client_max_window_bits are accepted; server_max_window_bits is declined (the JDK's zlib
     * deflates with a 15-bit window only), and so is an offer with a malformed value (RFC 7692 5,
     * where Netty would throw). Tells {@code rsv} when it is in force on the connection.
     */
    private static WebSocketServerExtensionHandshaker deflate(int maxMessageBytes, RsvFrameValidator rsv) {
        PerMessageDeflateServerExtensionHandshaker netty = permessageDeflate(maxMessageBytes);
        return offer -> {
            WebSocketServerExtension accepted;
            try {
                accepted = netty.handshakeExtension(offer);
            } catch (NumberFormatException malformed) {
                return null;
            }
            return accepted == null ? null : new Negotiated(accepted, rsv);
        };
    }

    private static PerMessageDeflateServerExtensionHandshaker permessageDeflate(int maxMessageBytes) {
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
        // maxAllocation bounds what one frame may inflate to (in memory); the aggregator bounds a
        // message in fragments, the endpoint one in a single frame, exactly. Netty's inflater fails
        // when less than its output step (512 bytes in 4.2) is left below maxAllocation, even when
        // the frame ends there: the margin lets a message of exactly max-message-bytes through.
        return new PerMessageDeflateServerExtensionHandshaker(6, false, 15, true, false, filters, maxMessageBytes + INFLATE_MARGIN);
    }

    private static WebSocketServerProtocolConfig protocolConfig(WebSocketDecoderConfig frames) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                .forceCloseTimeoutMillis(2_000)
                .decoderConfig(frames)
                .build();
    }

    /** The frame decoder's settings: extensions off until one is agreed (see RsvFrameValidator). */
    private static WebSocketDecoderConfig decoderConfig(PushConfig config) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.maxMessageBytes())
                .allowExtensions(false)
                .withUTF8Validator(true)
                // We answer violations ourselves (closeOnError): Netty's decoder sends no close
                // code for a bad close frame, which the closing handshake requires.
                .closeOnProtocolViolation(false)
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
     * one that inflates past it); 1007 for compressed data that does not inflate; the status the
     * frame decoder or the RSV check chose for a protocol violation (1002, 1007 for bad UTF-8).
     */
    public static void closeOnError(ChannelHandlerContext ctx, Throwable cause, @Nullable PushCounters counters) {
        DecompressionException inflating = cause instanceof DecompressionException d ? d
                : cause instanceof CodecException && cause.getCause() instanceof DecompressionException d ? d : null;
        if (inflating != null && inflating.getCause() instanceof DataFormatException) {
            close(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), "invalid compressed data");
            return;
        }
        // Without a cause, Netty's inflater says its output reached its bound (see permessageDeflate).
        if (cause instanceof TooLongFrameException || inflating != null) {
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

    /** A negotiated extension that tells the RSV check when its decoder goes in. */
    private record Negotiated(WebSocketServerExtension extension, RsvFrameValidator validator) implements WebSocketServerExtension {
        @Override
        public int rsv() {
            return extension.rsv();
        }

        @Override
        public WebSocketExtensionEncoder newExtensionEncoder() {
            return extension.newExtensionEncoder();
        }

        @Override
        public WebSocketExtensionDecoder newExtensionDecoder() {
            validator.deflateNegotiated(); // Netty asks for the decoder once the 101 answer is written
            return extension.newExtensionDecoder();
        }

        @Override
        public WebSocketExtensionData newReponseData() {
            return extension.newReponseData();
        }
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

package org.halley.push.http;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CREATED;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.GONE;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_URI_TOO_LONG;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.TOO_MANY_REQUESTS;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.halley.config.PushConfig;
import org.halley.push.ClientInfo;
import org.halley.push.Session;
import org.halley.push.SessionIds;
import org.halley.push.Shard;
import org.halley.push.Shards;
import org.halley.push.api.PushApiHandler;
import org.halley.push.transport.HttpStreamHandler;
import org.halley.push.transport.iframe.IframeChunkEncoder;
import org.halley.push.transport.iframe.IframeHandler;
import org.halley.push.transport.longpolling.LongPollHandler;
import org.halley.push.transport.sse.SseHandler;
import org.halley.push.transport.websocket.WebSocketTransport;
import org.halley.push.transport.xhrstreaming.XhrStreamingHandler;
import org.halley.push.wire.ClientMessages;
import org.halley.push.wire.ClientMessages.BadMessageException;
import org.halley.push.wire.ClientMessages.ClientMessage;
import org.jspecify.annotations.Nullable;

/**
 * Routes {@code /push/*}; passes every other request on to the application's handler. Checks the
 * request, its origin and its token before anything else; a wrong or unknown token gets the same
 * 403 (it reveals nothing about which sessions exist). A request naming a session moves the
 * connection to the session's shard first ({@link Shard#adopt}).
 *
 * <p>One per connection; runs on the connection's loop, then on the session's shard loop once
 * the connection has been moved there. Requests on one connection are handled one at a time; a
 * client that pipelines a request while another is in progress (or a stream is open) is cut.
 */
public final class PushHttpHandler extends ChannelInboundHandlerAdapter {
    public static final String PREFIX = "/push/";
    public static final String TOKEN_HEADER = "X-Halley-Token";
    private static final SecureRandom NONCES = new SecureRandom();

    private final Shards sessions;
    private final Origins origins;
    private final Function<ClientInfo, String> clientKey;
    private final PushConfig config;
    private final WebSocketTransport websocket;
    private final @Nullable PushApiHandler api;
    private boolean busy;

    public PushHttpHandler(Shards sessions, Origins origins, Function<ClientInfo, String> clientKey, PushConfig config,
            WebSocketTransport websocket, @Nullable PushApiHandler api) {
        this.sessions = sessions;
        this.origins = origins;
        this.clientKey = clientKey;
        this.config = config;
        this.websocket = websocket;
        this.api = api;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (busy) {
            ReferenceCountUtil.release(req);
            ctx.close(); // a pipelined request: unsupported
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        if (!path.startsWith(PREFIX) && !path.equals("/push") && req.decoderResult().isSuccess()) {
            ctx.fireChannelRead(req); // the application's pages
            return;
        }
        busy = true;
        boolean async = false;
        try {
            async = route(ctx, req, uri, path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "");
        } finally {
            if (!async) {
                busy = false;
                req.release();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset connection, or a decoder failure: nothing to answer
    }

    /** Handles one request; true when it goes on asynchronously and took over {@code req}. */
    private boolean route(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String route) {
        if (!req.decoderResult().isSuccess()) {
            Throwable cause = req.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                HttpResponses.error(ctx, req, REQUEST_URI_TOO_LONG, "too-long", "the request line is too long");
            } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                HttpResponses.error(ctx, req, REQUEST_HEADER_FIELDS_TOO_LARGE, "too-long", "the request headers are too large");
            } else {
                HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", "malformed HTTP request");
            }
            return false;
        }
        if (route.startsWith("api/") || route.equals("api")) {
            if (api == null) {
                HttpResponses.error(ctx, req, NOT_FOUND, "not-found", "the push API is off (server.push.api-secret)");
                return false;
            }
            return api.handle(ctx, req, uri, route.substring(Math.min(route.length(), 4)), () -> busy = false);
        }
        if (!origins.allows(req)) {
            HttpResponses.error(ctx, req, FORBIDDEN, "origin", "this origin may not use this server");
            return false;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            preflight(ctx, req);
            return false;
        }
        return switch (route) {
            case "session" -> expect(ctx, req, HttpMethod.POST) && create(ctx, req);
            case "send" -> expect(ctx, req, HttpMethod.POST) && send(ctx, req, uri);
            case "close" -> expect(ctx, req, HttpMethod.POST) && withSession(ctx, req, uri, s -> {
                s.close0("client-closed");
                HttpResponses.json(ctx, req, OK, "{}", cors(req));
            });
            case "ws" -> expect(ctx, req, HttpMethod.GET) && websocket(ctx, req, uri);
            case "sse" -> expect(ctx, req, HttpMethod.GET) && stream(ctx, req, uri, SseHandler.TRANSPORT);
            case "stream" -> expect(ctx, req, HttpMethod.GET) && stream(ctx, req, uri, XhrStreamingHandler.TRANSPORT);
            case "iframe" -> expect(ctx, req, HttpMethod.GET) && stream(ctx, req, uri, IframeHandler.TRANSPORT);
            case "poll" -> expect(ctx, req, HttpMethod.GET) && poll(ctx, req, uri);
            default -> {
                HttpResponses.error(ctx, req, NOT_FOUND, "not-found", "no such push endpoint");
                yield false;
            }
        };
    }

    private boolean expect(ChannelHandlerContext ctx, FullHttpRequest req, HttpMethod method) {
        if (req.method().equals(method)) {
            return true;
        }
        HttpHeaders allow = new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, method.name());
        HttpResponses.json(ctx, req, METHOD_NOT_ALLOWED,
                "{\"error\":\"method\",\"message\":\"use " + method.name() + "\"}", allow);
        return false;
    }

    private boolean create(ChannelHandlerContext ctx, FullHttpRequest req) {
        ClientInfo client = clientInfo(ctx, req);
        String key = clientKey.apply(client);
        String refused = sessions.admit(key);
        if (refused != null) {
            refuse(ctx, req, refused);
            return false;
        }
        Session s = sessions.create(client, key);
        HttpResponses.json(ctx, req, CREATED, created(s, sessions), cors(req));
        return false;
    }

    /** The answer to a session creation: {@code {"session":..,"token":..,"heartbeat":..}}. */
    public static String created(Session s, Shards sessions) {
        return "{\"session\":\"" + s.id() + "\",\"token\":\"" + s.token() + "\",\"heartbeat\":"
                + sessions.heartbeat().toMillis() + "}";
    }

    /** 503 or 429 for a refused admission. */
    public static void refuse(ChannelHandlerContext ctx, FullHttpRequest req, String refused) {
        switch (refused) {
            case "server-full" -> HttpResponses.error(ctx, req, SERVICE_UNAVAILABLE, refused,
                    "this server has as many sessions as it may hold; try again later");
            case "draining" -> HttpResponses.error(ctx, req, SERVICE_UNAVAILABLE, refused,
                    "this server is shutting down; try again (the load balancer sends you to another)");
            default -> HttpResponses.error(ctx, req, TOO_MANY_REQUESTS, refused,
                    "too many sessions from your address; close another tab or wait");
        }
    }

    private boolean send(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        List<ClientMessage> messages;
        int bytes = req.content().readableBytes();
        try {
            String body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(req.content().nioBuffer()).toString();
            messages = ClientMessages.parse(body);
        } catch (CharacterCodingException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-message", "body is not UTF-8");
            return false;
        } catch (BadMessageException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-message", e.getMessage());
            return false;
        }
        return withSession(ctx, req, uri, s -> {
            s.received0(messages, bytes);
            HttpResponses.json(ctx, req, OK, "{\"ack\":" + s.lastClientSeq0() + "}", cors(req));
        });
    }

    private boolean websocket(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        Long last = last(ctx, req, uri, false);
        if (last == null) {
            return false;
        }
        String id = param(uri, "session");
        if (id != null && SessionIds.isWellFormed(id) && !SessionIds.node(id).equals(sessions.node())) {
            sessions.counters().misdirected();
            websocket.misdirected(ctx, req);
            return true;
        }
        String[] target = target(ctx, req, uri);
        if (target == null) {
            return false;
        }
        Shard shard = sessions.shardFor(target[0]);
        shard.adopt(ctx.channel(), () -> {
            Session s = shard.find0(target[0], target[1]);
            if (s == null && shard.wentAway0(target[0], target[1])) {
                websocket.wentAway0(ctx, req);
                return;
            }
            if (s == null) {
                sessions.counters().forbidden();
            }
            websocket.upgrade0(ctx, req, s, last);
        });
        return true;
    }

    private boolean stream(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String transport) {
        Long last = last(ctx, req, uri, transport.equals(SseHandler.TRANSPORT));
        if (last == null) {
            return false;
        }
        IframeChunkEncoder iframe = null;
        if (transport.equals(IframeHandler.TRANSPORT)) {
            String callback = param(uri, "callback");
            if (callback == null || !IframeChunkEncoder.CALLBACK.matcher(callback).matches()) {
                HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request",
                        "callback must be a plain JavaScript identifier ([A-Za-z_$][A-Za-z0-9_$]*, at most 64)");
                return false;
            }
            byte[] nonce = new byte[16];
            NONCES.nextBytes(nonce);
            iframe = new IframeChunkEncoder(callback, Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        }
        IframeChunkEncoder encoder = iframe;
        HttpHeaders headers = cors(req);
        return withSession(ctx, req, uri, s -> {
            HttpStreamHandler h = switch (transport) {
                case SseHandler.TRANSPORT -> new SseHandler(headers, s, last, config, sessions.counters());
                case XhrStreamingHandler.TRANSPORT -> new XhrStreamingHandler(headers, s, last, config, sessions.counters());
                default -> {
                    headers.set("Content-Security-Policy", encoder.contentSecurityPolicy());
                    yield new IframeHandler(encoder, headers, s, last, config, sessions.counters());
                }
            };
            ctx.pipeline().addAfter(ctx.name(), "push-stream", h);
            h.begin0(); // stays busy: nothing may follow on this connection
        }, true);
    }

    private boolean poll(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        Long last = last(ctx, req, uri, false);
        if (last == null) {
            return false;
        }
        boolean wait = !"0".equals(param(uri, "wait"));
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpHeaders headers = cors(req);
        return withSession(ctx, req, uri, s -> {
            LongPollHandler h = new LongPollHandler(headers, keepAlive, wait, () -> busy = false, s, last, config,
                    sessions.counters());
            ctx.pipeline().addAfter(ctx.name(), "push-poll", h);
            h.begin0();
        }, true);
    }

    /** {@code last} from the query (or, for SSE, {@code Last-Event-ID}); null after answering 400. */
    private static @Nullable Long last(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, boolean sse) {
        String l = param(uri, "last");
        if (sse && req.headers().contains("Last-Event-ID")) {
            l = req.headers().get("Last-Event-ID");
        }
        try {
            long last = l == null ? 0 : Long.parseLong(l);
            if (last < 0) {
                throw new NumberFormatException();
            }
            return last;
        } catch (NumberFormatException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", "last must be a whole number >= 0");
            return null;
        }
    }

    private boolean withSession(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, Consumer<Session> then) {
        return withSession(ctx, req, uri, then, false);
    }

    /**
     * Finds the session named by the request, moves the connection to its shard and runs {@code
     * then} there; or answers 403. Returns true (the request goes on asynchronously) unless it
     * answered at once. With {@code holds}, the connection stays busy after {@code then} (a stream
     * or a poll frees it itself).
     */
    private boolean withSession(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, Consumer<Session> then,
            boolean holds) {
        String[] target = target(ctx, req, uri);
        if (target == null) {
            return false;
        }
        Shard shard = sessions.shardFor(target[0]);
        shard.adopt(ctx.channel(), () -> {
            boolean held = false;
            try {
                Session s = shard.find0(target[0], target[1]);
                if (s == null && shard.wentAway0(target[0], target[1])) {
                    HttpResponses.error(ctx, req, GONE, "going-away",
                            "this server is shutting down and sent the session away; make a new one (the load balancer sends you to another server)");
                } else if (s == null) {
                    sessions.counters().forbidden();
                    forbidden(ctx, req);
                } else {
                    then.accept(s);
                    held = holds;
                }
            } finally {
                req.release();
                if (!held) {
                    busy = false;
                }
            }
        });
        return true;
    }

    /**
     * The session id and token the request names, or null after answering: 403 when either is
     * missing or malformed, 421 when the session belongs to another node.
     */
    private String @Nullable [] target(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        String id = param(uri, "session");
        String token = token(req, uri);
        if (id == null || !SessionIds.isWellFormed(id) || token == null) {
            forbidden(ctx, req);
            return null;
        }
        String owner = SessionIds.node(id);
        if (!owner.equals(sessions.node())) {
            sessions.counters().misdirected();
            HttpResponses.misdirected(ctx, req, "session", owner, cors(req));
            return null;
        }
        return new String[] {id, token};
    }

    private static @Nullable String token(FullHttpRequest req, QueryStringDecoder uri) {
        String token = req.headers().get(TOKEN_HEADER);
        return token != null ? token : param(uri, "token");
    }

    public static void forbidden(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpResponses.error(ctx, req, FORBIDDEN, "forbidden", "no such session, or wrong token");
    }

    private void preflight(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
        res.headers().add(cors(req));
        res.headers().set("Access-Control-Allow-Methods", "GET, POST");
        res.headers().set("Access-Control-Allow-Headers", "Content-Type, " + TOKEN_HEADER);
        res.headers().set("Access-Control-Max-Age", "600");
        HttpResponses.secure(res.headers());
        HttpResponses.send(ctx, req, res);
    }

    /** CORS headers for a listed origin (none otherwise: same-origin needs none). */
    HttpHeaders cors(FullHttpRequest req) {
        HttpHeaders h = new DefaultHttpHeaders();
        String origin = Origins.of(req);
        if (origins.listed(origin)) {
            h.set("Access-Control-Allow-Origin", origin);
            h.set(HttpHeaderNames.VARY, "Origin");
        }
        return h;
    }

    public static @Nullable String param(QueryStringDecoder uri, String name) {
        List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public static ClientInfo clientInfo(ChannelHandlerContext ctx, FullHttpRequest req) {
        List<String> hops = new ArrayList<>();
        for (String h : req.headers().getAll("X-Forwarded-For")) {
            for (String hop : h.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN, "");
        String ua = req.headers().get(HttpHeaderNames.USER_AGENT, "");
        return new ClientInfo((InetSocketAddress) ctx.channel().remoteAddress(), hops, origin,
                ua.length() > 512 ? ua.substring(0, 512) : ua);
    }
}

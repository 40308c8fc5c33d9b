package org.halley.push.http;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CREATED;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.TOO_MANY_REQUESTS;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.halley.push.ClientInfo;
import org.halley.push.Session;
import org.halley.push.SessionIds;
import org.halley.push.Shard;
import org.halley.push.Shards;
import org.halley.push.transport.websocket.WebSocketTransport;
import org.halley.push.wire.ClientMessages;
import org.halley.push.wire.ClientMessages.BadMessageException;
import org.halley.push.wire.ClientMessages.ClientMessage;

/**
 * Routes {@code /push/*}; passes every other request on to the application's handler. Checks
 * origin and token before anything else; a wrong or unknown token gets the same 403 (it reveals
 * nothing about which sessions exist).
 *
 * <p>One per connection; runs on the connection's loop, then on the session's shard loop once
 * the connection has been moved there.
 */
public final class PushHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PREFIX = "/push/";
    public static final String TOKEN_HEADER = "X-Halley-Token";

    private final Shards sessions;
    private final Origins origins;
    private final Function<ClientInfo, String> clientKey;
    private final WebSocketTransport websocket;

    public PushHttpHandler(Shards sessions, Origins origins, Function<ClientInfo, String> clientKey, WebSocketTransport websocket) {
        super(false);
        this.sessions = sessions;
        this.origins = origins;
        this.clientKey = clientKey;
        this.websocket = websocket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        if (!path.startsWith(PREFIX) && !path.equals("/push")) {
            ctx.fireChannelRead(req); // the application's pages
            return;
        }
        try {
            route(ctx, req, uri, path.substring(Math.min(path.length(), PREFIX.length())));
        } finally {
            req.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String route) {
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", "malformed HTTP request");
            return;
        }
        if (!origins.allows(req)) {
            HttpResponses.error(ctx, req, FORBIDDEN, "origin", "this origin may not use this server");
            return;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            preflight(ctx, req);
            return;
        }
        switch (route) {
            case "session" -> {
                if (expect(ctx, req, HttpMethod.POST)) {
                    create(ctx, req);
                }
            }
            case "send" -> {
                if (expect(ctx, req, HttpMethod.POST)) {
                    send(ctx, req, uri);
                }
            }
            case "close" -> {
                if (expect(ctx, req, HttpMethod.POST)) {
                    withSession(ctx, req, uri, s -> {
                        s.close0("client-closed");
                        HttpResponses.json(ctx, req, OK, "{}", cors(req));
                    });
                }
            }
            case "ws" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    websocket.upgrade(ctx, req, uri);
                }
            }
            default -> HttpResponses.error(ctx, req, NOT_FOUND, "not-found", "no such push endpoint");
        }
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

    private void create(ChannelHandlerContext ctx, FullHttpRequest req) {
        ClientInfo client = clientInfo(ctx, req);
        String key = clientKey.apply(client);
        String refused = sessions.admit(key);
        if (refused != null) {
            HttpResponseStatus status = refused.equals("server-full") ? SERVICE_UNAVAILABLE : TOO_MANY_REQUESTS;
            String why = refused.equals("server-full")
                    ? "this server has as many sessions as it may hold; try again later"
                    : "too many sessions from your address; close another tab or wait";
            HttpResponses.error(ctx, req, status, refused, why);
            return;
        }
        Session s = sessions.create(client, key);
        HttpResponses.json(ctx, req, CREATED, "{\"session\":\"" + s.id() + "\",\"token\":\"" + s.token()
                + "\",\"heartbeat\":" + sessions.heartbeat().toMillis() + "}", cors(req));
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        List<ClientMessage> messages;
        try {
            String body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(req.content().nioBuffer()).toString();
            messages = ClientMessages.parse(body);
        } catch (CharacterCodingException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-message", "body is not UTF-8");
            return;
        } catch (BadMessageException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-message", e.getMessage());
            return;
        }
        withSession(ctx, req, uri, s -> {
            s.received0(messages);
            s.ack0();
            HttpResponses.json(ctx, req, OK, "{\"ack\":" + s.lastClientSeq0() + "}", cors(req));
        });
    }

    /**
     * Finds the session named by the request, moves the connection to its shard and runs {@code
     * then} there; or answers 403.
     */
    private void withSession(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, java.util.function.Consumer<Session> then) {
        String id = param(uri, "session");
        String token = req.headers().get(TOKEN_HEADER);
        if (token == null) {
            token = param(uri, "token");
        }
        if (!SessionIds.isWellFormed(id) || token == null) {
            forbidden(ctx, req);
            return;
        }
        String t = token;
        Shard shard = sessions.shardFor(id);
        req.retain();
        shard.adopt(ctx.channel(), () -> {
            try {
                Session s = shard.find0(id, t);
                if (s == null) {
                    forbidden(ctx, req);
                } else {
                    then.accept(s);
                }
            } finally {
                req.release();
            }
        });
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

    public static String param(QueryStringDecoder uri, String name) {
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

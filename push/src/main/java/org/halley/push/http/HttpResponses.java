package org.halley.push.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses of the push core: JSON, never cached, never sniffed. */
public final class HttpResponses {
    private HttpResponses() {}

    /** Headers every push response carries. */
    public static void secure(HttpHeaders h) {
        h.set("X-Content-Type-Options", "nosniff");
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        h.set("Referrer-Policy", "no-referrer");
    }

    public static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String json) {
        json(ctx, req, status, json, null);
    }

    /** Sends {@code json}; keeps the connection if the request allows, unless the status is an error that ends it. */
    public static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String json, HttpHeaders extra) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        secure(res.headers());
        if (extra != null) {
            res.headers().add(extra);
        }
        send(ctx, req, res);
    }

    /** {@code {"error":"<code>","message":"<reason>"}}: a short code for programs, a reason for people. */
    public static void error(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String code, String message) {
        json(ctx, req, status, "{\"error\":" + quote(code) + ",\"message\":" + quote(message) + "}");
    }

    /**
     * 421: the {@code what} ({@code session}, {@code user}) belongs to node {@code owner}: a load
     * balancer routes a session by its id's prefix, an application a user by consistent hashing.
     */
    public static void misdirected(ChannelHandlerContext ctx, HttpRequest req, String what, String owner, HttpHeaders extra) {
        json(ctx, req, HttpResponseStatus.MISDIRECTED_REQUEST, "{\"error\":\"wrong-node\",\"message\":\"this " + what
                + " belongs to node " + owner + "\",\"node\":\"" + owner + "\"}", extra);
    }

    public static void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
        HttpUtil.setContentLength(res, res.content().readableBytes());
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req) && res.status().code() < 400;
        if (keepAlive) {
            if (!req.protocolVersion().isKeepAliveDefault()) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A JSON string literal of {@code s}, with script-unsafe characters escaped. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}

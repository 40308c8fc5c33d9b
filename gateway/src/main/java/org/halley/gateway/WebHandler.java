package org.halley.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.halley.push.http.HttpResponses;

/**
 * Everything outside {@code /push/}: the chat page and its assets, {@code /api/networks} for the
 * connect screen, {@code /healthz} and {@code /readyz}. Answers from memory, so it may run on any
 * event loop; {@code /metrics} and {@code /admin/} go to {@link AdminHandler}.
 */
@ChannelHandler.Sharable
final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final StaticFiles files;
    private final Supplier<String> networksJson;
    private final String csp;
    private final Gateway gateway;
    private final AdminHandler admin;

    WebHandler(StaticFiles files, Supplier<String> networksJson, String csp, Gateway gateway, AdminHandler admin) {
        this.files = files;
        this.networksJson = networksJson;
        this.csp = csp;
        this.gateway = gateway;
        this.admin = admin;
    }

    /**
     * The chat page's Content-Security-Policy: only its own files run (no inline script, no eval,
     * no inline style attributes), it talks only to Halley, and only Halley's own pages and
     * {@code frameAncestors} (server.allowed-origins) may frame it. The WebSocket origin is named
     * as well as 'self' because older Safari does not count ws: as 'self'.
     */
    static String contentSecurityPolicy(URI publicUrl, List<String> frameAncestors) {
        String ws = (publicUrl.getScheme().equalsIgnoreCase("https") ? "wss://" : "ws://") + publicUrl.getRawAuthority();
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src 'self' " + ws + "; frame-src 'self'; manifest-src 'self'; object-src 'none'; "
                + "base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'self'" + (frameAncestors.isEmpty() ? "" : " " + String.join(" ", frameAncestors));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.error(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad-request", "malformed HTTP request");
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (AdminHandler.handles(path)) {
            admin.handle(ctx, req, path); // /metrics and /admin/...
            return;
        }
        if (!req.method().equals(HttpMethod.GET)) {
            HttpResponses.error(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "method", "use GET");
            return;
        }
        switch (path) {
            case "/healthz" -> text(ctx, req, HttpResponseStatus.OK, "ok\n");
            case "/readyz" -> {
                Readiness.Status r = gateway.readiness();
                text(ctx, req, r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, r.body());
            }
            case "/api/networks" -> HttpResponses.json(ctx, req, HttpResponseStatus.OK, networksJson.get());
            default -> asset(ctx, req, path);
        }
    }

    private void asset(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        StaticFiles.Asset a = files.get(path);
        if (a == null) {
            HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not-found", "no such page");
            return;
        }
        FullHttpResponse res;
        if (a.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        } else {
            res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(a.bytes()));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
        }
        res.headers().set(HttpHeaderNames.ETAG, a.etag());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().set("Referrer-Policy", "no-referrer");
        if (a.contentType().startsWith("text/html")) {
            res.headers().set("Content-Security-Policy", csp);
        }
        HttpResponses.send(ctx, req, res);
    }

    private static void text(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpResponses.secure(res.headers());
        HttpResponses.send(ctx, req, res);
    }
}

package org.halley.gateway;

import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.halley.config.AdminConfig;
import org.halley.config.Secret;
import org.halley.push.PushServer;
import org.halley.push.SessionIds;
import org.halley.push.SessionSummary;
import org.halley.push.http.HttpResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} and the operator's endpoint {@code /admin/...}:
 *
 * <ul>
 *   <li>{@code GET /admin/sessions[?limit=N]}: every session (id, user, transport, networks, age,
 *       buffer use), oldest first
 *   <li>{@code DELETE /admin/sessions/{id}[?reason=r]}: ends one session (the browser is told
 *       {@code r}; its networks are left)
 *   <li>{@code POST /admin/reload}: reads the config file again and applies what may change at run
 *       time; a config with mistakes changes nothing and the answer says why (422, within a
 *       second); while another reload runs, or when this one outlasts its deadline, 503 {@code
 *       "busy"} with Retry-After (see {@link ConfigReload.Runner})
 * </ul>
 *
 * Every admin request carries {@code Authorization: Bearer <admin.secret>} (else 401); one with an
 * {@code Origin} header is refused (403), so no web page can drive it from a browser, whatever
 * the browser holds. Without {@code admin.secret} the admin endpoint is off (404). {@code /metrics}
 * is open unless {@code admin.protect-metrics}.
 *
 * <p>Threads: checks run on the connection's event loop (cheap); the work (a scrape, a listing
 * that waits on every shard, a reload that reads files and builds bridges) runs on the one
 * {@code halley-ops} thread, and the answer is written back on the connection's loop. Reading
 * pauses meanwhile, so answers keep their order.
 */
final class AdminHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("halley.admin.busy");
    private static final JsonFactory JSON = new JsonFactory();

    private final Gateway gateway;
    private final HalleyMetrics metrics;
    private final Supplier<AdminConfig> config;
    private final ExecutorService work = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(16),
            Thread.ofPlatform().name("halley-ops").daemon().factory());

    AdminHandler(Gateway gateway, HalleyMetrics metrics, Supplier<AdminConfig> config) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.config = config;
    }

    static boolean handles(String path) {
        return path.equals("/metrics") || path.equals("/admin") || path.startsWith("/admin/");
    }

    /** On the connection's loop. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest full, String path) {
        HttpRequest req = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers().copy());
        AdminConfig admin = config.get();
        if (path.equals("/metrics")) {
            if (!full.method().equals(HttpMethod.GET)) {
                HttpResponses.error(ctx, req, METHOD_NOT_ALLOWED, "method", "use GET");
                return;
            }
            if (admin.protectMetrics() && !authorized(ctx, req, admin)) {
                return;
            }
            later(ctx, req, () -> {
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, OK, Unpooled.wrappedBuffer(metrics.scrape()));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, HalleyMetrics.contentType());
                HttpResponses.secure(res.headers());
                return res;
            });
            return;
        }
        if (admin.secret().isEmpty()) {
            HttpResponses.error(ctx, req, NOT_FOUND, "not-found", "the admin endpoint is off (admin.secret)");
            return;
        }
        if (!authorized(ctx, req, admin)) {
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(full.uri());
        String route = path.length() > 7 ? path.substring(7) : "";
        HttpMethod method = full.method();
        if (route.equals("sessions") && method.equals(HttpMethod.GET)) {
            int limit = intParam(uri, "limit", 10_000);
            later(ctx, req, () -> json(OK, sessions(limit)));
        } else if (route.startsWith("sessions/") && method.equals(HttpMethod.DELETE)) {
            String id = route.substring("sessions/".length());
            String reason = param(uri, "reason");
            later(ctx, req, () -> end(id, reason == null ? "closed-by-operator" : reason));
        } else if (route.equals("reload") && method.equals(HttpMethod.POST)) {
            later(ctx, req, () -> {
                ConfigReload.Result r = gateway.reload("admin endpoint");
                if (r.busy()) {
                    FullHttpResponse res = json(SERVICE_UNAVAILABLE, r.toJson());
                    res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                    return res;
                }
                return json(r.ok() ? OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, r.toJson());
            });
        } else if (route.equals("sessions") || route.startsWith("sessions/") || route.equals("reload")) {
            HttpResponses.error(ctx, req, METHOD_NOT_ALLOWED, "method",
                    route.equals("reload") ? "use POST" : route.equals("sessions") ? "use GET" : "use DELETE");
        } else {
            HttpResponses.error(ctx, req, NOT_FOUND, "not-found", "no such admin endpoint (sessions, sessions/{id}, reload)");
        }
    }

    /** False after answering 403 (an Origin: a browser) or 401 (no or a wrong token). */
    private static boolean authorized(ChannelHandlerContext ctx, HttpRequest req, AdminConfig admin) {
        if (req.headers().contains(HttpHeaderNames.ORIGIN)) {
            HttpResponses.error(ctx, req, FORBIDDEN, "origin", "the admin endpoint is for operators' tools; browsers may not call it");
            return false;
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        Secret secret = admin.secret().orElse(null);
        byte[] expected = secret == null ? null : ("Bearer " + secret.value()).getBytes(StandardCharsets.UTF_8);
        if (auth == null || expected == null || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
            HttpResponses.json(ctx, req, UNAUTHORIZED, "{\"error\":\"unauthorized\",\"message\":\"send Authorization: Bearer <admin.secret>\"}",
                    new DefaultHttpHeaders().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"halley-admin\""));
            return false;
        }
        return true;
    }

    /** Runs {@code answer} on halley-ops and writes what it gives on the connection's loop. */
    private void later(ChannelHandlerContext ctx, HttpRequest req, Supplier<FullHttpResponse> answer) {
        if (Boolean.TRUE.equals(ctx.channel().attr(BUSY).get())) {
            ctx.close(); // a pipelined request while one is in progress: unsupported
            return;
        }
        ctx.channel().attr(BUSY).set(true);
        ctx.channel().config().setAutoRead(false);
        try {
            work.execute(() -> {
                FullHttpResponse res;
                try {
                    res = answer.get();
                } catch (RuntimeException | Error e) { // answered whatever happens: a client never waits for nothing
                    log.warn("admin request {} {} failed", req.method(), new QueryStringDecoder(req.uri()).path(), e);
                    res = json(INTERNAL_SERVER_ERROR, "{\"error\":\"internal\",\"message\":\"failed; see the log\"}");
                }
                FullHttpResponse done = res;
                ctx.executor().execute(() -> {
                    ctx.channel().attr(BUSY).set(false);
                    ctx.channel().config().setAutoRead(true);
                    HttpResponses.send(ctx, req, done);
                });
            });
        } catch (RejectedExecutionException e) {
            ctx.channel().attr(BUSY).set(false);
            ctx.channel().config().setAutoRead(true);
            HttpResponses.error(ctx, req, SERVICE_UNAVAILABLE, "busy", "too many operations requests at once; try again");
        }
    }

    private String sessions(int limit) {
        List<SessionSummary> all;
        try {
            all = gateway.push().summaries().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the shards did not answer", e);
        }
        long now = System.currentTimeMillis();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("count", all.size());
            g.writeArrayFieldStart("sessions");
            all.stream().sorted(Comparator.comparingLong(SessionSummary::createdMillis)).limit(limit).forEach(s -> {
                try {
                    g.writeStartObject();
                    g.writeStringField("id", s.id());
                    if (s.user() != null) {
                        g.writeStringField("user", s.user());
                    } else {
                        g.writeNullField("user");
                    }
                    if (s.transport().isEmpty()) {
                        g.writeNullField("transport");
                    } else {
                        g.writeStringField("transport", s.transport());
                    }
                    g.writeObjectFieldStart("networks");
                    if (s.attachment() instanceof UserSession u) {
                        for (Map.Entry<String, UserSession.NetworkView> n : u.networks().entrySet()) {
                            g.writeObjectFieldStart(n.getKey());
                            g.writeStringField("state", n.getValue().state());
                            g.writeStringField("nick", n.getValue().nick());
                            g.writeEndObject();
                        }
                    }
                    g.writeEndObject();
                    g.writeNumberField("ageSeconds", Math.max(0, (now - s.createdMillis()) / 1000));
                    g.writeNumberField("bufferedEvents", s.bufferedEvents());
                    g.writeNumberField("bufferedBytes", s.bufferedBytes());
                    g.writeNumberField("lastSeq", s.lastSeq());
                    g.writeNumberField("unsent", Math.max(0, s.lastSeq() - s.written()));
                    g.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private FullHttpResponse end(String id, String reason) {
        if (!reason.matches("[a-z0-9-]{1,32}")) {
            return json(HttpResponseStatus.BAD_REQUEST, "{\"error\":\"bad-request\",\"message\":\"reason is 1-32 of a-z, 0-9 and '-'\"}");
        }
        if (!SessionIds.isWellFormed(id)) {
            return json(NOT_FOUND, "{\"error\":\"no-session\",\"message\":\"no such session\"}");
        }
        String node = SessionIds.node(id);
        if (!node.equals(gateway.config().cluster().node())) {
            return json(HttpResponseStatus.MISDIRECTED_REQUEST, "{\"error\":\"wrong-node\",\"message\":\"this session belongs to node "
                    + node + "\",\"node\":" + HttpResponses.quote(node) + "}");
        }
        PushServer push = gateway.push();
        boolean found;
        try {
            found = push.close(id, reason).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the shard did not answer", e);
        }
        if (!found) {
            return json(NOT_FOUND, "{\"error\":\"no-session\",\"message\":\"no such session\"}");
        }
        log.info("session {} ended by an operator ({})", id, reason);
        return json(OK, "{\"ended\":" + HttpResponses.quote(id) + ",\"reason\":" + HttpResponses.quote(reason) + "}");
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        HttpResponses.secure(res.headers());
        return res;
    }

    private static String param(QueryStringDecoder uri, String name) {
        List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static int intParam(QueryStringDecoder uri, String name, int defaultValue) {
        String v = param(uri, name);
        try {
            return v == null ? defaultValue : Math.max(0, Math.min(defaultValue, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    void close() {
        work.shutdownNow();
    }
}

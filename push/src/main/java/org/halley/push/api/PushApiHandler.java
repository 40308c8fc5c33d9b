package org.halley.push.api;

import static io.netty.handler.codec.http.HttpResponseStatus.ACCEPTED;
import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CREATED;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.halley.config.Secret;
import org.halley.push.ClientInfo;
import org.halley.push.Session;
import org.halley.push.SessionIds;
import org.halley.push.Shards;
import org.halley.push.Shards.Delivery;
import org.halley.push.http.HttpResponses;
import org.halley.push.http.PushHttpHandler;
import org.halley.push.wire.JsonProblems;
import org.jspecify.annotations.Nullable;

/**
 * The application push API (Orbited's dispatch), under {@code /push/api/}: for servers only,
 * authenticated by {@code Authorization: Bearer <server.push.api-secret>}.
 *
 * <ul>
 *   <li>{@code POST sessions} {@code {"user":"alice"}}: prebind, 201 {@code {"session","token","heartbeat"}}
 *   <li>{@code POST sessions/{id}/events} (body: the event): 202 {@code {"seq":N}}, 404 unknown
 *   <li>{@code POST users/{user}/events}: 202 {@code {"sessions":[{"session","seq"}...]}}, 404 none
 *   <li>{@code DELETE sessions/{id}[?reason=r]}: 200, 404 unknown
 * </ul>
 *
 * <p>Each target has one owner node ({@link org.halley.cluster.Owners}): a session the node named in
 * its id, a user the node chosen by consistent hashing over the cluster's node list. A node asked
 * about another's target answers 421 with the owner's name and never forwards: so a user's
 * prebound sessions and events all meet on one node, and nodes never talk to each other.
 *
 * <p>Runs on the connection's loop; the work is handed to the shards, and the answer comes back
 * to the connection's loop. The connection is not moved: one API connection serves all shards.
 */
public final class PushApiHandler {
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(64).maxNumberLength(64).build();
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());

    private final Shards sessions;
    private final byte[] secret;
    private final ApiCallCounter calls = new ApiCallCounter();

    public PushApiHandler(Shards sessions, Secret secret) {
        this.sessions = sessions;
        this.secret = ("Bearer " + secret.value()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Answers given so far, by operation and status. */
    public ApiCallCounter calls() {
        return calls;
    }

    /** The operation a request asks for, as counted: prebind, session-event, user-event, close-session or other. */
    static String operation(FullHttpRequest req, String route) {
        String[] parts = route.split("/", -1);
        if (parts.length == 1 && parts[0].equals("sessions")) {
            return "prebind";
        }
        if (parts.length == 3 && parts[0].equals("sessions") && parts[2].equals("events")) {
            return "session-event";
        }
        if (parts.length == 2 && parts[0].equals("sessions")) {
            return "close-session";
        }
        if (parts.length == 3 && parts[0].equals("users") && parts[2].equals("events")) {
            return "user-event";
        }
        return "other";
    }

    /**
     * Handles {@code route} (the path after {@code /push/api/}). Returns true when the answer comes
     * later; then it owns {@code req} and runs {@code done} after answering.
     */
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String route, Runnable done) {
        if (ctx.pipeline().get(ApiCallCounter.NAME) == null) {
            ctx.pipeline().addBefore(ctx.name(), ApiCallCounter.NAME, calls);
        }
        ctx.channel().attr(ApiCallCounter.OPERATION).set(operation(req, route));
        if (req.headers().contains(HttpHeaderNames.ORIGIN)) {
            HttpResponses.error(ctx, req, FORBIDDEN, "origin", "the push API is for servers; browsers may not call it");
            return false;
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null || !MessageDigest.isEqual(secret, auth.getBytes(StandardCharsets.UTF_8))) {
            HttpResponses.json(ctx, req, UNAUTHORIZED, "{\"error\":\"unauthorized\",\"message\":\"send Authorization: Bearer <api-secret>\"}",
                    new DefaultHttpHeaders().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"halley\""));
            return false;
        }
        String[] parts = route.split("/", -1);
        if (parts.length == 1 && parts[0].equals("sessions")) {
            return expect(ctx, req, HttpMethod.POST) && prebind(ctx, req, done);
        }
        if (parts.length == 3 && parts[0].equals("sessions") && parts[2].equals("events")) {
            return expect(ctx, req, HttpMethod.POST) && toSession(ctx, req, decode(parts[1]), done);
        }
        if (parts.length == 2 && parts[0].equals("sessions")) {
            return expect(ctx, req, HttpMethod.DELETE) && close(ctx, req, uri, decode(parts[1]), done);
        }
        if (parts.length == 3 && parts[0].equals("users") && parts[2].equals("events")) {
            return expect(ctx, req, HttpMethod.POST) && toUser(ctx, req, decode(parts[1]), done);
        }
        HttpResponses.error(ctx, req, NOT_FOUND, "not-found", "no such push API endpoint");
        return false;
    }

    private boolean prebind(ChannelHandlerContext ctx, FullHttpRequest req, Runnable done) {
        JsonNode body = body(ctx, req);
        if (body == null) {
            return false;
        }
        JsonNode u = body.get("user");
        String user = u != null && u.isTextual() ? u.asText() : null;
        String problem = user == null ? "user is missing (a string)" : userProblem(user);
        if (problem != null || body.size() != 1) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", problem != null ? problem : "the body has only \"user\"");
            return false;
        }
        if (misdirectedUser(ctx, req, user)) {
            return false;
        }
        String key = "user:" + user;
        String refused = sessions.admit(key);
        if (refused != null) {
            PushHttpHandler.refuse(ctx, req, refused);
            return false;
        }
        ClientInfo client = PushHttpHandler.clientInfo(ctx, req);
        Session s = sessions.create(client, key, user);
        HttpResponses.json(ctx, req, CREATED, PushHttpHandler.created(s, sessions));
        return false;
    }

    private boolean toSession(ChannelHandlerContext ctx, FullHttpRequest req, String id, Runnable done) {
        if (!SessionIds.isWellFormed(id)) {
            HttpResponses.error(ctx, req, NOT_FOUND, "no-session", "no such session");
            return false;
        }
        if (misdirected(ctx, req, id)) {
            return false;
        }
        JsonNode event = body(ctx, req);
        if (event == null) {
            return false;
        }
        answerLater(ctx, req, done, sessions.publish(id, event.toString()), seq -> {
            if (seq < 0) {
                HttpResponses.error(ctx, req, NOT_FOUND, "no-session", "no such session");
            } else {
                HttpResponses.json(ctx, req, ACCEPTED, "{\"seq\":" + seq + "}");
            }
        });
        return true;
    }

    private boolean toUser(ChannelHandlerContext ctx, FullHttpRequest req, String user, Runnable done) {
        String problem = userProblem(user);
        if (problem != null) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", problem);
            return false;
        }
        if (misdirectedUser(ctx, req, user)) {
            return false;
        }
        JsonNode event = body(ctx, req);
        if (event == null) {
            return false;
        }
        answerLater(ctx, req, done, sessions.publishToUser(user, event.toString()), (List<Delivery> ds) -> {
            if (ds.isEmpty()) {
                HttpResponses.error(ctx, req, NOT_FOUND, "no-session", "this user has no session on this node");
                return;
            }
            StringBuilder b = new StringBuilder("{\"sessions\":[");
            for (int i = 0; i < ds.size(); i++) {
                b.append(i == 0 ? "" : ",").append("{\"session\":\"").append(ds.get(i).session()).append("\",\"seq\":")
                        .append(ds.get(i).seq()).append('}');
            }
            HttpResponses.json(ctx, req, ACCEPTED, b.append("]}").toString());
        });
        return true;
    }

    private boolean close(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String id, Runnable done) {
        if (!SessionIds.isWellFormed(id)) {
            HttpResponses.error(ctx, req, NOT_FOUND, "no-session", "no such session");
            return false;
        }
        if (misdirected(ctx, req, id)) {
            return false;
        }
        String reason = PushHttpHandler.param(uri, "reason");
        if (reason == null || !reason.matches("[a-z0-9-]{1,32}")) {
            reason = "closed-by-application";
        }
        answerLater(ctx, req, done, sessions.close(id, reason), found -> {
            if (found) {
                HttpResponses.json(ctx, req, OK, "{}");
            } else {
                HttpResponses.error(ctx, req, NOT_FOUND, "no-session", "no such session");
            }
        });
        return true;
    }

    /** Answers on the connection's loop once {@code work} completes on a shard. */
    private static <T> void answerLater(ChannelHandlerContext ctx, FullHttpRequest req, Runnable done, CompletableFuture<T> work,
            Consumer<T> answer) {
        work.whenComplete((v, e) -> ctx.executor().execute(() -> {
            try {
                if (e != null) {
                    HttpResponses.error(ctx, req, io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "internal", "could not queue the event");
                } else {
                    answer.accept(v);
                }
            } finally {
                req.release();
                done.run();
            }
        }));
    }

    private boolean misdirected(ChannelHandlerContext ctx, FullHttpRequest req, String id) {
        String node = SessionIds.node(id);
        if (node.equals(sessions.node())) {
            return false;
        }
        sessions.counters().misdirected();
        HttpResponses.misdirected(ctx, req, "session", node, new DefaultHttpHeaders());
        return true;
    }

    /** Answers 421 when {@code user} belongs to another node of the cluster. */
    private boolean misdirectedUser(ChannelHandlerContext ctx, FullHttpRequest req, String user) {
        String owner = sessions.ownerOfUser(user);
        if (owner.equals(sessions.node())) {
            return false;
        }
        sessions.counters().misdirected();
        HttpResponses.misdirected(ctx, req, "user", owner, new DefaultHttpHeaders());
        return true;
    }

    private static boolean expect(ChannelHandlerContext ctx, FullHttpRequest req, HttpMethod method) {
        if (req.method().equals(method)) {
            return true;
        }
        HttpResponses.json(ctx, req, METHOD_NOT_ALLOWED, "{\"error\":\"method\",\"message\":\"use " + method.name() + "\"}",
                new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, method.name()));
        return false;
    }

    /** The body as JSON; null after answering 400. */
    private static @Nullable JsonNode body(ChannelHandlerContext ctx, FullHttpRequest req) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(req.content().nioBuffer()).toString();
            JsonNode n = JSON.readTree(text);
            if (n == null || n.isMissingNode()) {
                HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", "the body is empty; send one JSON value");
                return null;
            }
            return n;
        } catch (CharacterCodingException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", "the body is not UTF-8");
        } catch (JsonProcessingException e) {
            HttpResponses.error(ctx, req, BAD_REQUEST, "bad-request", "the body is not one JSON value: " + JsonProblems.describe(e, LIMITS));
        }
        return null;
    }

    /** What is wrong with a user id, or null: 1-128 characters, none of them control characters. */
    public static @Nullable String userProblem(String user) {
        if (user.isEmpty() || user.length() > 128) {
            return "a user id has 1-128 characters";
        }
        for (int i = 0; i < user.length(); i++) {
            if (Character.isISOControl(user.charAt(i))) {
                return "a user id has no control characters";
            }
        }
        return null;
    }

    private static String decode(String segment) {
        return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"));
    }
}

package org.halley.push.client;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.net.UrlEscapers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.halley.cluster.Owners;

/**
 * A client of Halley's application push API for a cluster: every call goes to the node that owns
 * its target (a session's node is named in its id; a user's node is found by consistent hashing
 * over the node list, see {@link Owners}), so every application server sends each event along one
 * path. A node that is asked about something it does not own answers 421 with the right node's
 * name; the client follows that once. Thread-safe; share one.
 *
 * <pre>{@code
 * HalleyPushClient push = HalleyPushClient.builder()
 *         .node("a", URI.create("http://10.0.0.1:8080"))
 *         .node("b", URI.create("http://10.0.0.2:8080"))   // the same order as the cluster config
 *         .secret(System.getenv("HALLEY_API_SECRET"))
 *         .build();
 * Prebound s = push.prebind("alice").join();            // hand s.session() and s.token() to the page
 * long seq = push.sendToSession(s.session(), "{\"hello\":\"alice\"}").join();
 * push.sendToUser("alice", "{\"mail\":3}");              // to each of alice's sessions
 * }</pre>
 */
public final class HalleyPushClient {
    private final ImmutableMap<String, URI> nodes;
    private final ImmutableList<String> order;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    private HalleyPushClient(Builder b) {
        this.nodes = ImmutableMap.copyOf(b.nodes);
        this.order = ImmutableList.copyOf(b.nodes.keySet());
        this.authorization = "Bearer " + b.secret;
        this.timeout = b.timeout;
        this.http = b.http != null ? b.http
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.timeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A session created for a user the application has logged in: give both to the page. */
    public record Prebound(String session, String token, long heartbeatMillis) {}

    /** One event queued for one session: its sequence number there. */
    public record Delivery(String session, long seq) {}

    /** The node that owns {@code user}. */
    public String nodeOfUser(String user) {
        return Owners.nodeOfUser(user, order);
    }

    /** Creates a session bound to {@code user} on the user's node. */
    public CompletableFuture<Prebound> prebind(String user) {
        return call(nodeOfUser(user), "POST", "sessions", "{\"user\":" + Json.quote(user) + "}", 201, true).thenApply(o -> {
            Map<?, ?> m = (Map<?, ?>) o;
            return new Prebound((String) m.get("session"), (String) m.get("token"), ((Number) m.get("heartbeat")).longValue());
        });
    }

    /**
     * Queues {@code json} (one JSON value) for session {@code sessionId}; completes with its
     * sequence number, or exceptionally with a {@link PushApiException} (404: no such session).
     */
    public CompletableFuture<Long> sendToSession(String sessionId, String json) {
        return call(Owners.nodeOfSession(sessionId), "POST", "sessions/" + segment(sessionId) + "/events", json, 202, true)
                .thenApply(o -> ((Number) ((Map<?, ?>) o).get("seq")).longValue());
    }

    /** Queues {@code json} for every session of {@code user}; 404 when it has none. */
    public CompletableFuture<List<Delivery>> sendToUser(String user, String json) {
        return call(nodeOfUser(user), "POST", "users/" + segment(user) + "/events", json, 202, true).thenApply(o -> {
            List<Delivery> out = new ArrayList<>();
            for (Object d : (List<?>) ((Map<?, ?>) o).get("sessions")) {
                Map<?, ?> m = (Map<?, ?>) d;
                out.add(new Delivery((String) m.get("session"), ((Number) m.get("seq")).longValue()));
            }
            return List.copyOf(out);
        });
    }

    /** Ends a session; the browser is told {@code reason} ([a-z0-9-], at most 32). */
    public CompletableFuture<Void> close(String sessionId, String reason) {
        return call(Owners.nodeOfSession(sessionId), "DELETE",
                "sessions/" + segment(sessionId) + "?reason=" + UrlEscapers.urlFormParameterEscaper().escape(reason), null, 200, true)
                .thenApply(o -> null);
    }

    private CompletableFuture<Object> call(String node, String method, String path, String body, int expected, boolean follow) {
        URI base = nodes.get(node);
        if (base == null) {
            return CompletableFuture.failedFuture(new PushApiException(421, "unknown-node",
                    "node " + node + " is not in this client's node list " + order, node));
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve("/push/api/" + path))
                .timeout(timeout)
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString()).thenCompose(res -> {
            Object answer = res.body().isEmpty() ? Map.of() : Json.parse(res.body());
            if (res.statusCode() == expected) {
                return CompletableFuture.completedFuture(answer);
            }
            Map<?, ?> m = answer instanceof Map<?, ?> map ? map : Map.of();
            String owner = m.get("node") instanceof String s ? s : null;
            if (res.statusCode() == 421 && follow && owner != null && !owner.equals(node)) {
                return call(owner, method, path, body, expected, false); // the wrong node named the right one
            }
            return CompletableFuture.failedFuture(new PushApiException(res.statusCode(), String.valueOf(m.get("error")),
                    String.valueOf(m.get("message")), owner));
        });
    }

    private static String segment(String s) {
        return UrlEscapers.urlPathSegmentEscaper().escape(s);
    }

    public static final class Builder {
        private final Map<String, URI> nodes = new LinkedHashMap<>();
        private String secret;
        private Duration timeout = Duration.ofSeconds(10);
        private HttpClient http;

        /** One node, by its name in the cluster config and its internal base URL; in the cluster's order. */
        public Builder node(String name, URI baseUrl) {
            Preconditions.checkArgument(name.matches("[a-z0-9][a-z0-9-]{0,31}"), "node name: %s (expected: [a-z0-9][a-z0-9-]*)", name);
            Preconditions.checkArgument(nodes.putIfAbsent(name, baseUrl) == null, "node %s listed twice", name);
            return this;
        }

        /** {@code server.push.api-secret} of the nodes. */
        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** An {@link HttpClient} of the application's own (default: one for this client, HTTP/1.1). */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public HalleyPushClient build() {
            Preconditions.checkState(!nodes.isEmpty(), "no nodes: add each with node(name, url)");
            Preconditions.checkState(secret != null && !secret.isEmpty(), "no secret: set the push API secret");
            return new HalleyPushClient(this);
        }
    }
}

package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.ConfigException;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;

/** A real push server on a free port with a recording application, and helpers to talk to it. */
final class PushFixture implements AutoCloseable {
    static final String ORIGIN = Transport.ORIGIN;
    static final String API_SECRET = "test-secret-0123456789";

    final Recorder app = new Recorder();
    final HttpClient http = Transport.newHttpClient();
    final PushServer server;
    final String base;

    /** {@code server.push} and {@code limits} settings as YAML flow mappings (without braces). */
    PushFixture(String push, String limits) throws ConfigException, InterruptedException {
        this(push, limits, "n1");
    }

    PushFixture(String push, String limits, String node) throws ConfigException, InterruptedException {
        this(push, limits, node, List.of(node));
    }

    /** Node {@code node} of a cluster of {@code nodes} (in order). */
    PushFixture(String push, String limits, String node, List<String> nodes) throws ConfigException, InterruptedException {
        HalleyConfig c = ConfigLoader.parse("t.yaml", """
                server:
                  port: 0
                  allowed-origins: [%s]
                  push: {api-secret: %s, %s}
                limits: {%s}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(ORIGIN, API_SECRET, push, limits));
        server = PushServer.builder().server(c.server()).limits(c.limits()).node(node).nodes(nodes).listener(app).shards(2).build().start();
        base = "http://127.0.0.1:" + server.port();
    }

    /** The embedding application: remembers sessions, messages and endings. */
    static final class Recorder implements PushListener {
        final Map<String, PushSession> sessions = new ConcurrentHashMap<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        final Map<String, String> closed = new ConcurrentHashMap<>();
        final List<Boolean> gaps = new CopyOnWriteArrayList<>();

        @Override
        public void opened(PushSession s) {
            sessions.put(s.id(), s);
        }

        @Override
        public void message(PushSession s, String json) {
            messages.add(json);
        }

        @Override
        public void connected(PushSession s, boolean gap) {
            gaps.add(gap);
        }

        @Override
        public void closed(PushSession s, String reason) {
            closed.put(s.id(), reason);
        }
    }

    record Created(String id, String token) {}

    Created create() throws IOException, InterruptedException {
        HttpResponse<String> r = post("/push/session", "{}", Map.of("Origin", ORIGIN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = Transport.JSON.readTree(r.body());
        String id = n.get("session").asText();
        await().until(() -> app.sessions.containsKey(id));
        return new Created(id, n.get("token").asText());
    }

    PushSession session(Created s) {
        return app.sessions.get(s.id());
    }

    Transport.Connection connect(Transport t, Created s, long last) {
        return t.connect(http, server.port(), s.id(), s.token(), last);
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}

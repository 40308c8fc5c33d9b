package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A browser's side of the push protocol (docs/protocol.md), enough for operations tests: create a
 * session, send ops by POST, hold a WebSocket or an SSE stream and record what arrives and how the
 * connection ended.
 */
final class BrowserClient {
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final String base;
    final String origin;
    String session;
    String token;
    private int cseq;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    /** WebSocket close code, or HTTP status of a refused stream; -1 while open. */
    volatile int closeCode = -1;
    volatile boolean ended;
    private WebSocket ws;
    private volatile long heartbeatMillis = 25_000;

    BrowserClient(String base) {
        this(base, base);
    }

    BrowserClient(String base, String origin) {
        this.base = base;
        this.origin = origin;
    }

    /** POST /push/session; the response, whatever its status. */
    HttpResponse<String> create() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session")).header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
            JsonNode n = JSON.readTree(r.body());
            session = n.get("session").asText();
            token = n.get("token").asText();
            heartbeatMillis = n.path("heartbeat").asLong(25_000);
        }
        return r;
    }

    BrowserClient created() throws IOException, InterruptedException {
        HttpResponse<String> r = create();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return this;
    }

    /** Sends one op (a JSON object) by POST /push/send. */
    void op(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/send?session=" + session))
                .header("Origin", origin).header("X-Halley-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString("[{\"cseq\":" + (++cseq) + ",\"data\":" + json + "}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    BrowserClient websocket() {
        ws = http.newWebSocketBuilder().header("Origin", origin)
                .buildAsync(URI.create(base.replace("http:", "ws:") + "/push/ws?session=" + session + "&token=" + token + "&last=0"),
                        new WebSocket.Listener() {
                            private final StringBuilder partial = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    add(partial.toString());
                                    partial.setLength(0);
                                }
                                w.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                                closeCode = code;
                                ended = true;
                                return null;
                            }

                            @Override
                            public void onError(WebSocket w, Throwable error) {
                                ended = true;
                            }
                        }).join();
        // A client heartbeat every interval, as halley.js sends: the server ends a WebSocket that
        // sent nothing for three (75 s by default), and a slow test would lose its events with it.
        Thread.ofVirtual().name("browser-client-heartbeat").start(() -> {
            while (!ended) {
                try {
                    Thread.sleep(heartbeatMillis);
                    ws.sendText("{\"type\":\"hb\"}", true).join();
                } catch (InterruptedException | RuntimeException e) {
                    return; // closed
                }
            }
        });
        return this;
    }

    /** Holds an SSE stream, recording its messages; {@code ended} once the server ends it. */
    BrowserClient sse() {
        Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/sse?session=" + session
                        + "&token=" + token + "&last=0")).header("Origin", origin).build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    closeCode = r.statusCode();
                    return;
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        add(line.substring(6));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // cut
            } finally {
                ended = true;
            }
        });
        return this;
    }

    /** The events received so far (not control messages), as JSON objects. */
    List<JsonNode> events() {
        return received.stream().filter(m -> m.has("event")).map(m -> m.get("event")).toList();
    }

    boolean hasEvent(String type) {
        return events().stream().anyMatch(e -> e.path("type").asText().equals(type));
    }

    private void add(String json) {
        try {
            received.add(JSON.readTree(json));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}

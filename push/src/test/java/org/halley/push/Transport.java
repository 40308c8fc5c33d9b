package org.halley.push;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The five transports, each with a real client written from docs/protocol.md on java.net.http:
 * tests run every scenario over every one (as CometD's tests do).
 */
enum Transport {
    WEBSOCKET("websocket"),
    SSE("sse"),
    XHR_STREAMING("xhr-streaming"),
    LONG_POLLING("long-polling"),
    IFRAME("iframe");

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ORIGIN = "http://app.example";

    final String wireName;

    Transport(String wireName) {
        this.wireName = wireName;
    }

    /** The path and query of this transport's downstream request. */
    String path(String session, String token, long last) {
        String q = "?session=" + session + "&token=" + token + "&last=" + last;
        return switch (this) {
            case WEBSOCKET -> "/push/ws" + q;
            case SSE -> "/push/sse" + q;
            case XHR_STREAMING -> "/push/stream" + q;
            case LONG_POLLING -> "/push/poll" + q;
            case IFRAME -> "/push/iframe" + q + "&callback=halley";
        };
    }

    /** Opens a downstream on {@code port}; messages arrive in {@link Connection#received}. */
    Connection connect(HttpClient http, int port, String session, String token, long last) {
        Connection c = switch (this) {
            case WEBSOCKET -> new WsConnection();
            case LONG_POLLING -> new PollConnection();
            default -> new StreamConnection(this);
        };
        c.open(http, port, session, token, last);
        return c;
    }

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** One downstream connection, as the client sees it. */
    abstract static class Connection {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        /** HTTP status of a refused request, or the WebSocket close code; -1 while neither. */
        volatile int status = -1;
        /** Set when the server ended the connection (a stream ended, a socket closed). */
        volatile boolean ended;
        String session;
        String token;
        int port;
        HttpClient http;

        void open(HttpClient http, int port, String session, String token, long last) {
            this.http = http;
            this.port = port;
            this.session = session;
            this.token = token;
            start(last);
        }

        abstract void start(long last);

        /** Cuts the connection from the client's side, as a network failure would. */
        abstract void abort();

        /** Sends client messages: over the WebSocket when there is one, else POST /push/send. */
        void send(String json) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/push/send?session=" + session))
                        .header("X-Halley-Token", token).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = received.poll(10, TimeUnit.SECONDS);
            assertThat(n).as("a message within 10 s").isNotNull();
            return n;
        }

        /** The next message that is not a heartbeat. */
        JsonNode nextReal() throws InterruptedException {
            for (;;) {
                JsonNode n = next();
                if (!"hb".equals(n.path("type").asText())) {
                    return n;
                }
            }
        }

        void add(String json) {
            try {
                received.add(JSON.readTree(json));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + json, e);
            }
        }
    }

    static final class WsConnection extends Connection implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        /** Whether to send {@code {"type":"hb"}} every 150 ms, as a client must. */
        volatile boolean heartbeats = true;
        WebSocket socket;

        @Override
        void start(long last) {
            socket = http.newWebSocketBuilder().header("Origin", ORIGIN)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + WEBSOCKET.path(session, token, last)), this)
                    .join();
            Thread.ofVirtual().start(() -> {
                while (!ended && heartbeats) {
                    try {
                        Thread.sleep(150);
                        send("{\"type\":\"hb\"}");
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            status = code;
            ended = true;
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended = true;
        }

        @Override
        void abort() {
            ended = true;
            socket.abort();
        }

        @Override
        synchronized void send(String json) {
            socket.sendText(json, true).join();
        }
    }

    /** SSE, XHR streaming and iframe: a response read line by line. */
    static final class StreamConnection extends Connection {
        private final Transport transport;
        private volatile InputStream body;
        private volatile boolean aborted;
        private CompletableFuture<HttpResponse<InputStream>> pending;

        StreamConnection(Transport transport) {
            this.transport = transport;
        }

        @Override
        void start(long last) {
            pending = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + transport.path(session, token, last)))
                    .header("Origin", ORIGIN).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try {
                HttpResponse<InputStream> r = pending.join();
                body = r.body();
                if (r.statusCode() != 200) {
                    status = r.statusCode();
                    body.close();
                    ended = true;
                    return;
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                String line;
                while (!aborted && (line = lines.readLine()) != null) {
                    String json = payload(transport, line);
                    if (json != null) {
                        add(json);
                    }
                }
            } catch (Exception e) {
                // aborted, or cut by the server
            } finally {
                ended = true;
            }
        }

        @Override
        void abort() {
            aborted = true;
            pending.cancel(true);
            InputStream b = body;
            if (b != null) {
                try {
                    b.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    /** The JSON carried by one line of a streaming transport, or null for framing lines. */
    static String payload(Transport t, String line) {
        switch (t) {
            case SSE -> {
                return line.startsWith("data: ") ? line.substring(6) : null;
            }
            case XHR_STREAMING -> {
                return line.isBlank() ? null : line;
            }
            case IFRAME -> {
                int open = line.indexOf(">p(");
                if (!line.startsWith("<script nonce=") || open < 0 || !line.endsWith(")</script>")) {
                    return null;
                }
                return line.substring(open + 3, line.length() - ")</script>".length());
            }
            default -> throw new IllegalArgumentException(t.name());
        }
    }

    /** Polls in a loop, as one logical connection: only the first poll's hello is passed on. */
    static final class PollConnection extends Connection {
        private volatile boolean aborted;
        private volatile CompletableFuture<HttpResponse<String>> current;

        @Override
        void start(long last) {
            Thread.ofVirtual().start(() -> loop(last));
        }

        private void loop(long last) {
            boolean first = true;
            try {
                while (!aborted) {
                    CompletableFuture<HttpResponse<String>> poll;
                    synchronized (this) { // an abort between the check and the send would leave a poll held
                        if (aborted) {
                            return;
                        }
                        poll = current = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + LONG_POLLING.path(session, token, last) + (first ? "&wait=0" : "")))
                                .header("Origin", ORIGIN).GET().build(), HttpResponse.BodyHandlers.ofString());
                    }
                    HttpResponse<String> r = poll.join();
                    if (r.statusCode() != 200) {
                        status = r.statusCode();
                        return;
                    }
                    JsonNode batch = JSON.readTree(r.body());
                    for (JsonNode m : batch) {
                        String type = m.path("type").asText();
                        if (type.equals("hello") && !first) {
                            continue;
                        }
                        if (m.has("seq") && (type.isEmpty() || type.equals("reset"))) {
                            last = Math.max(last, m.get("seq").asLong());
                        }
                        if (!aborted) {
                            received.add(m);
                        }
                        if (type.equals("close") || type.equals("replaced")) {
                            return;
                        }
                    }
                    first = false;
                }
            } catch (Exception e) {
                // aborted, or cut by the server
            } finally {
                ended = true;
            }
        }

        @Override
        synchronized void abort() {
            aborted = true;
            if (current != null) {
                current.cancel(true);
            }
        }
    }
}

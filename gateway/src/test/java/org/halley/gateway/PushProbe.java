package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A push session held over one WebSocket through the load balancer, recording everything: the
 * events' sequence numbers, control messages and how the connection ended. It never reconnects by
 * itself, so a test sees every cut.
 */
final class PushProbe implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "probe-heartbeats");
        t.setDaemon(true);
        return t;
    });

    final String base;
    final String session;
    final String token;
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<String> controls = new CopyOnWriteArrayList<>();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    /** Close codes seen, in order (1006: the connection dropped without a close frame). */
    final List<Integer> closes = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;
    private volatile ScheduledFuture<?> beat;

    private PushProbe(String base, String session, String token) {
        this.base = base;
        this.session = session;
        this.token = token;
    }

    /** Creates a session through {@code base} (the load balancer) and connects it. */
    static PushProbe create(HttpClient http, String base) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session")).header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = JSON.readTree(r.body());
        PushProbe p = of(n.get("session").asText(), n.get("token").asText(), base);
        p.connect(http, 0);
        return p;
    }

    /** A probe for a session made elsewhere (a prebind), not yet connected. */
    static PushProbe of(String session, String token, String base) {
        return new PushProbe(base, session, token);
    }

    String node() {
        return HalleyCluster.nodeOf(session);
    }

    /** Opens the WebSocket with {@code last} and waits for its hello, or for it to be closed at once. */
    void connect(HttpClient http, long last) {
        int before = closes.size();
        long hellos = controls.stream().filter("hello"::equals).count();
        String ws = base.replaceFirst("^http", "ws") + "/push/ws?session=" + session + "&token=" + token + "&last=" + last;
        this.ws = http.newWebSocketBuilder().header("Origin", base).buildAsync(URI.create(ws), this).orTimeout(10, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> closes.size() > before
                || controls.stream().filter("hello"::equals).count() > hellos);
    }

    long last() {
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    /** Events arrived in order 1, 2, 3... without a gap or a repeat. */
    boolean inOrderWithoutGaps() {
        for (int i = 0; i < seqs.size(); i++) {
            if (seqs.get(i) != i + 1) {
                return false;
            }
        }
        return true;
    }

    void abort() {
        stopBeating();
        if (ws != null) {
            ws.abort();
        }
    }

    private void stopBeating() {
        ScheduledFuture<?> b = beat;
        if (b != null) {
            b.cancel(false);
        }
    }

    @Override
    public void onOpen(WebSocket w) {
        w.request(1);
        // A client heartbeat, as halley.js sends: the server ends a WebSocket silent for 3 intervals.
        beat = HEARTBEATS.scheduleAtFixedRate(() -> {
            if (!w.isOutputClosed()) {
                w.sendText("{\"type\":\"hb\"}", true);
            }
        }, 10, 10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode m = JSON.readTree(partial.toString());
                if (m.has("seq") && m.has("event")) {
                    seqs.add(m.get("seq").asLong());
                    events.add(m.get("event"));
                } else {
                    controls.add(m.path("type").asText());
                }
            } catch (IOException e) {
                controls.add("not-json");
            }
            partial.setLength(0);
        }
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        stopBeating();
        closes.add(code);
        return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
        stopBeating();
        closes.add(1006);
    }
}

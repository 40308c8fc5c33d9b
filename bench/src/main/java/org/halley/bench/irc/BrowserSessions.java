package org.halley.bench.irc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N browsers, played by {@code java.net.http} WebSockets speaking Halley's push protocol: each
 * creates a session, connects it to the IRC network with its channels, heartbeats, and times every
 * chat message that carries a {@link Latency#TAG} timestamp. Clients bind to 127.0.0.2…9 so the
 * load spreads over source addresses.
 */
final class BrowserSessions implements AutoCloseable {
    private static final Pattern SESSION = Pattern.compile("\"session\"\\s*:\\s*\"([^\"]+)\".*\"token\"\\s*:\\s*\"([^\"]+)\"");

    private final String base;
    private final Latency latency;
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    final AtomicInteger joinedChannels = new AtomicInteger();
    final AtomicInteger problems = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicLong events = new AtomicLong();

    BrowserSessions(String base, Latency latency) throws IOException {
        this.base = base;
        this.latency = latency;
        for (int i = 2; i <= 9; i++) {
            clients.add(HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0." + i))
                    .connectTimeout(Duration.ofSeconds(30)).build());
        }
        heartbeats.scheduleAtFixedRate(() -> {
            for (WebSocket ws : sockets) {
                ws.sendText("{\"type\":\"hb\"}", true);
            }
        }, 20, 20, TimeUnit.SECONDS);
    }

    /** Opens one browser session and asks for {@code nick} in {@code channels}. */
    void open(int i, String nick, List<String> channels) throws IOException, InterruptedException {
        HttpClient http = clients.get(i % clients.size());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session"))
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = SESSION.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IOException("session refused: " + r.statusCode() + " " + r.body());
        }
        String connect = "{\"cseq\":1,\"data\":{\"op\":\"connect\",\"network\":\"bench\",\"nick\":\"" + nick
                + "\",\"channels\":[" + String.join(",", channels.stream().map(c -> "\"" + c + "\"").toList()) + "]}}";
        WebSocket ws = http.newWebSocketBuilder().header("Origin", base)
                .buildAsync(URI.create(base.replace("http:", "ws:") + "/push/ws?session=" + m.group(1) + "&token=" + m.group(2) + "&last=0"),
                        new Listener())
                .join();
        ws.sendText(connect, true);
        sockets.add(ws);
    }

    int open() {
        return sockets.size();
    }

    /** Reads each whole frame; counts joins, problems and disconnects; times tagged messages. */
    private final class Listener implements WebSocket.Listener {
        private StringBuilder partial;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ws.request(1);
            if (!last || partial != null) {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(data);
                if (!last) {
                    return null;
                }
                data = partial;
                partial = null;
            }
            long now = Latency.nowNanos();
            String frame = data.toString();
            events.incrementAndGet();
            if (frame.contains("\"type\":\"message\"")) {
                latency.recordHalley(frame, now);
            } else if (frame.contains("\"type\":\"joined\"") && frame.contains("\"self\":true")) {
                joinedChannels.incrementAndGet();
            } else if (frame.contains("\"type\":\"problem\"")) {
                if (problems.incrementAndGet() <= 5) {
                    System.err.println("problem: " + frame);
                }
            } else if (frame.contains("\"type\":\"disconnected\"")) {
                if (disconnects.incrementAndGet() <= 3) {
                    System.err.println("disconnected: " + frame);
                }
            }
            return null;
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        for (WebSocket ws : sockets) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench over");
        }
        for (HttpClient c : clients) {
            c.shutdownNow();
        }
    }
}

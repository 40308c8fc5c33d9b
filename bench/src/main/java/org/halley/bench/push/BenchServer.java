package org.halley.bench.push;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.push.PushEvent;
import org.halley.push.PushListener;
import org.halley.push.PushServer;
import org.halley.push.PushSession;
import org.halley.push.http.HttpResponses;

/**
 * One Halley push server for the benchmarks, as its own process: the real {@link PushServer} with a
 * small application of rooms (a session joins rooms by sending {@code {"join":[1,2,...]}}) and an
 * admin endpoint the load driver calls:
 *
 * <ul>
 *   <li>{@code GET /bench/fanout?rate=R&seconds=S&bytes=B}: publish R events/s for S s, each to a
 *       random room, each carrying its intended send time ({@code "t"}, epoch µs: a constant-rate
 *       sender, so a stall shows as latency, not as fewer samples)
 *   <li>{@code GET /bench/broadcast}: one event to every session
 *   <li>{@code GET /bench/stats}: sessions and counters
 * </ul>
 *
 * <pre>java -cp ... org.halley.bench.push.BenchServer BIND PORT NODE SHARDS API_SECRET</pre>
 */
public final class BenchServer {
    private final Map<Integer, Set<PushSession>> rooms = new ConcurrentHashMap<>();
    private PushServer server;

    public static void main(String[] args) throws Exception {
        String bind = args[0];
        int port = Integer.parseInt(args[1]);
        String node = args[2];
        int shards = Integer.parseInt(args[3]);
        String secret = args[4];
        HalleyConfig c = ConfigLoader.parse("bench.yaml", """
                server:
                  bind: %s
                  port: %d
                  allowed-origins: ['http://bench.example']
                  push: {heartbeat: 25s, shards: %d, api-secret: %s, slow-consumer-timeout: 30s}
                limits: {max-sessions: 1000000, sessions-per-ip: 1000000, linger: 120s}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(bind, port, shards, secret));
        BenchServer b = new BenchServer();
        b.server = PushServer.builder().server(c.server()).limits(c.limits()).node(node).listener(b.new Rooms())
                .application(() -> b.new Admin()).build().start();
        System.out.println("READY " + b.server.port() + " " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.currentThread().join();
    }

    final class Rooms implements PushListener {
        @Override
        public void opened(PushSession s) {}

        @Override
        public void message(PushSession s, String json) {
            int i = json.indexOf("\"join\":[");
            if (i < 0) {
                return;
            }
            for (String r : json.substring(i + 8, json.indexOf(']', i)).split(",")) {
                rooms.computeIfAbsent(Integer.parseInt(r.trim()), k -> ConcurrentHashMap.newKeySet()).add(s);
            }
        }

        @Override
        public void closed(PushSession s, String reason) {
            rooms.values().forEach(set -> set.remove(s));
        }
    }

    @ChannelHandler.Sharable
    final class Admin extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String answer = switch (q.path()) {
                case "/bench/fanout" -> {
                    double rate = Double.parseDouble(param(q, "rate", "1000"));
                    double seconds = Double.parseDouble(param(q, "seconds", "10"));
                    int bytes = Integer.parseInt(param(q, "bytes", "50"));
                    Thread.ofPlatform().name("bench-publisher").start(() -> publish(rate, seconds, bytes));
                    yield "{\"started\":true}";
                }
                case "/bench/broadcast" -> {
                    List<PushSession> all = rooms.values().stream().flatMap(Set::stream).distinct().toList();
                    server.send(all, PushEvent.of(event(-1, 50)));
                    yield "{\"sessions\":" + all.size() + "}";
                }
                case "/bench/stats" -> "{\"sessions\":" + server.sessions() + ",\"counters\":\"" + server.counters().snapshot() + "\"}";
                default -> null;
            };
            if (answer == null) {
                HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not-found", "no such bench endpoint");
                return;
            }
            HttpResponses.send(ctx, req, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(answer.getBytes(StandardCharsets.UTF_8))));
        }
    }

    private static String param(QueryStringDecoder q, String name, String dflt) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? dflt : v.get(0);
    }

    /** An event of about {@code bytes} bytes stamped with {@code t} (epoch µs; -1: now). */
    static String event(long t, int bytes) {
        long stamp = t < 0 ? micros() : t;
        String head = "{\"t\":" + stamp + ",\"p\":\"";
        int pad = Math.max(0, bytes - head.length() - 2);
        return head + "x".repeat(pad) + "\"}";
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Constant rate: event k is due at start + k/rate and carries that time, even if sent late. */
    private void publish(double rate, double seconds, int bytes) {
        long start = micros();
        long total = (long) (rate * seconds);
        Integer[] ids = rooms.keySet().toArray(new Integer[0]);
        if (ids.length == 0) {
            return;
        }
        for (long k = 0; k < total; k++) {
            long due = start + (long) (k * 1_000_000 / rate);
            long wait = due - micros();
            if (wait > 50) {
                LockSupport.parkNanos(wait * 1000);
            }
            Set<PushSession> room = rooms.get(ids[ThreadLocalRandom.current().nextInt(ids.length)]);
            server.send(room, PushEvent.of(event(due, bytes)));
        }
    }
}

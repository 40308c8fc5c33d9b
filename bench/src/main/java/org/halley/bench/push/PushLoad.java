package org.halley.bench.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load for the push benchmarks, as its own process: opens many connections on one transport
 * (Netty client, bound to several 127.0.0.x source addresses so one address's ~28,000 ports do
 * not limit it), and measures what they receive. Latency is the receive time minus the event's
 * intended send time ({@code "t"}), recorded in HdrHistogram.
 *
 * <pre>
 * java -cp ... org.halley.bench.push.PushLoad --mode idle|fanout|broadcast|latency|storm
 *     --targets 127.0.0.1:9001,127.0.0.1:9002 --sources 127.0.0.2,127.0.0.3 --transport websocket
 *     --connections 2000 [--rate 10000] [--seconds 10] [--warmup 5] [--secret S] [--hold 10]
 * </pre>
 *
 * Prints {@code RESULT key=value ...} lines that the bench script gathers.
 */
public final class PushLoad {
    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, String> opts;
    final String transport;
    final List<InetSocketAddress> targets = new ArrayList<>();
    final List<String> sources;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final EventLoopGroup apiGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    final Recorder latency = new Recorder(3);
    final LongAdder events = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder hellos = new LongAdder();
    final LongAdder refused = new LongAdder();
    final List<Conn> conns = new ArrayList<>();
    volatile boolean aborting;

    PushLoad(Map<String, String> opts) {
        this.opts = opts;
        this.transport = opts.getOrDefault("transport", "websocket");
        for (String t : opts.get("targets").split(",")) {
            targets.add(new InetSocketAddress(t.substring(0, t.lastIndexOf(':')), Integer.parseInt(t.substring(t.lastIndexOf(':') + 1))));
        }
        this.sources = List.of(opts.getOrDefault("sources", "127.0.0.1").split(","));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        PushLoad load = new PushLoad(o);
        try {
            load.run();
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            load.apiGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** {@code --interleave true}: connect each session as soon as it is created, not all sessions first. */
    boolean interleave() {
        return Boolean.parseBoolean(opts.getOrDefault("interleave", "false"));
    }

    int intOpt(String k, int d) {
        return Integer.parseInt(opts.getOrDefault(k, Integer.toString(d)));
    }

    void run() throws Exception {
        int n = intOpt("connections", 1000);
        String mode = opts.getOrDefault("mode", "idle");
        long t0 = System.nanoTime();
        createSessions(n);
        long t1 = System.nanoTime();
        if (!interleave()) {
            connectAll();
        }
        awaitHellos(n, intOpt("hello-timeout", 120));
        long t2 = System.nanoTime();
        result("connected", "transport=" + transport + " connections=" + n + " sessions_ms=" + (t1 - t0) / 1_000_000
                + " connect_ms=" + (t2 - t1) / 1_000_000 + " retried=" + refused.sum());
        switch (mode) {
            case "idle" -> {
                System.out.println("HOLDING");
                System.out.flush();
                Thread.sleep(intOpt("hold", 10) * 1000L);
            }
            case "fanout" -> fanout();
            case "broadcast" -> broadcast();
            case "latency" -> latencyViaApi();
            case "storm" -> storm();
            default -> throw new IllegalArgumentException("mode " + mode);
        }
    }

    void result(String what, String fields) {
        System.out.println("RESULT " + what + " " + fields);
        System.out.flush();
    }

    void createSessions(int n) throws Exception {
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InetSocketAddress target = targets.get(i % targets.size());
            Conn c = new Conn(this, target, sources.get(i % sources.size()));
            conns.add(c);
            inFlight.acquire();
            all.add(create(c, target, 0).whenComplete((v, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
    }

    /** POST /push/session; a 503 (a node full or draining) or no answer is tried again, as a browser would, up to 100 times. */
    CompletableFuture<Void> create(Conn c, InetSocketAddress target, int attempt) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + target.getHostString() + ":" + target.getPort() + "/push/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString()).handle((r, e) -> {
                    if (e != null && attempt < 100) {
                        refused.increment(); // the connection ended without an answer (a proxy at its limits): again
                        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                                .thenCompose(x -> create(c, target, attempt + 1));
                    }
                    if (e != null) {
                        return CompletableFuture.<Void>failedFuture(e);
                    }
                    if (r.statusCode() == 503 && attempt < 100) {
                        refused.increment();
                        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                                .thenCompose(x -> create(c, target, attempt + 1));
                    }
                    try {
                        JsonNode j = JSON.readTree(r.body());
                        c.session = j.get("session").asText();
                        c.token = j.get("token").asText();
                        if (interleave()) {
                            c.connect(); // as a browser does: a load balancer's leastconn then sees each connection at once
                        }
                    } catch (Exception ex) {
                        throw new IllegalStateException(r.statusCode() + " " + r.body(), ex);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                }).thenCompose(f -> f);
    }

    void connectAll() throws InterruptedException {
        int batch = 0;
        List<ChannelFuture> pending = new ArrayList<>();
        for (Conn c : conns) {
            pending.add(c.connect());
            if (++batch % 200 == 0) {
                for (ChannelFuture f : pending) {
                    f.await(10, TimeUnit.SECONDS);
                }
                pending.clear();
            }
        }
    }

    void awaitHellos(long n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (hellos.sum() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (hellos.sum() < n) {
            throw new IllegalStateException("only " + hellos.sum() + " of " + n + " connections said hello");
        }
    }

    void admin(String path) throws Exception {
        for (InetSocketAddress t : targets) {
            http.send(HttpRequest.newBuilder(URI.create("http://" + t.getHostString() + ":" + t.getPort() + path)).build(), BodyHandlers.ofString());
        }
    }

    /**
     * Each client joins 10 of 100 rooms; the servers publish at a constant rate to random rooms. As
     * in {@link #latencyViaApi}, a warm-up at the same rate ({@code --warmup} seconds, default 5)
     * comes first and is not counted.
     */
    void fanout() throws Exception {
        for (Conn c : conns) {
            StringBuilder rooms = new StringBuilder();
            ThreadLocalRandom.current().ints(0, 100).distinct().limit(10).forEach(r -> rooms.append(rooms.isEmpty() ? "" : ",").append(r));
            c.send("{\"cseq\":1,\"data\":{\"join\":[" + rooms + "]}}");
        }
        Thread.sleep(2000);
        int seconds = intOpt("seconds", 10);
        int warmup = intOpt("warmup", 5);
        if (warmup > 0) {
            admin("/bench/fanout?rate=" + intOpt("rate", 1000) + "&seconds=" + warmup + "&bytes=" + intOpt("bytes", 50));
            Thread.sleep(warmup * 1000L + 2000);
        }
        latency.reset();
        long before = events.sum();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        admin("/bench/fanout?rate=" + intOpt("rate", 1000) + "&seconds=" + seconds + "&bytes=" + intOpt("bytes", 50));
        Thread.sleep(seconds * 1000L + 3000);
        double elapsed = Math.min(seconds, (System.nanoTime() - t0) / 1e9);
        report("fanout", events.sum() - before, seconds, elapsed);
        result("load-cpu", String.format(java.util.Locale.ROOT, "cpu_seconds=%.2f wall_seconds=%d",
                (processCpuNanos() - cpu0) / 1e9, seconds + 3));
    }

    void broadcast() throws Exception {
        for (Conn c : conns) {
            c.send("{\"cseq\":1,\"data\":{\"join\":[0]}}");
        }
        Thread.sleep(2000);
        latency.reset();
        long before = events.sum();
        int rounds = intOpt("seconds", 10);
        for (int i = 0; i < rounds; i++) {
            admin("/bench/broadcast");
            Thread.sleep(1000);
        }
        Thread.sleep(2000);
        report("broadcast", events.sum() - before, rounds, rounds);
    }

    /**
     * A constant-rate publisher through the push API (a pool of keep-alive connections), to random
     * sessions. A warm-up at the same rate ({@code --warmup} seconds, default 5) comes first and is
     * not counted: the server's JIT compiles its hot paths then, on the same core as its event loop.
     */
    void latencyViaApi() throws Exception {
        double rate = intOpt("rate", 10000);
        int seconds = intOpt("seconds", 10);
        List<ApiPublisher> publishers = new ArrayList<>();
        for (InetSocketAddress t : targets) {
            publishers.add(new ApiPublisher(apiGroup, t, sources.get(0), opts.get("secret"), intOpt("api-connections", 32)));
        }
        int warmup = intOpt("warmup", 5);
        if (warmup > 0) {
            publishAtRate(publishers, rate, warmup);
            Thread.sleep(2000);
        }
        latency.reset();
        long before = events.sum();
        long cpu0 = processCpuNanos();
        publishAtRate(publishers, rate, seconds);
        Thread.sleep(3000);
        report("latency", events.sum() - before, seconds, seconds);
        result("latency-api", "accepted=" + publishers.stream().mapToLong(p -> p.accepted.get()).sum()
                + " failed=" + publishers.stream().mapToLong(p -> p.failed.get()).sum());
        // The load's own CPU over the run (+3 s drain): near 1 s per second on its core means the
        // latency measured is the load process's queueing, not the server's.
        result("load-cpu", String.format(java.util.Locale.ROOT, "cpu_seconds=%.2f wall_seconds=%d",
                (processCpuNanos() - cpu0) / 1e9, seconds + 3));
    }

    private void publishAtRate(List<ApiPublisher> publishers, double rate, int seconds) {
        long total = (long) (rate * seconds);
        long start = BenchServer.micros();
        for (long k = 0; k < total; k++) {
            long due = start + (long) (k * 1_000_000 / rate);
            long wait = due - BenchServer.micros();
            if (wait > 50) {
                LockSupport.parkNanos(wait * 1000);
            }
            Conn c = conns.get(ThreadLocalRandom.current().nextInt(conns.size()));
            publishers.get(targets.indexOf(c.target)).submit("/push/api/sessions/" + c.session + "/events", BenchServer.event(due, 50));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Every connection cut at once while events flow; all reconnect at once with their last seq.
     * Reports the time until every one said hello again and whether any event was lost.
     */
    void storm() throws Exception {
        int rate = intOpt("rate", 500);
        for (Conn c : conns) {
            c.send("{\"cseq\":1,\"data\":{\"join\":[" + ThreadLocalRandom.current().nextInt(100) + "]}}");
        }
        Thread.sleep(2000);
        admin("/bench/fanout?rate=" + rate + "&seconds=8&bytes=50");
        Thread.sleep(3000);
        long helloBefore = hellos.sum();
        long cut = System.nanoTime();
        aborting = true;
        for (Conn c : conns) {
            c.abort();
        }
        aborting = false;
        for (Conn c : conns) {
            c.connect();
        }
        awaitHellos(helloBefore + conns.size(), 60);
        long back = System.nanoTime();
        Thread.sleep(8000);
        long behind = 0;
        for (Conn c : conns) {
            behind += c.gapsSeen;
        }
        result("storm", "connections=" + conns.size() + " all_resumed_ms=" + (back - cut) / 1_000_000 + " gaps=" + gaps.sum()
                + " resets=" + resets.sum() + " lost=" + behind + " events=" + events.sum());
        report("storm", events.sum(), 11, 11);
    }

    void report(String what, long delivered, int seconds, double elapsed) {
        Histogram h = latency.getIntervalHistogram();
        result(what, String.format("delivered=%d rate_per_s=%.0f samples=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f gaps=%d resets=%d",
                delivered, delivered / elapsed, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, gaps.sum(), resets.sum()));
    }

    void received(Conn c, String m) {
        if (m.startsWith("{\"seq\":")) {
            long seq = digits(m, 7);
            if (seq <= c.last) {
                return;
            }
            if (seq != c.last + 1) {
                gaps.increment();
                c.gapsSeen += seq - c.last - 1;
            }
            c.last = seq;
            events.increment();
            int t = m.indexOf("\"t\":");
            if (t > 0) {
                long sent = digits(m, t + 4);
                long lat = BenchServer.micros() - sent;
                if (lat >= 0 && lat < 3_600_000_000L) {
                    latency.recordValue(lat);
                }
            }
        } else if (m.contains("\"type\":\"hello\"")) {
            if (!c.helloSeen) {
                c.helloSeen = true;
                hellos.increment();
            }
        } else if (m.contains("\"type\":\"reset\"")) {
            resets.increment();
            c.last = digits(m, m.indexOf("\"seq\":") + 6);
        }
    }

    static long digits(String s, int from) {
        long v = 0;
        for (int i = from; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    /** One connection of the load; re-established by itself when a stream ends. */
    static final class Conn extends ChannelInboundHandlerAdapter {
        final PushLoad load;
        final InetSocketAddress target;
        final String source;
        String session;
        String token;
        volatile long last;
        volatile long gapsSeen;
        volatile boolean helloSeen;
        Channel channel;
        boolean firstPoll;
        final StringBuilder lines = new StringBuilder();

        Conn(PushLoad load, InetSocketAddress target, String source) {
            this.load = load;
            this.target = target;
            this.source = source;
        }

        String query() {
            return "?session=" + session + "&token=" + token + "&last=" + last;
        }

        ChannelFuture connect() {
            helloSeen = false;
            firstPoll = true;
            lines.setLength(0);
            Conn self = this;
            String t = load.transport;
            Bootstrap b = new Bootstrap().group(load.group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec());
                            if (t.equals("websocket")) {
                                ch.pipeline().addLast(new HttpObjectAggregator(1 << 16));
                                ch.pipeline().addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(URI.create("ws://" + target.getHostString() + ":" + target.getPort() + "/push/ws" + query()))
                                        .maxFramePayloadLength(1 << 20).generateOriginHeader(false).build()));
                            } else if (t.equals("long-polling")) {
                                ch.pipeline().addLast(new HttpObjectAggregator(16 << 20));
                            }
                            ch.pipeline().addLast(self);
                        }
                    });
            ChannelFuture f = b.connect(target, new InetSocketAddress(source, 0));
            channel = f.channel();
            return f;
        }

        void abort() {
            Channel c = channel;
            if (c != null) {
                c.close().awaitUninterruptibly();
            }
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String t = load.transport;
            if (!t.equals("websocket")) {
                ctx.writeAndFlush(request(path()));
            }
            ctx.fireChannelActive();
        }

        String path() {
            return switch (load.transport) {
                case "sse" -> "/push/sse" + query();
                case "xhr-streaming" -> "/push/stream" + query();
                case "iframe" -> "/push/iframe" + query() + "&callback=cb";
                default -> "/push/poll" + query() + (firstPoll ? "&wait=0" : "");
            };
        }

        FullHttpRequest request(String path) {
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            r.headers().set(HttpHeaderNames.HOST, target.getHostString());
            return r;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.executor().scheduleAtFixedRate(() -> {
                    if (ctx.channel().isActive()) {
                        ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"hb\"}"));
                    }
                }, 20, 20, TimeUnit.SECONDS);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame f) {
                    load.received(this, f.text());
                } else if (msg instanceof FullHttpResponse r) {
                    JsonNode batch = JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
                    for (JsonNode m : batch) {
                        if (!firstPoll && "hello".equals(m.path("type").asText())) {
                            continue;
                        }
                        load.received(this, m.toString());
                    }
                    firstPoll = false;
                    if (!load.aborting) {
                        ctx.writeAndFlush(request(path()));
                    }
                } else if (msg instanceof HttpContent c) {
                    lines(c.content());
                } else if (msg instanceof HttpResponse r && r.status().code() != 200) {
                    System.err.println("refused: " + r.status());
                }
            } catch (Exception e) {
                ctx.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void lines(ByteBuf content) {
            lines.append(content.toString(StandardCharsets.UTF_8));
            int nl;
            while ((nl = lines.indexOf("\n")) >= 0) {
                String line = lines.substring(0, nl);
                lines.delete(0, nl + 1);
                String json = switch (load.transport) {
                    case "sse" -> line.startsWith("data: ") ? line.substring(6) : null;
                    case "iframe" -> line.startsWith("<script nonce=") && line.contains(">p(") && line.endsWith(")</script>")
                            ? line.substring(line.indexOf(">p(") + 3, line.length() - 10) : null;
                    default -> line.isBlank() ? null : line;
                };
                if (json != null) {
                    load.received(this, json);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!load.aborting && ctx.channel() == channel) {
                ctx.channel().eventLoop().schedule(this::connect, 10, TimeUnit.MILLISECONDS); // a stream ended: resume
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** A client message: over the WebSocket, else POST /push/send. */
        void send(String json) {
            if (load.transport.equals("websocket")) {
                channel.writeAndFlush(new TextWebSocketFrame(json));
                return;
            }
            load.http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + target.getHostString() + ":" + target.getPort()
                    + "/push/send?session=" + session)).header("X-Halley-Token", token).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    BodyHandlers.discarding());
        }
    }
}

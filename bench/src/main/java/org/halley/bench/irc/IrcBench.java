package org.halley.bench.irc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;

/**
 * The IRC bridge under load: N browser sessions, each bridged by its own connection to a local
 * ngircd (no per-address limit, no penalties), in channels of 50; plain IRC clients talk in every
 * channel (a message a minute per channel by default) and privately; one gateway process.
 * Reports the gateway's heap, RSS and threads per bridged user, and IRC-to-browser latency
 * beside the floor of a plain IRC client timed the same way. Starts and stops everything itself.
 *
 * <pre>
 * bench/irc --users 1000 [--channel-rate 1] [--pm-rate 6] [--warmup 30] [--measure 120] [--heap 4g]
 *           [--session-buffer 256KiB] [--connect-rate 100] [--connect-interval 10ms] [--histogram 40]
 *           [--pretouch true] (fixed heap of --heap, pre-touched: RSS growth is then native memory only)
 *           [--nmt true] (print what native memory grew by, per JVM category)
 * </pre>
 *
 * Not a test: figures depend on the machine and its load; run it on a quiet one.
 */
public final class IrcBench {
    private final Map<String, String> options = new HashMap<>();

    private IrcBench(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
    }

    private int integer(String name, int d) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(d)));
    }

    private double number(String name, double d) {
        return Double.parseDouble(options.getOrDefault(name, String.valueOf(d)));
    }

    private String string(String name, String d) {
        return options.getOrDefault(name, d);
    }

    public static void main(String[] args) throws Exception {
        new IrcBench(args).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int users = integer("users", 1000);
        int channelSize = integer("channel-size", 50);
        int perUser = integer("channels-per-user", 5);
        double channelRate = number("channel-rate", 1); // messages per channel per minute
        double pmRate = number("pm-rate", 6); // private messages per user per hour
        // Sessions opened per second. ngircd listens with a backlog of 10: faster than it accepts,
        // connects are reset (and Halley retries them); the bridge's connect-interval paces them.
        int connectRate = integer("connect-rate", 100);
        Duration warmup = Duration.ofSeconds(integer("warmup", 30));
        Duration measure = Duration.ofSeconds(integer("measure", 120));
        Path jdk = Path.of(string("jdk", System.getProperty("java.home")));
        Path jar = Path.of(string("gateway-jar", "gateway/target/halley.jar")).toAbsolutePath();
        String heap = string("heap", "4g");
        int groups = Math.max(1, users / channelSize);
        int channels = groups * perUser;

        System.out.printf(Locale.ROOT, "irc bench: %d users, %d channels of %d, %d channels each, %.1f msg/channel/min, %.1f pm/user/h; %s%n",
                users, channels, channelSize, perUser, channelRate, pmRate, load());
        Path dir = Files.createTempDirectory("halley-irc-bench-");
        try (NgircdFixture irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties())) {
            int port = Ports.free();
            Path config = dir.resolve("halley.yaml");
            Files.writeString(config, """
                    server:
                      bind: 127.0.0.1
                      port: %d
                      public-url: http://127.0.0.1:%d
                    limits:
                      max-sessions: 20000
                      sessions-per-ip: 20000
                      session-buffer-bytes: %s
                    bridges:
                      - name: bench
                        kind: irc
                        host: 127.0.0.1
                        port: %d
                        tls: false
                        allowed-channels: ["#b*"]
                        admission: {max-connections: 20000, connections-per-ip: 20000, connect-interval: %s}
                        flood: {burst: 10, interval: 100ms}
                    """.formatted(port, port, string("session-buffer", "256KiB"), irc.port(), string("connect-interval", "10ms")));
            // --pretouch: a fixed heap, touched at start, so RSS growth is native memory only (as
            // bench/xmpp-bench measures it); otherwise RSS also holds the heap G1 commits ahead.
            boolean pretouch = Boolean.parseBoolean(string("pretouch", "false"));
            // --nmt: where native memory grows, by JVM category (Native Memory Tracking's diff)
            boolean nmt = Boolean.parseBoolean(string("nmt", "false"));
            List<String> jvm = new ArrayList<>(pretouch
                    ? List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-XX:+UseG1GC", "-Dlogback.configurationFile=" + logback(dir))
                    : List.of("-Xms64m", "-Xmx" + heap, "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
                            "-Dlogback.configurationFile=" + logback(dir)));
            if (nmt) {
                jvm.add("-XX:NativeMemoryTracking=summary");
            }
            try (GatewayProcess gateway = GatewayProcess.start(jdk, jar, config, port, jvm, dir.resolve("gateway.log"))) {
                GatewayProcess.Footprint idle = gateway.measure();
                if (nmt) {
                    gateway.nativeMemory("baseline");
                }
                System.out.printf(Locale.ROOT, "gateway idle: heap %s, RSS %s, %d OS threads, %d virtual%n",
                        mib(idle.heapUsedBytes()), mib(idle.rssBytes()), idle.osThreads(), idle.virtualThreads());

                Latency latency = new Latency();
                List<BenchIrcClient> talkers = new ArrayList<>();
                int perTalker = 10; // ngircd's MaxJoins
                for (int t = 0; t * perTalker < channels; t++) {
                    BenchIrcClient c = new BenchIrcClient(irc.port(), "talker" + t);
                    for (int k = t * perTalker; k < Math.min(channels, (t + 1) * perTalker); k++) {
                        c.send("JOIN #b" + k);
                    }
                    talkers.add(c);
                }
                // The floor: plain clients in every channel (10 each), timing the same messages.
                List<BenchIrcClient> floors = new ArrayList<>();
                for (int t = 0; t * perTalker < channels; t++) {
                    BenchIrcClient c = new BenchIrcClient(irc.port(), "floor" + t);
                    for (int k = t * perTalker; k < Math.min(channels, (t + 1) * perTalker); k++) {
                        c.send("JOIN #b" + k);
                    }
                    c.onLine(l -> latency.recordFloor(l, Latency.nowNanos()));
                    floors.add(c);
                }

                String base = "http://127.0.0.1:" + port;
                long t0 = System.nanoTime();
                try (BrowserSessions browsers = new BrowserSessions(base, latency)) {
                    for (int i = 0; i < users; i++) {
                        int group = (i / channelSize) % groups;
                        List<String> mine = new ArrayList<>();
                        for (int k = 0; k < perUser; k++) {
                            mine.add("#b" + (group * perUser + k));
                        }
                        browsers.open(i, "u" + i, mine);
                        if (i % connectRate == connectRate - 1) {
                            long due = t0 + (i + 1) * 1_000_000_000L / connectRate;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                    }
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                    while (browsers.joinedChannels.get() < users * perUser && System.nanoTime() < deadline) {
                        GatewayProcess.sleep(500);
                    }
                    double connectSeconds = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "%d sessions bridged, %d channel joins in %.1f s (%d problems, %d disconnects)%n",
                            browsers.open(), browsers.joinedChannels.get(), connectSeconds, browsers.problems.get(), browsers.disconnects.get());

                    ScheduledExecutorService talk = Executors.newScheduledThreadPool(2);
                    AtomicLong sent = new AtomicLong();
                    long channelEveryNanos = (long) (60e9 / (channels * channelRate));
                    AtomicLong next = new AtomicLong();
                    talk.scheduleAtFixedRate(() -> {
                        int k = (int) (next.getAndIncrement() % channels);
                        talkers.get(k / perTalker).send("PRIVMSG #b" + k + " :" + Latency.text());
                        sent.incrementAndGet();
                    }, 0, Math.max(1_000, channelEveryNanos), TimeUnit.NANOSECONDS);
                    if (pmRate > 0) {
                        long pmEveryNanos = (long) (3600e9 / (users * pmRate));
                        talk.scheduleAtFixedRate(() -> {
                            int u = ThreadLocalRandom.current().nextInt(users);
                            talkers.get(u % talkers.size()).send("PRIVMSG u" + u + " :" + Latency.text());
                            sent.incrementAndGet();
                        }, 0, Math.max(1_000, pmEveryNanos), TimeUnit.NANOSECONDS);
                    }
                    TimeUnit.MILLISECONDS.sleep(warmup.toMillis());
                    GatewayProcess.Footprint loaded = gateway.measure();
                    if (nmt) {
                        System.out.println(gateway.nativeMemory("summary.diff"));
                    }
                    if (options.containsKey("histogram")) {
                        System.out.println(gateway.histogram(integer("histogram", 30)));
                    }
                    long events0 = browsers.events.get();
                    long sent0 = sent.get();
                    latency.recording(true);
                    TimeUnit.MILLISECONDS.sleep(measure.toMillis());
                    Histogram halley = latency.halley();
                    Histogram ground = latency.floor();
                    long events = browsers.events.get() - events0;
                    long messages = sent.get() - sent0;
                    talk.shutdownNow();

                    double perUserHeap = (loaded.heapUsedBytes() - idle.heapUsedBytes()) / (double) users;
                    double perUserRss = (loaded.rssBytes() - idle.rssBytes()) / (double) users;
                    System.out.printf(Locale.ROOT, "gateway loaded: heap %s, RSS %s, %d OS threads, %d virtual%n",
                            mib(loaded.heapUsedBytes()), mib(loaded.rssBytes()), loaded.osThreads(), loaded.virtualThreads());
                    System.out.printf(Locale.ROOT, "per bridged user: heap %.1f KiB, RSS %.1f KiB%s, OS threads %.4f, virtual threads %.2f%n",
                            perUserHeap / 1024, perUserRss / 1024,
                            pretouch ? String.format(Locale.ROOT, " (native only: heap pre-touched; heap + native %.1f KiB)",
                                    (perUserHeap + perUserRss) / 1024) : "",
                            (loaded.osThreads() - idle.osThreads()) / (double) users,
                            (loaded.virtualThreads() - idle.virtualThreads()) / (double) users);
                    System.out.printf(Locale.ROOT, "load: %.1f IRC messages/s sent, %.0f events/s to browsers over %d s; %s%n",
                            messages / (double) measure.toSeconds(), events / (double) measure.toSeconds(), measure.toSeconds(), load());
                    System.out.printf(Locale.ROOT, "latency IRC->browser (Halley): p50 %.2f ms, p99 %.2f ms, max %.2f ms, n=%d%n",
                            halley.getValueAtPercentile(50) / 1e3, halley.getValueAtPercentile(99) / 1e3, halley.getMaxValue() / 1e3,
                            halley.getTotalCount());
                    System.out.printf(Locale.ROOT, "latency IRC->raw client (floor): p50 %.2f ms, p99 %.2f ms, max %.2f ms, n=%d%n",
                            ground.getValueAtPercentile(50) / 1e3, ground.getValueAtPercentile(99) / 1e3, ground.getMaxValue() / 1e3,
                            ground.getTotalCount());
                    System.out.printf(Locale.ROOT, "problems %d, disconnects %d%n", browsers.problems.get(), browsers.disconnects.get());
                }
                floors.forEach(BenchIrcClient::close);
                talkers.forEach(BenchIrcClient::close);
            }
        }
    }

    private static Path logback(Path dir) throws IOException {
        return Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.pircbotx" level="OFF"/>
                  <root level="WARN"><appender-ref ref="out"/></root>
                </configuration>
                """);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** The machine's load average, to print beside every figure. */
    static String load() {
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return "load average " + l[0] + " " + l[1] + " " + l[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "load unknown";
        }
    }
}

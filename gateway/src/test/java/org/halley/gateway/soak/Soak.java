package org.halley.gateway.soak;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.halley.gateway.ClusterNode;

/**
 * The soak: browsers (protocol-level clients of {@link SoakBrowser}, every transport) chat through
 * HAProxy and three Halley nodes on ngircd and Prosody while the harness kills and restarts the IRC
 * and XMPP servers, cuts browser connections at random and drains a node with SIGTERM. Then it
 * judges ({@link SoakVerdict}) and reports. {@code SoakIT} runs a two-minute version in the build;
 * {@code bench/soak} runs any other (the README's is 200 browsers for 20 minutes):
 *
 * <pre>
 * java -cp ... org.halley.gateway.soak.Soak --sessions 200 --minutes 20 --irc-restarts 5 --xmpp-restarts 3 \
 *     --cuts 2000 --drains 1 [--jar gateway/target/halley.jar] [--report FILE]
 * </pre>
 *
 * Exit code 0 when the verdict passes, 1 when it fails (every failure is listed).
 */
public final class Soak {
    /** What to run. Durations in seconds. */
    record Params(int sessions, double chaosSeconds, int ircRestarts, int xmppRestarts, int cuts, int drains, int groupSize,
            double chatEverySeconds, double switchShare, long marginMillis, double downSeconds, String heap, double warmupSeconds,
            int pages, Path jar, Path report, long seed) {

        static Params ci(Path jar) {
            return new Params(60, 75, 1, 1, 200, 1, 20, 4, 0.2, 2000, 3, "256m", 8, 1, jar, null, System.nanoTime());
        }

        static Params parse(String[] args) {
            Map<String, String> o = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            Path jar = Path.of(o.getOrDefault("jar", "gateway/target/halley.jar"));
            double minutes = Double.parseDouble(o.getOrDefault("minutes", "20"));
            return new Params(Integer.parseInt(o.getOrDefault("sessions", "200")), minutes * 60,
                    Integer.parseInt(o.getOrDefault("irc-restarts", "5")), Integer.parseInt(o.getOrDefault("xmpp-restarts", "3")),
                    Integer.parseInt(o.getOrDefault("cuts", "2000")), Integer.parseInt(o.getOrDefault("drains", "1")),
                    Integer.parseInt(o.getOrDefault("group", "20")), Double.parseDouble(o.getOrDefault("chat-every", "4")),
                    Double.parseDouble(o.getOrDefault("switch-share", "0.2")), Long.parseLong(o.getOrDefault("margin-ms", "2000")),
                    Double.parseDouble(o.getOrDefault("down", "3")), o.getOrDefault("heap", "384m"),
                    Double.parseDouble(o.getOrDefault("warmup", "15")), Integer.parseInt(o.getOrDefault("pages", "2")), jar, o.containsKey("report") ? Path.of(o.get("report")) : null,
                    Long.parseLong(o.getOrDefault("seed", Long.toString(System.nanoTime()))));
        }
    }

    final Params params;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "soak-scheduler");
        t.setDaemon(true);
        return t;
    });
    final List<String> failures = new CopyOnWriteArrayList<>();
    final Map<String, List<Long>> recoveries = new ConcurrentHashMap<>();
    final List<String> timeline = new CopyOnWriteArrayList<>();
    final List<SoakBrowser> browsers = new ArrayList<>();
    final List<SoakPage> pages = new ArrayList<>();
    String url;
    InetSocketAddress lb;
    private long t0;

    Soak(Params params) {
        this.params = params;
    }

    public static void main(String[] args) throws Exception {
        Params p = Params.parse(args);
        SoakVerdict v = new Soak(p).run();
        System.out.println(v.report());
        if (p.report() != null) {
            Files.writeString(p.report(), v.report() + "\n" + v.perSession(), StandardCharsets.UTF_8);
        } else {
            System.out.println(v.perSession());
        }
        System.exit(v.passed() ? 0 : 1);
    }

    void failure(String what) {
        if (failures.size() < 10_000) {
            failures.add(String.format(Locale.ROOT, "[%6.1fs] %s", (System.nanoTime() - t0) / 1e9, what));
        }
    }

    void recovered(String kind, long nanos) {
        recoveries.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>())).add(TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    void schedule(Runnable r, long millis) {
        scheduler.schedule(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                failure("harness error: " + stack(e));
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    void note(String what) {
        String line = String.format(Locale.ROOT, "[%6.1fs] %s", (System.nanoTime() - t0) / 1e9, what);
        timeline.add(line);
        System.out.println("soak: " + line);
        System.out.flush();
    }

    SoakVerdict run() throws Exception {
        t0 = System.nanoTime();
        String loadBefore = uptime();
        note("starting ngircd, Prosody, 3 Halley nodes (heap " + params.heap() + ") and HAProxy; seed " + params.seed());
        try (SoakCluster cluster = new SoakCluster(params.jar(), params.heap())) {
            url = cluster.url;
            URI u = URI.create(url);
            lb = new InetSocketAddress(u.getHost(), u.getPort());
            Random random = new Random(params.seed());
            SoakTransport[] ts = SoakTransport.values();
            int groups = Math.max(1, (params.sessions() + params.groupSize() - 1) / params.groupSize());
            for (int i = 0; i < params.sessions(); i++) {
                // sources: spread over 127.0.0.2..9, as many browsers behind one NAT would not be
                // every group (channel and room) has browsers on every transport
                browsers.add(new SoakBrowser(this, i, i % groups, ts[(i + i / groups) % ts.length], "127.0.0." + (2 + i % 8)));
            }
            note(params.sessions() + " browsers connecting (" + groups + " IRC channels and XMPP rooms)");
            for (SoakBrowser b : browsers) {
                b.start();
                Thread.sleep(Math.max(5, 3000 / params.sessions()));
            }
            scheduler.scheduleAtFixedRate(() -> browsers.forEach(SoakBrowser::checkAlive), 1, 1, TimeUnit.SECONDS);
            scheduler.scheduleAtFixedRate(() -> browsers.forEach(b -> b.expirePending(30_000_000_000L)), 5, 5, TimeUnit.SECONDS);
            for (int i = 0; i < params.pages(); i++) {
                // Chromium on the chat page, forced to WebSocket, long polling, then the others
                SoakTransport t = List.of(SoakTransport.WEBSOCKET, SoakTransport.LONG_POLLING, SoakTransport.SSE, SoakTransport.IFRAME,
                        SoakTransport.XHR_STREAMING).get(i % 5);
                SoakPage page = new SoakPage(this, params.sessions() + i, i % groups, t);
                pages.add(page);
                browsers.add(page.listener);
            }
            if (!pages.isEmpty()) {
                note(pages.size() + " Chromium page(s) on the chat page, listening in " + pages.stream().map(p -> p.listener.irc.target).toList());
                scheduler.scheduleWithFixedDelay(() -> pages.forEach(SoakPage::poll), 1, 1, TimeUnit.SECONDS);
            }
            awaitAllIn(Duration.ofSeconds(120), "at start");
            note("all browsers in their channel and room; chatting");
            var chatting = startChat();
            Thread.sleep((long) (params.warmupSeconds() * 1000));
            Map<String, SoakCluster.NodeStats> start = stats(cluster, "start");
            chaos(cluster, random);
            chatting.cancel(false);
            note("chaos over; no more lines said; waiting for every browser to be back in its channel and room");
            awaitAllIn(Duration.ofSeconds(120), "at the end");
            Thread.sleep(8000); // lines in flight arrive
            browsers.forEach(b -> b.expirePending(0));
            Map<String, SoakCluster.NodeStats> end = stats(cluster, "end");
            String lbEnd = cluster.lbStats();
            pages.forEach(SoakPage::poll);
            Instant stopAt = Instant.now();
            browsers.forEach(b -> b.stop(stopAt));
            String loadAfter = uptime();
            note("judging");
            return new SoakVerdict(this, start, end, lbEnd, loadBefore, loadAfter, (System.nanoTime() - t0) / 1e9);
        } finally {
            pages.forEach(SoakPage::close);
            scheduler.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private java.util.concurrent.ScheduledFuture<?> startChat() {
        long periodMs = Math.max(1, (long) (params.chatEverySeconds() * 1000 / browsers.size()));
        int[] next = {0};
        boolean[] onIrc = {true};
        // Round robin, one browser per tick: each says a line every chatEverySeconds, networks in turn.
        return scheduler.scheduleAtFixedRate(() -> {
            SoakBrowser b = browsers.get(next[0] % browsers.size());
            b.chat(onIrc[0] ^ (b.id % 2 == 0));
            if (++next[0] == browsers.size()) {
                next[0] = 0;
                onIrc[0] = !onIrc[0];
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void awaitAllIn(Duration timeout, String when) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (browsers.stream().allMatch(SoakBrowser::inBoth)) {
                return;
            }
            Thread.sleep(200);
        }
        List<String> out = browsers.stream().filter(b -> !b.inBoth()).limit(10)
                .map(b -> b + " irc " + b.irc.state + "/" + b.irc.joined + " xmpp " + b.xmpp.state + "/" + b.xmpp.joined
                        + " connected " + b.connected())
                .toList();
        failure(browsers.stream().filter(b -> !b.inBoth()).count() + " browsers not back in their channel and room " + when
                + " within " + timeout + ": " + out);
    }

    /** Faults at fixed fractions of the chaos period (so they do not pile up), cuts at random moments. */
    private void chaos(SoakCluster cluster, Random random) throws Exception {
        double d = params.chaosSeconds();
        List<Map.Entry<Double, String>> plan = new ArrayList<>();
        for (int i = 0; i < params.ircRestarts(); i++) {
            plan.add(Map.entry((i + 0.5) * d / params.ircRestarts(), "irc"));
        }
        for (int i = 0; i < params.xmppRestarts(); i++) {
            plan.add(Map.entry((i + 0.25) * d / params.xmppRestarts(), "xmpp"));
        }
        for (int i = 0; i < params.drains(); i++) {
            plan.add(Map.entry((i + 0.7) * d / params.drains(), "drain " + SoakCluster.NODES.get((1 + i) % SoakCluster.NODES.size())));
        }
        plan.sort(Map.Entry.comparingByKey());
        long chaosStart = System.nanoTime();
        for (int i = 0; i < params.cuts(); i++) {
            long at = (long) (random.nextDouble() * d * 1000);
            boolean switchTransport = random.nextDouble() < params.switchShare();
            schedule(() -> cutOne(switchTransport), at);
        }
        note("chaos for " + d + " s: " + params.cuts() + " cuts at random, then in order: "
                + plan.stream().map(e -> String.format(Locale.ROOT, "%s at %.0fs", e.getValue(), e.getKey())).toList());
        for (Map.Entry<Double, String> step : plan) {
            sleepUntil(chaosStart + (long) (step.getKey() * 1e9));
            String what = step.getValue();
            if (what.equals("irc")) {
                note("IRC server killed (SIGKILL)");
                cluster.irc.kill();
                Thread.sleep((long) (params.downSeconds() * 1000));
                cluster.irc.restart();
                note("IRC server restarted");
            } else if (what.equals("xmpp")) {
                note("XMPP server killed (SIGKILL)");
                cluster.xmpp.kill();
                Thread.sleep((long) (params.downSeconds() * 1000));
                cluster.xmpp.restart();
                note("XMPP server restarted");
            } else {
                drain(cluster, what.substring("drain ".length()));
            }
        }
        sleepUntil(chaosStart + (long) (d * 1e9));
    }

    private void drain(SoakCluster cluster, String name) throws Exception {
        ClusterNode node = cluster.nodes.get(name);
        long before = browsers.stream().filter(b -> name.equals(nodeOf(b.sessionId()))).count();
        note("draining " + name + " (SIGTERM; " + before + " browsers on it)");
        long t = System.nanoTime();
        node.terminate();
        if (node.awaitExit(Duration.ofSeconds(60)) == -1) {
            failure(name + " did not exit within 60 s of SIGTERM");
            node.kill();
        } else if (node.process().exitValue() != 0) {
            failure(name + " exited with " + node.process().exitValue() + " after SIGTERM (expected 0)");
        }
        note(String.format(Locale.ROOT, "%s drained and exited in %.1f s (exit %d); starting it again", name, (System.nanoTime() - t) / 1e9,
                node.process().exitValue()));
        node.startAgain();
        cluster.awaitUp(name, true, Duration.ofSeconds(60));
        note(name + " back in HAProxy");
    }

    static String nodeOf(String session) {
        return session == null ? "" : session.substring(0, Math.max(0, session.indexOf('.')));
    }

    private void cutOne(boolean switchTransport) {
        for (int tries = 0; tries < 20; tries++) {
            SoakBrowser b = browsers.get(ThreadLocalRandom.current().nextInt(params.sessions()));
            if (b.cut(switchTransport)) {
                return;
            }
        }
        failure("no connected browser to cut in 20 tries");
    }

    private Map<String, SoakCluster.NodeStats> stats(SoakCluster cluster, String when) {
        Map<String, SoakCluster.NodeStats> m = new LinkedHashMap<>();
        for (String n : SoakCluster.NODES) {
            SoakCluster.NodeStats s = cluster.stats(n);
            m.put(n, s);
            note(when + ": " + s);
        }
        note(when + ": " + cluster.lbStats());
        return m;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}

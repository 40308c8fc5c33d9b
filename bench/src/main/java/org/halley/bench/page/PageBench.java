package org.halley.bench.page;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.halley.bench.irc.BenchIrcClient;
import org.halley.bench.irc.GatewayProcess;
import org.halley.testkit.Ports;

/**
 * The chat page under a flood (issue 12): a local ngircd, one Halley gateway process, plain IRC
 * clients sending unique lines, and the real page in headless Chromium (a fresh browser and
 * session per scenario), timed by a probe injected before the page's scripts (page-probe.js).
 * Scenarios, each capped by a timeout (a page that falls behind is reported as "not shown within
 * X s", never waited on for ever):
 * <ul>
 * <li>{@code flood}: N clients send R lines/s in total for S seconds into the channel the page shows;
 * lines/s shown, main-thread long tasks (p99, max), IRC-to-page delay of every line and of the last;
 * <li>{@code paste}: a 10,000-line burst into the shown channel, as fast as ngircd takes it; time until
 * the last line is shown;
 * <li>{@code switch}: 10,000 lines into a channel the page does not show, then switching to it (and
 * back) by its side-list button; time until its last line is in the list and a frame is drawn;
 * <li>{@code heap}: 100,000 lines across 20 channels, the page showing one; its heap after GC.
 * </ul>
 * Every figure is printed as a {@code RESULT} line with the load average; the CPU seconds ngircd,
 * the gateway, this process (the IRC clients) and Chromium used are printed per scenario.
 *
 * <pre>
 * bench/page [--quick] [--scenarios flood,paste,switch,heap] [--rate 1000] [--seconds 60] [--clients 50]
 *            [--paste-lines 10000] [--burst-clients 10] [--switch-lines 10000] [--heap-lines 100000]
 *            [--heap-channels 20] [--heap-rate 2000] [--timeout 120] [--page-cpus 0]
 * </pre>
 *
 * Not a test: figures depend on the machine and its load.
 */
public final class PageBench {
    private final Map<String, String> options = new HashMap<>();
    private final boolean quick;

    private PageBench(String[] args) {
        boolean q = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                q = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("expected --option value or --quick, got " + args[i]);
            }
        }
        quick = q;
    }

    private int integer(String name, int full, int quickValue) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(quick ? quickValue : full)));
    }

    private String string(String name, String d) {
        return options.getOrDefault(name, d);
    }

    public static void main(String[] args) throws Exception {
        // Interrupted or not: the processes this one started (ngircd, the gateway, chromedriver and
        // Chromium) end with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
        int status = new PageBench(args).run();
        System.exit(status);
    }

    private IrcLoad irc;
    private GatewayProcess gateway;
    private String base;
    private String pageCpus;
    private int timeout;

    private int run() throws Exception {
        List<String> scenarios = List.of(string("scenarios", "flood,paste,switch,heap").split(","));
        timeout = integer("timeout", 120, 30);
        pageCpus = string("page-cpus", "");
        Path jdk = Path.of(string("jdk", System.getProperty("java.home")));
        Path jar = Path.of(string("gateway-jar", "gateway/target/halley.jar")).toAbsolutePath();
        System.out.printf(Locale.ROOT, "page bench%s: scenarios %s; page CPUs %s, load CPUs %s; before: %s%n", quick ? " (quick)" : "",
                scenarios, pageCpus.isEmpty() ? "any" : pageCpus, affinity(), load());
        Path dir = Files.createTempDirectory("halley-page-bench-");
        int failures = 0;
        try (IrcLoad ircLoad = IrcLoad.start()) {
            irc = ircLoad;
            int port = Ports.free();
            base = "http://127.0.0.1:" + port;
            Path config = Files.writeString(dir.resolve("halley.yaml"), """
                    server:
                      bind: 127.0.0.1
                      port: %d
                      public-url: http://127.0.0.1:%d
                    limits:
                      session-buffer-events: %s
                      session-buffer-bytes: %s
                    bridges:
                      - name: bench
                        kind: irc
                        host: 127.0.0.1
                        port: %d
                        tls: false
                        admission: {connect-interval: 0ms}
                    """.formatted(port, port, string("session-buffer-events", "200000"), string("session-buffer-bytes", "64MiB"), irc.port));
            Path logback = Files.writeString(dir.resolve("logback.xml"), """
                    <configuration>
                      <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="org.pircbotx" level="OFF"/>
                      <root level="WARN"><appender-ref ref="out"/></root>
                    </configuration>
                    """);
            List<String> jvm = List.of("-Xmx" + string("heap", "1g"), "-XX:+UseG1GC", "-Dlogback.configurationFile=" + logback);
            try (GatewayProcess g = GatewayProcess.start(jdk, jar, config, port, jvm, dir.resolve("gateway.log"))) {
                gateway = g;
                for (String s : scenarios) {
                    Cpu cpu = new Cpu();
                    try {
                        switch (s.trim()) {
                            case "flood" -> flood(cpu);
                            case "paste" -> paste(cpu);
                            case "switch" -> channelSwitch(cpu);
                            case "heap" -> heap(cpu);
                            default -> throw new IllegalArgumentException("unknown scenario " + s + " (flood, paste, switch, heap)");
                        }
                    } catch (RuntimeException | IOException e) {
                        failures++;
                        System.out.printf(Locale.ROOT, "RESULT page-%s failed: %s; %s%n", s.trim(), e, load());
                        e.printStackTrace(System.out);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "page bench done; after: %s; gateway log in %s%n", load(), dir);
        return failures == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ scenarios

    /** R lines/s into the shown channel for S seconds. */
    private void flood(Cpu cpu) throws Exception {
        int rate = integer("rate", 1000, 200);
        int seconds = integer("seconds", 60, 10);
        int clients = integer("clients", 50, 20);
        List<String> channels = List.of("#flood");
        IrcLoad.Lines lines = new IrcLoad.Lines("f", rate * seconds, clients, channels);
        try (Scenario sc = new Scenario("pbflood", lines, channels, channels.get(0), cpu)) {
            double start = IrcLoad.nowMillis();
            lines.send(sc.senders, rate);
            sc.awaitShown("f", lines.total, lines::lastSent);
            sc.report("flood", String.format(Locale.ROOT, "rate=%d/s seconds=%d clients=%d", rate, seconds, clients), start);
        }
    }

    /** A burst of lines into the shown channel, as fast as ngircd takes them. */
    private void paste(Cpu cpu) throws Exception {
        int total = integer("paste-lines", 10_000, 2_000);
        int clients = integer("burst-clients", 10, 10);
        List<String> channels = List.of("#paste");
        IrcLoad.Lines lines = new IrcLoad.Lines("p", total, clients, channels);
        try (Scenario sc = new Scenario("pbpaste", lines, channels, channels.get(0), cpu)) {
            double start = IrcLoad.nowMillis();
            lines.send(sc.senders, 0);
            sc.awaitShown("p", lines.total, lines::lastSent);
            sc.report("paste", String.format(Locale.ROOT, "lines=%d burst-clients=%d", total, clients), start);
        }
    }

    /** Lines into a channel the page does not show, then switching to it. */
    private void channelSwitch(Cpu cpu) throws Exception {
        int total = integer("switch-lines", 10_000, 2_000);
        int clients = integer("burst-clients", 10, 10);
        IrcLoad.Lines lines = new IrcLoad.Lines("g", total, clients, List.of("#big"));
        try (Scenario sc = new Scenario("pbswitch", lines, List.of("#quiet", "#big"), "#quiet", cpu)) {
            double start = IrcLoad.nowMillis();
            lines.send(sc.senders, 0);
            String done = sc.fillDone("#quiet");
            if (done != null) {
                System.out.printf(Locale.ROOT, "RESULT page-switch lines=%d: %s; %s%n", total, done, load());
                return;
            }
            String last = lines.text(lastObservedLine(lines));
            List<String> results = new ArrayList<>();
            double worst = 0;
            long shownLines = 0;
            for (int round = 0; round < 3; round++) {
                double clicked = IrcLoad.nowMillis();
                Map<String, Object> to = sc.page.timeSwitch("#big", last, timeout * 1000L);
                if (to.containsKey("error")) {
                    // The page reports a long task when it ends: wait as long again for the click's.
                    String blocked = "";
                    for (long until = System.nanoTime() + timeout * 1_000_000_000L; System.nanoTime() < until; Page.sleep(500)) {
                        double longest = sc.page.longTasks(clicked - 50).stream().mapToDouble(t -> t[1]).max().orElse(0);
                        if (longest > 0) {
                            blocked = String.format(Locale.ROOT, " the click's longest task %.0f ms;", longest);
                            break;
                        }
                    }
                    System.out.printf(Locale.ROOT, "RESULT page-switch lines=%d switch_ms=not shown within %d s (%s);%s %s; %s%n",
                            total, timeout, to.get("error"), blocked, longTaskFigures(sc.page, start), load());
                    sc.printCpu();
                    return;
                }
                double ms = ((Number) to.get("frame")).doubleValue();
                worst = Math.max(worst, ms);
                shownLines = ((Number) to.get("lines")).longValue();
                results.add(String.format(Locale.ROOT, "%.0f (click handler %.0f, last line in list %.0f)", ms,
                        ((Number) to.get("click")).doubleValue(), ((Number) to.get("shown")).doubleValue()));
                Map<String, Object> back = sc.page.timeSwitch("#quiet", "s0-0", timeout * 1000L);
                if (!back.containsKey("error")) {
                    results.add(String.format(Locale.ROOT, "back to #quiet %.0f", ((Number) back.get("frame")).doubleValue()));
                }
            }
            List<double[]> tasks = sc.page.longTasks(start);
            System.out.printf(Locale.ROOT, "RESULT page-switch lines=%d switch_ms_max=%.0f (to a channel holding %d lines; li.msg in the list after: %d) rounds_ms=[%s] %s; %s%n",
                    total, worst, total, shownLines, String.join(", ", results), longTaskFigures(tasks), load());
            sc.printCpu();
        }
    }

    /** Many lines across many channels, the page showing one; its heap after GC. */
    private void heap(Cpu cpu) throws Exception {
        int total = integer("heap-lines", 100_000, 10_000);
        int channelCount = integer("heap-channels", 20, 20);
        int clients = integer("clients", 50, 20);
        int rate = integer("heap-rate", 2000, 1000);
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < channelCount; i++) {
            channels.add("#h" + i);
        }
        IrcLoad.Lines lines = new IrcLoad.Lines("h", total, clients, channels);
        try (Scenario sc = new Scenario("pbheap", lines, channels, channels.get(0), cpu)) {
            long[] before = sc.page.heapAfterGc();
            double start = IrcLoad.nowMillis();
            lines.send(sc.senders, rate);
            String done = sc.fillDone(channels.get(0));
            long[] after = sc.page.heapAfterGc();
            long[] dom = sc.page.domSize();
            String heap = after == null ? "heap_after_gc_mb=unknown (the page did not answer within 60 s)"
                    : String.format(Locale.ROOT, "heap_after_gc_mb=%.1f (V8 %.1f + DOM/embedder %.1f; %s MB at start)",
                            (after[0] + after[1]) / 1e6, after[0] / 1e6, after[1] / 1e6, heapMb(before));
            System.out.printf(Locale.ROOT, "RESULT page-heap lines=%d channels=%d rate=%d/s %s %s li_msg_in_list=%s dom_elements=%s %s; %s%n",
                    total, channelCount, rate, done == null ? "all delivered" : done, heap,
                    listed(dom), dom == null ? "?" : String.valueOf(dom[1]), longTaskFigures(sc.page, start), load());
            sc.printCpu();
        }
    }

    private static int lastObservedLine(IrcLoad.Lines lines) {
        int best = -1;
        double t = -1;
        for (int k = 0; k < lines.total; k++) {
            double o = lines.observed[lines.index(k)];
            if (o > t) {
                t = o;
                best = k;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ one scenario's parts

    /** A fresh browser and session in {@code channels}, an observer and the senders; all closed at the end. */
    private final class Scenario implements AutoCloseable {
        final Page page;
        final BenchIrcClient observer;
        final List<BenchIrcClient> senders;
        final IrcLoad.Lines lines;
        final Cpu cpu;

        Scenario(String nick, IrcLoad.Lines lines, List<String> channels, String shown, Cpu cpu) throws IOException {
            this.lines = lines;
            this.cpu = cpu;
            List<String> all = new ArrayList<>(channels);
            for (String c : lines.channels) {
                if (!all.contains(c)) {
                    all.add(c);
                }
            }
            observer = irc.client(lines.tag + "obs", all);
            observer.onLine(lines::observe);
            senders = irc.senders(lines.tag, lines.clients, all);
            page = new Page(pageCpus);
            page.connect(base, nick, channels);
            Page.until("the page's nick in " + channels + " on IRC", java.time.Duration.ofSeconds(60),
                    () -> channels.stream().allMatch(c -> lines.joins.contains(nick + " " + c)));
            page.show(shown);
            page.expect(lines.tag, lines.clients, lines.perClient);
            page.expect("s", 1, 1);
            Page.sleep(1000); // the join's own lines (topic, names) settle
            cpu.start();
        }

        /**
         * Waits until the observer has every line, then sends a last line into the shown channel
         * (after the others on the same IRC connection to the page, so shown means they all
         * reached the page) and waits for it. Null when shown, else what was not.
         */
        String fillDone(String shownChannel) {
            long deadline = System.nanoTime() + timeout * 1_000_000_000L;
            while (lines.observedCount.get() < lines.total && System.nanoTime() < deadline) {
                Page.sleep(100);
            }
            if (lines.observedCount.get() < lines.total) {
                return "only " + lines.observedCount.get() + " of " + lines.total + " lines reached IRC within " + timeout + " s";
            }
            senders.get(0).send("PRIVMSG " + shownChannel + " :s0-0");
            double sent = IrcLoad.nowMillis();
            long pageDeadline = System.nanoTime() + timeout * 1_000_000_000L;
            while (System.nanoTime() < pageDeadline) {
                if (page.count("s") == 1) {
                    System.out.printf(Locale.ROOT, "all %d lines on IRC in %.1f s; the page had them %.1f s after the last%n",
                            lines.total, (lines.observed[lines.index(lastObservedLine(lines))] - lines.firstSent()) / 1e3,
                            (IrcLoad.nowMillis() - sent) / 1e3);
                    return null;
                }
                Page.sleep(200);
            }
            return "the page did not take them within " + timeout + " s of the last";
        }

        /** Waits until {@code expected} lines of {@code tag} are shown or {@code timeout} s after the last was sent. */
        void awaitShown(String tag, int expected, java.util.function.DoubleSupplier lastSent) {
            double deadline = lastSent.getAsDouble() + timeout * 1000.0;
            int shown = 0;
            while (IrcLoad.nowMillis() < deadline) {
                int n = page.count(tag);
                if (n >= 0) {
                    shown = n;
                }
                if (shown >= expected || lastLineShown()) {
                    return;
                }
                Page.sleep(250);
            }
        }

        /**
         * Every line is on IRC and the last of them is shown. A page that windows its list may never
         * add lines that arrived together with newer ones: it is done once the last is shown.
         */
        private boolean lastLineShown() {
            if (lines.observedCount.get() < lines.sentCount()) {
                return false;
            }
            int last = lastObservedLine(lines);
            return last >= 0 && page.shownTimes(lines.tag)[lines.index(last)] > 0;
        }

        /** The RESULT line of a scenario whose lines go to the shown channel. */
        void report(String name, String params, double start) {
            double[] shown = page.shownTimes(lines.tag);
            int sent = lines.sentCount();
            int shownCount = 0;
            int observedCount = 0;
            double lastShown = 0;
            double lastObserved = 0;
            int lastObservedIndex = -1;
            List<Double> delays = new ArrayList<>();
            for (int i = 0; i < shown.length; i++) {
                if (shown[i] > 0) {
                    shownCount++;
                    lastShown = Math.max(lastShown, shown[i]);
                }
                if (lines.observed[i] > 0) {
                    observedCount++;
                    if (lines.observed[i] > lastObserved) {
                        lastObserved = lines.observed[i];
                        lastObservedIndex = i;
                    }
                    if (shown[i] > 0) {
                        delays.add(shown[i] - lines.observed[i]);
                    }
                }
            }
            double first = lines.firstSent();
            double ircSeconds = (lastObserved - first) / 1e3;
            double pageSeconds = lastShown > 0 ? (lastShown - first) / 1e3 : 0;
            String lastLine;
            if (lastObservedIndex < 0) {
                lastLine = "no line reached IRC";
            } else if (shown[lastObservedIndex] > 0) {
                lastLine = String.format(Locale.ROOT, "last_line_delay_ms=%.0f", shown[lastObservedIndex] - lastObserved);
            } else {
                lastLine = String.format(Locale.ROOT, "last_line_delay=not shown within %d s", timeout);
            }
            double[] d = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            String all = shownCount == lines.total ? "all shown"
                    : lastObservedIndex >= 0 && shown[lastObservedIndex] > 0
                            ? (lines.total - shownCount) + " never added to the list (windowed out?), the last shown"
                            : String.format(Locale.ROOT, "NOT all shown within %d s of the last sent", timeout);
            System.out.printf(Locale.ROOT, "RESULT page-%s %s sent=%d on_irc=%d shown=%d (%s) irc_s=%.1f page_s=%.1f shown_lines_per_s=%.0f irc_lines_per_s=%.0f "
                            + "%s delay_p50_ms=%.0f delay_p99_ms=%.0f delay_max_ms=%.0f %s li_msg_in_list=%s heap_mb_no_gc=%s; %s%n",
                    name, params, sent, observedCount, shownCount, all, ircSeconds, pageSeconds,
                    pageSeconds > 0 ? shownCount / pageSeconds : 0, ircSeconds > 0 ? observedCount / ircSeconds : 0,
                    lastLine, pct(d, 50), pct(d, 99), d.length == 0 ? 0 : d[d.length - 1],
                    longTaskFigures(page, start), listed(page.domSize()), heapMb(page.heap()), load());
            String problems = page.problems();
            if (!problems.equals("[]")) {
                System.out.println("probe problems: " + problems);
            }
            printCpu();
        }

        void printCpu() {
            System.out.println("cpu " + cpu.stop(page));
        }

        @Override
        public void close() {
            try {
                page.close();
            } finally {
                observer.close();
                senders.forEach(BenchIrcClient::close);
            }
        }
    }

    /** CPU seconds ngircd, the gateway, this process and Chromium used during a scenario. */
    private final class Cpu {
        private double ngircd;
        private double halley;
        private double self;
        private double t0;

        void start() {
            ngircd = cpuSeconds(irc.pid());
            halley = cpuSeconds(gateway.pid());
            self = cpuSeconds(ProcessHandle.current().pid());
            t0 = IrcLoad.nowMillis();
        }

        String stop(Page page) {
            double wall = (IrcLoad.nowMillis() - t0) / 1e3;
            return String.format(Locale.ROOT, "over %.0f s: ngircd %.1f s, gateway %.1f s, IRC clients and bench %.1f s, Chromium (all processes, whole visit) %.1f s",
                    wall, cpuSeconds(irc.pid()) - ngircd, cpuSeconds(gateway.pid()) - halley,
                    cpuSeconds(ProcessHandle.current().pid()) - self, page.cpuSeconds());
        }
    }

    // ------------------------------------------------------------------ figures

    private static String longTaskFigures(Page page, double since) {
        try {
            return longTaskFigures(page.longTasks(since));
        } catch (org.openqa.selenium.WebDriverException e) {
            return "longtasks=unknown (the page did not answer)";
        }
    }

    private static String longTaskFigures(List<double[]> tasks) {
        double[] d = tasks.stream().mapToDouble(t -> t[1]).sorted().toArray();
        double sum = Arrays.stream(d).sum();
        return String.format(Locale.ROOT, "longtasks=%d longtask_p99_ms=%.0f longtask_max_ms=%.0f longtask_total_ms=%.0f",
                d.length, pct(d, 99), d.length == 0 ? 0 : d[d.length - 1], sum);
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String heapMb(long[] heap) {
        return heap == null ? "unknown (the page did not answer)" : String.format(Locale.ROOT, "%.1f", (heap[0] + heap[1]) / 1e6);
    }

    private static String listed(long[] dom) {
        return dom == null ? "unknown (the page did not answer)" : String.valueOf(dom[0]);
    }

    /** utime + stime of a process, seconds (Linux, 100 ticks a second). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String affinity() {
        try {
            Process p = new ProcessBuilder("taskset", "-c", "-p", String.valueOf(ProcessHandle.current().pid())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return out.substring(out.lastIndexOf(' ') + 1);
        } catch (IOException e) {
            return "?";
        }
    }

    /** The machine's load average, to print beside every figure. */
    static String load() {
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
            long cores = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(x -> x.startsWith("processor")).count();
            return "load average " + l[0] + " " + l[1] + " " + l[2] + " on " + cores + " cores";
        } catch (IOException e) {
            return "load unknown";
        }
    }
}

package org.halley.gateway.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.halley.testkit.HaproxyFixture;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.ProsodyFixture;
import org.halley.testkit.ServerProcess;

/**
 * Everything the soak runs against, all real and started here: ngircd, Prosody, three Halley
 * processes (the real jar, fixed pre-touched heap so RSS growth is native growth) and Debian's
 * HAProxy with the shipped deploy/haproxy/haproxy.cfg in front of them. Networks are named
 * {@code irc} and {@code xmpp} (anonymous login, rooms on {@link ProsodyFixture#MUC}).
 */
final class SoakCluster implements AutoCloseable {
    static final List<String> NODES = List.of("n1", "n2", "n3"); // the names the shipped config routes
    static final String CHANNEL_PREFIX = "#soak";
    static final String ROOM_PREFIX = "soak";

    final Path dir;
    final NgircdFixture irc;
    final ProsodyFixture xmpp;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final HaproxyFixture lb;
    final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** One Halley node: {@code java -jar halley.jar --config nX.yaml} in its own process. */
    static final class Node extends ServerProcess {
        final String name;
        final int port;

        Node(Path dir, String name, int port, List<String> command) {
            super(name, dir, command);
            this.name = name;
            this.port = port;
        }

        void start() {
            startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(90), process(), name + ":\n" + logTail(30));
        }

        long pid() {
            return process().pid();
        }

        boolean alive() {
            return process() != null && process().isAlive();
        }

        /** SIGTERM: the node drains and exits by itself. */
        void terminate() {
            process().destroy();
        }

        boolean awaitExit(Duration timeout) throws InterruptedException {
            return process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    SoakCluster(Path jar, String heap) throws Exception {
        dir = Files.createTempDirectory("halley-soak-");
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        xmpp = ProsodyFixture.start(ProsodyFixture.Options.DEFAULTS.quiet());
        Map<String, Integer> ports = new LinkedHashMap<>();
        NODES.forEach(n -> ports.put(n, Ports.free()));
        int lbPort = Ports.free();
        url = "http://127.0.0.1:" + lbPort;
        StringBuilder list = new StringBuilder();
        ports.forEach((n, p) -> list.append("    - {name: ").append(n).append(", address: 127.0.0.1:").append(p).append("}\n"));
        try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Node>> started = new ArrayList<>();
            for (String n : NODES) {
                Path config = Files.writeString(dir.resolve(n + ".yaml"), config(n, ports.get(n), list.toString()));
                List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
                        "-jar", jar.toAbsolutePath().toString(), "--config", config.toString());
                Node node = new Node(dir, n, ports.get(n), cmd);
                started.add(starting.submit(() -> {
                    node.start();
                    return node;
                }));
            }
            for (Future<Node> f : started) {
                Node node = f.get();
                nodes.put(node.name, node);
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("HALLEY_BIND", "127.0.0.1:" + lbPort);
        ports.forEach((n, p) -> env.put("HALLEY_" + n.toUpperCase(Locale.ROOT), "127.0.0.1:" + p));
        lb = HaproxyFixture.start(Path.of(System.getProperty("halley.soak.haproxy", "../deploy/haproxy/haproxy.cfg")), env);
        for (String n : NODES) {
            awaitUp(n, true, Duration.ofSeconds(60));
        }
    }

    /** The node's YAML: both networks, quotas open for one test address, a drain that waits out HAProxy's checks. */
    private String config(String node, int port, String nodeList) {
        return """
                server:
                  port: %d
                  public-url: %s
                  trusted-proxies: [127.0.0.1]
                  drain: {delay: 5s, deadline: 25s}
                limits: {sessions-per-ip: 10000, max-sessions: 10000, linger: 60s, session-buffer-bytes: 64KiB}
                bridges:
                  - name: irc
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    allowed-channels: ["%s*"]
                    admission: {connections-per-ip: 10000, connect-interval: 5ms}
                    reconnect: {delay: 1s, max-delay: 8s}
                  - name: xmpp
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    login: anonymous
                    ca-file: %s
                cluster:
                  node: %s
                  nodes:
                %s""".formatted(port, url, irc.port(), CHANNEL_PREFIX, xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN,
                ProsodyFixture.MUC, xmpp.caFile(), node, nodeList);
    }

    /** Waits until HAProxy's health checks see {@code node} up (or down). */
    void awaitUp(String node, boolean up, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Integer s = lb.serverStates("halley").get(node);
            if (s != null && (s == 2) == up) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("HAProxy did not see " + node + (up ? " up" : " down") + " within " + timeout + "\n" + logs());
    }

    /** Memory, files and threads of one node, after a full GC (so heap is live data). */
    record NodeStats(String node, long pid, int sessions, long rssKiB, long heapKiB, int fds, int threads) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s pid %d: %d sessions, RSS %.1f MiB, heap %.1f MiB, %d fds, %d threads", node, pid, sessions,
                    rssKiB / 1024.0, heapKiB / 1024.0, fds, threads);
        }
    }

    NodeStats stats(String name) {
        Node n = nodes.get(name);
        long pid = n.pid();
        jcmd(pid, "GC.run");
        try {
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            long rss = field(status, "VmRSS:");
            int threads = (int) field(status, "Threads:");
            int fds;
            try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = (int) s.count();
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long heap = (long) (metric(metrics, "jvm_memory_used_bytes{area=\"heap\"}") / 1024);
            int sessions = (int) metric(metrics, "halley_sessions");
            return new NodeStats(name, pid, sessions, rss, heap, fds, threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long field(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + key + " in /proc status");
    }

    private static double metric(String body, String name) {
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new IllegalStateException("no metric " + name);
    }

    private static void jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HAProxy's RSS and open files (it holds two per proxied connection). */
    String lbStats() {
        long pid = lb.process().pid();
        try {
            long rss = field(Files.readString(Path.of("/proc/" + pid + "/status")), "VmRSS:");
            try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                return String.format(Locale.ROOT, "haproxy pid %d: RSS %.1f MiB, %d fds", pid, rss / 1024.0, s.count());
            }
        } catch (IOException e) {
            return "haproxy: " + e.getMessage();
        }
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        nodes.values().forEach(n -> b.append("--- ").append(n.name).append('\n').append(n.logTail(15)).append('\n'));
        b.append("--- haproxy\n").append(lb == null ? "" : lb.logTail(10));
        return b.toString();
    }

    @Override
    public void close() {
        if (lb != null) {
            lb.close();
        }
        nodes.values().forEach(Node::kill);
        if (xmpp != null) {
            xmpp.kill();
        }
        if (irc != null) {
            irc.kill();
        }
    }
}

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.halley.gateway.ClusterNode;
import org.halley.gateway.HalleyCluster;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.ProsodyFixture;

/**
 * Everything the soak runs against, all real and started here: ngircd, Prosody, and the
 * {@link HalleyCluster} of ClusterIT (three Halley processes of the real jar, here with a fixed
 * pre-touched heap so RSS growth is native growth, behind Debian's HAProxy with the shipped
 * deploy/haproxy/haproxy.cfg). Networks are named {@code irc} and {@code xmpp} (anonymous login,
 * rooms on {@link ProsodyFixture#MUC}).
 */
final class SoakCluster implements AutoCloseable {
    static final List<String> NODES = HalleyCluster.NODES;
    static final String CHANNEL_PREFIX = "#soak";
    static final String ROOM_PREFIX = "soak";

    final NgircdFixture irc;
    final ProsodyFixture xmpp;
    final HalleyCluster cluster;
    final Map<String, ClusterNode> nodes;
    final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    SoakCluster(Path jar, String heap) throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        xmpp = ProsodyFixture.start(ProsodyFixture.Options.DEFAULTS.quiet());
        try {
            cluster = new HalleyCluster(jar, Path.of(System.getProperty("halley.soak.haproxy", "../deploy/haproxy/haproxy.cfg")),
                    this::config, List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"));
        } catch (Exception | AssertionError e) {
            xmpp.kill();
            irc.kill();
            throw e;
        }
        nodes = cluster.nodes;
        url = cluster.url;
    }

    /** The node's YAML: both networks, quotas open for one test address, a drain that waits out HAProxy's checks. */
    private String config(String node, int port, String publicUrl) {
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
                """.formatted(port, publicUrl, irc.port(), CHANNEL_PREFIX, xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN,
                ProsodyFixture.MUC, xmpp.caFile());
    }

    /** Waits until HAProxy's health checks see {@code node} up (or down). */
    void awaitUp(String node, boolean up, Duration timeout) {
        cluster.awaitState(node, up ? 2 : 0, timeout);
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
        ClusterNode n = nodes.get(name);
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
        long pid = cluster.lb.process().pid();
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
        return cluster.logs();
    }

    @Override
    public void close() {
        cluster.close();
        xmpp.kill();
        irc.kill();
    }
}

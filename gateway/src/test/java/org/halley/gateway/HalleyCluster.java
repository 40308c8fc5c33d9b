package org.halley.gateway;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.halley.cluster.Owners;
import org.halley.testkit.HaproxyFixture;
import org.halley.testkit.Ports;

/**
 * A share-nothing cluster as deploy/ ships it: nodes n1, n2, n3 (each the real jar in its own
 * process, with the same {@code cluster.nodes}) behind HAProxy running the shipped
 * deploy/haproxy/haproxy.cfg, whose node addresses and public port come from its environment.
 */
final class HalleyCluster implements AutoCloseable {
    static final List<String> NODES = List.of("n1", "n2", "n3"); // the names the shipped HAProxy config routes
    static final String API_SECRET = "cluster-test-secret-0123456789";
    static final Path HAPROXY_CONFIG = Path.of("..", "deploy", "haproxy", "haproxy.cfg");

    final Path dir;
    final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    final HaproxyFixture lb;
    final String url;

    /**
     * Starts the nodes (in parallel) and HAProxy, and waits until HAProxy sees every node ready.
     *
     * @param bridges the YAML list under {@code bridges:}, indented for it
     * @param extraServer more keys under {@code server:} (indented by 2), e.g. drain settings
     */
    HalleyCluster(String bridges, String extraServer, List<String> jvmOptions) throws Exception {
        dir = Files.createTempDirectory("halley-cluster-");
        Map<String, Integer> ports = new LinkedHashMap<>();
        NODES.forEach(n -> ports.put(n, Ports.free()));
        int lbPort = Ports.free();
        url = "http://127.0.0.1:" + lbPort;
        StringBuilder list = new StringBuilder();
        ports.forEach((n, p) -> list.append("    - {name: ").append(n).append(", address: 127.0.0.1:").append(p).append("}\n"));
        try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ClusterNode>> started = new ArrayList<>();
            for (String n : NODES) {
                String yaml = """
                        server:
                          port: %d
                          public-url: %s
                          trusted-proxies: [127.0.0.1]
                          push: {api-secret: %s}
                        %s
                        limits: {sessions-per-ip: 10000, max-sessions: 10000, linger: 30s}
                        bridges:
                        %s
                        cluster:
                          node: %s
                          nodes:
                        %s""".formatted(ports.get(n), url, API_SECRET, extraServer, bridges, n, list);
                started.add(starting.submit(() -> ClusterNode.start(dir, n, ports.get(n), yaml, jvmOptions)));
            }
            for (Future<ClusterNode> f : started) {
                ClusterNode node = f.get();
                nodes.put(node.node, node);
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("HALLEY_BIND", "127.0.0.1:" + lbPort);
        ports.forEach((n, p) -> env.put("HALLEY_" + n.toUpperCase(java.util.Locale.ROOT), "127.0.0.1:" + p));
        lb = HaproxyFixture.start(HAPROXY_CONFIG, env); // the shipped file itself
        NODES.forEach(n -> awaitState(n, 2));
    }

    /** Waits until HAProxy's health checks put {@code node} in {@code state} (2 up, 0 down). */
    void awaitState(String node, int state) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> lb.serverStates("halley").getOrDefault(node, -1) == state);
    }

    ClusterNode node(String name) {
        return nodes.get(name);
    }

    String nodeUrl(String name) {
        return "http://127.0.0.1:" + nodes.get(name).port;
    }

    static String nodeOf(String sessionId) {
        return Owners.nodeOfSession(sessionId);
    }

    /** A user that the cluster rule gives to {@code node}. */
    static String userOn(String node, String prefix) {
        for (int i = 0; ; i++) {
            if (Owners.nodeOfUser(prefix + i, NODES).equals(node)) {
                return prefix + i;
            }
        }
    }

    @Override
    public void close() {
        if (lb != null) {
            lb.close();
        }
        nodes.values().forEach(ClusterNode::kill);
    }

    /** The nodes' and HAProxy's logs, for a failure message. */
    String logs() {
        StringBuilder b = new StringBuilder();
        nodes.values().forEach(n -> b.append("--- ").append(n.node).append('\n').append(n.logTail(20)).append('\n'));
        b.append("--- haproxy\n").append(lb.logTail(20));
        return b.toString();
    }
}

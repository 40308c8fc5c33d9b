package org.halley.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.halley.cluster.Owners;
import org.halley.testkit.HaproxyFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.Waiting;

/**
 * A share-nothing cluster as deploy/ ships it: nodes n1, n2, n3 (each the real jar in its own
 * process, with the same {@code cluster.nodes}) behind HAProxy running the shipped
 * deploy/haproxy/haproxy.cfg, whose node addresses and public port come from its environment.
 * ClusterIT and the soak ({@code org.halley.gateway.soak}) both run on it.
 */
public final class HalleyCluster implements AutoCloseable {
    public static final List<String> NODES = List.of("n1", "n2", "n3"); // the names the shipped HAProxy config routes
    static final String API_SECRET = "cluster-test-secret-0123456789";
    public static final Path HAPROXY_CONFIG = Path.of("..", "deploy", "haproxy", "haproxy.cfg");

    /** A node's YAML up to, not including, its {@code cluster:} section, which the cluster adds. */
    @FunctionalInterface
    public interface NodeYaml {
        String yaml(String node, int port, String publicUrl);
    }

    public final Path dir;
    public final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    public final HaproxyFixture lb;
    public final String url;

    /**
     * ClusterIT's cluster: the built jar, HAProxy's shipped config, and generous quotas.
     *
     * @param bridges the YAML list under {@code bridges:}, indented for it
     * @param extraServer more keys under {@code server:} (indented by 2), e.g. drain settings
     */
    HalleyCluster(String bridges, String extraServer, List<String> jvmOptions) throws Exception {
        this(ClusterNode.jar(), HAPROXY_CONFIG, (node, port, url) -> """
                server:
                  port: %d
                  public-url: %s
                  trusted-proxies: [127.0.0.1]
                  push: {api-secret: %s}
                %s
                limits: {sessions-per-ip: 10000, max-sessions: 10000, linger: 30s}
                bridges:
                %s
                """.formatted(port, url, API_SECRET, extraServer, bridges), jvmOptions);
    }

    /**
     * Starts the nodes (in parallel) from {@code jar}, each with its {@code yaml} and the cluster's
     * node list, then HAProxy with {@code haproxyConfig}, and waits until HAProxy sees every node ready.
     */
    public HalleyCluster(Path jar, Path haproxyConfig, NodeYaml yaml, List<String> jvmOptions) throws Exception {
        dir = Files.createTempDirectory("halley-cluster-");
        Map<String, Integer> ports = new LinkedHashMap<>();
        NODES.forEach(n -> ports.put(n, Ports.free()));
        int lbPort = Ports.free();
        url = "http://127.0.0.1:" + lbPort;
        try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ClusterNode>> started = new ArrayList<>();
            for (String n : NODES) {
                String config = yaml.yaml(n, ports.get(n), url).stripTrailing() + "\n" + clusterSection(n, ports);
                started.add(starting.submit(() -> ClusterNode.start(dir, jar, n, ports.get(n), config, jvmOptions)));
            }
            try {
                for (Future<ClusterNode> f : started) {
                    ClusterNode node = f.get();
                    nodes.put(node.node, node);
                }
            } catch (ExecutionException e) {
                starting.shutdownNow();
                for (Future<ClusterNode> f : started) {
                    if (f.state() == Future.State.SUCCESS) {
                        f.resultNow().kill();
                    }
                }
                throw e;
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("HALLEY_BIND", "127.0.0.1:" + lbPort);
        ports.forEach((n, p) -> env.put("HALLEY_" + n.toUpperCase(Locale.ROOT), "127.0.0.1:" + p));
        HaproxyFixture started;
        try {
            started = HaproxyFixture.start(haproxyConfig, env);
        } catch (RuntimeException e) {
            nodes.values().forEach(ClusterNode::kill);
            throw e;
        }
        lb = started;
        try {
            NODES.forEach(n -> awaitState(n, 2, Duration.ofSeconds(60)));
        } catch (AssertionError e) {
            close();
            throw e;
        }
    }

    /** The {@code cluster:} section that every node of a cluster on {@code ports} (node to port, 127.0.0.1) shares but {@code node:}. */
    static String clusterSection(String node, Map<String, Integer> ports) {
        StringBuilder b = new StringBuilder("cluster:\n  node: ").append(node).append("\n  nodes:\n");
        ports.forEach((n, p) -> b.append("    - {name: ").append(n).append(", address: 127.0.0.1:").append(p).append("}\n"));
        return b.toString();
    }

    /** Waits until HAProxy's health checks put {@code node} in {@code state} (2 up, 0 down). */
    public void awaitState(String node, int state) {
        awaitState(node, state, Duration.ofSeconds(30));
    }

    /** As {@link #awaitState(String, int)}, for at most {@code timeout}; the failure shows the logs. */
    public void awaitState(String node, int state, Duration timeout) {
        Waiting.until("HAProxy sees " + node + " in state " + state, timeout,
                () -> lb.serverStates("halley").getOrDefault(node, -1) == state, this::logs);
    }

    public ClusterNode node(String name) {
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
    public String logs() {
        StringBuilder b = new StringBuilder();
        nodes.values().forEach(n -> b.append("--- ").append(n.node).append('\n').append(n.logTail(20)).append('\n'));
        b.append("--- haproxy\n").append(lb.logTail(20));
        return b.toString();
    }
}

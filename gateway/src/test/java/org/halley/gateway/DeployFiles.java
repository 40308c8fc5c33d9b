package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.testkit.Ports;

/**
 * The shipped files under deploy/, made runnable on test ports: only addresses, ports and paths
 * are replaced, and each replacement must find what it replaces, so a change to the shipped file
 * that the tests no longer cover fails here.
 */
final class DeployFiles {
    static final Path DEPLOY = Path.of("..", "deploy");

    private DeployFiles() {}

    static String read(String file) {
        try {
            return Files.readString(DEPLOY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} with each key replaced by its value; every key must occur. */
    static String replaceAll(String text, Map<String, String> replacements) {
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertThat(text).as("the shipped file still has %s", r.getKey()).contains(r.getKey());
            text = text.replace(r.getKey(), r.getValue());
        }
        return text;
    }

    /**
     * deploy/nginx as the body of nginx's http block: halley.conf (and halley-tls.conf when {@code
     * tlsPort > 0}), its include files written to {@code dir}.
     */
    static String nginx(Path dir, int port, int tlsPort, Map<String, Integer> nodePorts, Path cert, Path key) {
        Map<String, String> r = new LinkedHashMap<>();
        nodePorts.forEach((node, p) -> r.put("10.0.0." + node.substring(1) + ":8080", "127.0.0.1:" + p));
        r.put("listen 80;", "listen 127.0.0.1:" + port + ";");
        r.put("/etc/nginx/", dir + "/");
        String http = replaceAll(read("nginx/halley.conf"), r);
        try {
            Files.writeString(dir.resolve("halley-locations.conf"), replaceAll(read("nginx/halley-locations.conf"),
                    Map.of("/etc/nginx/", dir + "/")));
            Files.writeString(dir.resolve("halley-proxy.conf"), read("nginx/halley-proxy.conf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tlsPort > 0) {
            http += replaceAll(read("nginx/halley-tls.conf"), Map.of(
                    "listen 443 ssl;", "listen 127.0.0.1:" + tlsPort + " ssl;",
                    "/etc/halley/tls/fullchain.pem", cert.toString(),
                    "/etc/halley/tls/privkey.pem", key.toString(),
                    "/etc/nginx/", dir + "/"));
        }
        return http;
    }

    /**
     * Three in-process nodes n1-n3 of one cluster, for proxy tests. Their network is the IRC
     * server on {@code ircPort} (nobody connects to it; it makes the nodes ready).
     */
    static Map<String, Gateway> nodes(String publicUrl, int ircPort) throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        HalleyCluster.NODES.forEach(n -> ports.put(n, Ports.free()));
        Map<String, Gateway> nodes = new LinkedHashMap<>();
        for (String n : HalleyCluster.NODES) {
            nodes.put(n, Gateway.start(ConfigLoader.parse(n + ".yaml", """
                    server:
                      port: %d
                      public-url: %s
                      trusted-proxies: [127.0.0.1]
                      push: {api-secret: %s}
                    limits: {sessions-per-ip: 10000}
                    bridges: [{name: demo, kind: irc, host: 127.0.0.1, port: %d, tls: false}]
                    %s""".formatted(ports.get(n), publicUrl, HalleyCluster.API_SECRET, ircPort,
                    HalleyCluster.clusterSection(n, ports)))));
        }
        return nodes;
    }

    static Map<String, Integer> ports(Map<String, Gateway> nodes) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        nodes.forEach((n, g) -> ports.put(n, g.port()));
        return ports;
    }

    static void close(Map<String, Gateway> nodes) throws InterruptedException {
        for (Gateway g : nodes.values()) {
            g.close();
        }
    }
}

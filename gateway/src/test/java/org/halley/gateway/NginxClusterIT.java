package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.halley.testkit.NginxFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/nginx in front of three nodes (in-process, so their counters can be read): sessions
 * spread, every transport's request reaches its session's node, the push API is not public, a
 * node that is gone sends its sessions' browsers to a live node that tells them (421, 4421), and a
 * draining node's 503 for a new session is retried on another.
 */
class NginxClusterIT {
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    // Each test has its own nodes and proxy (one takes a node away and drains another).
    private ProxiedNodes cluster;
    private Map<String, Gateway> nodes;
    private String url;

    @BeforeEach
    void start() throws Exception {
        cluster = new ProxiedNodes();
        nodes = cluster.nodes;
        url = cluster.url;
        cluster.proxy(NginxFixture.startHttp(cluster.port, dir -> DeployFiles.nginx(dir, cluster.port, 0, DeployFiles.ports(nodes), null, null)));
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sessionsSpreadAndEveryTransportReachesTheSessionsNode() throws Exception {
        List<PushProbe> held = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            held.add(PushProbe.create(http, url));
        }
        Map<String, Long> spread = held.stream().collect(Collectors.groupingBy(PushProbe::node, TreeMap::new, Collectors.counting()));
        assertThat(spread.keySet()).containsExactlyElementsOf(HalleyCluster.NODES);
        assertThat(spread.values()).allMatch(n -> n >= 6);
        for (String node : HalleyCluster.NODES) {
            PushProbe s = held.stream().filter(p -> p.node().equals(node)).findFirst().orElseThrow();
            s.abort();
            String q = "?session=" + s.session + "&token=" + s.token + "&last=0";
            assertThat(hello("/push/sse" + q)).contains("\"transport\":\"sse\"", s.session);
            assertThat(hello("/push/stream" + q)).contains("\"transport\":\"xhr-streaming\"", s.session);
            assertThat(hello("/push/iframe" + q + "&callback=cb")).contains("\"transport\":\"iframe\"", s.session);
            HttpResponse<String> poll = http.send(request("/push/poll" + q + "&wait=0").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(poll.statusCode()).isEqualTo(200);
            assertThat(poll.body()).contains("\"transport\":\"long-polling\"", s.session);
            HttpResponse<String> send = http.send(request("/push/send?session=" + s.session).header("X-Halley-Token", s.token)
                    .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(send.statusCode()).isEqualTo(200);
        }
        held.forEach(PushProbe::abort);
        nodes.forEach((n, g) -> {
            assertThat(g.push().counters().snapshot().misdirected()).as("requests %s got for another node", n).isZero();
            assertThat(g.push().counters().snapshot().forbidden()).as("requests %s refused", n).isZero();
        });
    }

    @Test
    void thePushApiIsNotPublic() throws Exception {
        HttpResponse<String> r = http.send(request("/push/api/sessions").header("Authorization", "Bearer " + HalleyCluster.API_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void aNodeThatIsGoneSendsItsBrowsersToALiveNodeThatTellsThem() throws Exception {
        PushProbe probe = PushProbe.create(http, url);
        while (!probe.node().equals("n2")) {
            probe.abort();
            probe = PushProbe.create(http, url);
        }
        nodes.remove("n2").close();
        PushProbe p = probe;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !p.closes.isEmpty());
        probe.connect(http, probe.last());
        assertThat(probe.closes).last().as("WebSocket close code on resuming").isEqualTo(4421);
        HttpResponse<String> send = http.send(request("/push/send?session=" + probe.session).header("X-Halley-Token", probe.token)
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(send.statusCode()).isEqualTo(421);
        assertThat(PushProbe.JSON.readTree(send.body()).get("node").asText()).isEqualTo("n2");
        for (int i = 0; i < 6; i++) {
            PushProbe fresh = PushProbe.create(http, url);
            assertThat(fresh.node()).as("a new session").isIn("n1", "n3");
            fresh.abort();
        }

        // A draining node answers new sessions 503; nginx asks the next node instead of failing.
        nodes.get("n1").push().drain();
        for (int i = 0; i < 6; i++) {
            PushProbe fresh = PushProbe.create(http, url); // fails unless 201
            assertThat(fresh.node()).as("a new session while n1 drains").isEqualTo("n3");
            fresh.abort();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Origin", url).timeout(Duration.ofSeconds(10));
    }

    /** The line of a streamed response that carries the hello; then the stream is dropped. */
    private String hello(String path) throws Exception {
        HttpResponse<InputStream> r = http.send(request(path).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains("\"type\":\"hello\"")) {
                    return line;
                }
            }
        }
        throw new AssertionError("no hello in " + path);
    }
}

package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.halley.testkit.HaproxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped HAProxy config retries a new session elsewhere when a node refuses it (503: it
 * drains) or cannot be reached (it died), in the seconds before the health check takes the node
 * out. The health checks of the node under test are paused on HAProxy's admin socket, so that
 * window stays open for as long as the test needs it instead of a race with the check interval.
 */
class HaproxyRetryIT {
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static ProxiedNodes cluster;
    private static Map<String, Gateway> nodes;
    private static HaproxyFixture lb;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ProxiedNodes();
        nodes = cluster.nodes;
        url = cluster.url;
        Map<String, String> env = new HashMap<>();
        env.put("HALLEY_BIND", "127.0.0.1:" + cluster.port);
        nodes.forEach((n, g) -> env.put("HALLEY_" + n.toUpperCase(Locale.ROOT), "127.0.0.1:" + g.port()));
        lb = cluster.proxy(HaproxyFixture.start(HalleyCluster.HAPROXY_CONFIG, env));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> lb.serverStates("halley").values().stream().filter(s -> s == 2).count() == 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNewSessionRefusedByADrainingNodeOrLostWithADeadOneIsMadeOnAnother() throws Exception {
        // n1 drains; HAProxy has not noticed (its checks are paused) and still balances onto it.
        lb.command("disable health halley/n1");
        nodes.get("n1").push().drain();
        assertSessionsAvoid("n1", 503);

        // n1 is taken out (as its failing checks would), and n2 dies (its port closes) while
        // HAProxy still thinks it up. (One retry covers one bad node, not two at once.)
        lb.command("set server halley/n1 state maint");
        lb.command("disable health halley/n2");
        nodes.remove("n2").close();
        assertSessionsAvoid("n2", -1);
    }

    /**
     * Nine new sessions through HAProxy all succeed on a node other than {@code avoided}, and at
     * least one of them was first sent to {@code avoided} and retried (the HTTP log counts retries).
     */
    private static void assertSessionsAvoid(String avoided, int refusal) throws Exception {
        assertThat(lb.serverStates("halley")).as("HAProxy still counts %s in", avoided).containsEntry(avoided, 2);
        int logged = lb.requests().size();
        for (int i = 0; i < 9; i++) {
            PushProbe fresh = PushProbe.create(http, url); // fails unless 201
            assertThat(fresh.node()).as("a new session while %s is out", avoided).isNotEqualTo(avoided);
            fresh.abort();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> creations(logged).size() == 9);
        List<HaproxyFixture.Request> creations = creations(logged);
        assertThat(creations).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.server()).isNotEqualTo(avoided);
        });
        assertThat(creations).as("balanced onto %s (%s), then retried elsewhere", avoided, refusal < 0 ? "refused connection" : refusal)
                .anyMatch(r -> r.retries() > 0);
        if (refusal > 0) {
            assertThat(nodes.get(avoided).push().counters().snapshot().sessionsOpened())
                    .as("%s made no session while it drained", avoided).isZero();
        }
    }

    private static List<HaproxyFixture.Request> creations(int logged) {
        List<HaproxyFixture.Request> all = lb.requests();
        return all.subList(Math.min(logged, all.size()), all.size()).stream()
                .filter(r -> r.method().equals("POST") && r.uri().equals("/push/session")).toList();
    }
}

package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.halley.config.ConfigLoader;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.junit.jupiter.api.Test;

/**
 * {@code /readyz} follows the networks: ready while one can be reached (a person connected to it,
 * or a TCP probe), not ready with the reason while none can, ready again when one comes back.
 * {@code /healthz} stays 200 throughout: the process is alive. A node that holds
 * {@code limits.max-sessions} is not ready for new ones.
 */
class ReadinessIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFollowsTheReachabilityOfTheNetworks() throws Exception {
        int unused = Ports.free(); // a second network nobody listens on
        try (NgircdFixture irc = NgircdFixture.start()) {
            Gateway g = Gateway.start(ConfigLoader.parse("test.yaml", """
                    server: {port: 0, probe-interval: 200ms}
                    bridges:
                      - {name: demo, kind: irc, host: 127.0.0.1, port: %d, tls: false}
                      - {name: gone, kind: irc, host: 127.0.0.1, port: %d, tls: false}
                    """.formatted(irc.port(), unused)));
            try {
                await().atMost(WAIT).until(() -> get(g.port(), "/readyz").statusCode() == 200);
                String body = get(g.port(), "/readyz").body();
                assertThat(body).startsWith("ready\n").contains("demo: reachable (TCP connect to 127.0.0.1:" + irc.port() + " worked")
                        .contains("gone: unreachable (TCP connect to 127.0.0.1:" + unused + " failed: Connection refused");

                irc.stop();
                await().atMost(WAIT).until(() -> get(g.port(), "/readyz").statusCode() == 503);
                assertThat(get(g.port(), "/readyz").body()).startsWith("not ready: no network reachable\n")
                        .contains("demo: unreachable");
                assertThat(get(g.port(), "/healthz").statusCode()).isEqualTo(200);

                irc.restart();
                await().atMost(WAIT).until(() -> get(g.port(), "/readyz").statusCode() == 200);
            } finally {
                g.close();
            }
        }
    }

    @Test
    void aFullNodeIsNotReadyForNewSessionsAndIsAgainWhenOneEnds() throws Exception {
        try (NgircdFixture irc = NgircdFixture.start()) {
            int port = Ports.free();
            String base = "http://127.0.0.1:" + port;
            Gateway g = Gateway.start(ConfigLoader.parse("test.yaml", """
                    server: {port: %d, public-url: %s, probe-interval: 200ms}
                    limits: {max-sessions: 2}
                    bridges:
                      - {name: demo, kind: irc, host: 127.0.0.1, port: %d, tls: false}
                    """.formatted(port, base, irc.port())));
            try {
                await().atMost(WAIT).until(() -> get(port, "/readyz").statusCode() == 200);
                BrowserClient first = new BrowserClient(base).created();
                assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
                BrowserClient second = new BrowserClient(base).created();
                HttpResponse<String> full = get(port, "/readyz");
                assertThat(full.statusCode()).isEqualTo(503);
                assertThat(full.body()).startsWith("not ready: full (2 of limits.max-sessions 2)\n").contains("demo: reachable");
                assertThat(new BrowserClient(base).create().statusCode()).isEqualTo(503);

                HttpResponse<String> closed = second.http.send(HttpRequest.newBuilder(URI.create(base + "/push/close?session=" + second.session))
                        .header("Origin", base).header("X-Halley-Token", second.token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
                await().atMost(WAIT).until(() -> get(port, "/readyz").statusCode() == 200);
                assertThat(first.session).isNotNull();
            } finally {
                g.close();
            }
        }
    }
}

package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real Halley process (the shipped jar) with real browsers' sessions bridged to a real
 * ngircd: it goes not-ready at once and refuses new sessions, tells every browser to reconnect
 * (WebSocket 1001, the SSE stream ends, and no "session ended"), leaves IRC with the drain's QUIT
 * message, and exits with 0 within its deadline.
 */
class DrainIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static String config(int ircPort, String drain) {
        return """
                server:
                  port: @PORT@
                  public-url: http://127.0.0.1:@PORT@
                  probe-interval: 500ms
                  drain: {%s}
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    default-channels: ["#halley"]
                    quit-message: Closed the tab
                    admission: {connect-interval: 0ms}
                """.formatted(drain, ircPort);
    }

    private static HttpResponse<String> get(BrowserClient c, String path) throws Exception {
        return c.http.send(HttpRequest.newBuilder(URI.create(c.base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sigtermDrainsEveryBrowserAndNetworkAndExitsWithinTheDeadline(@TempDir Path dir) throws Exception {
        try (NgircdFixture irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
                RawIrcClient watcher = RawIrcClient.connect(irc.port(), "watcher");
                HalleyProcess halley = HalleyProcess.start(dir, config(irc.port(),
                        "delay: 1500ms, deadline: 10s, quit-message: Server restarting now"))) {
            watcher.join("#halley");
            BrowserClient ws = new BrowserClient(halley.base).created().websocket();
            BrowserClient sse = new BrowserClient(halley.base).created().sse();
            ws.op("{\"op\":\"connect\",\"network\":\"demo\",\"nick\":\"wsuser\",\"channels\":[\"#halley\"]}");
            sse.op("{\"op\":\"connect\",\"network\":\"demo\",\"nick\":\"sseuser\",\"channels\":[\"#halley\"]}");
            watcher.await(l -> l.startsWith(":wsuser!") && l.contains(" JOIN "), WAIT);
            watcher.await(l -> l.startsWith(":sseuser!") && l.contains(" JOIN "), WAIT);
            await().atMost(WAIT).until(() -> get(ws, "/readyz").statusCode() == 200);
            assertThat(get(ws, "/readyz").body()).startsWith("ready\n").contains("demo: reachable (2 connected)");

            long signalled = System.nanoTime();
            halley.signal("TERM");

            // At once: not ready, and new sessions refused; the sessions open now still work.
            await().atMost(Duration.ofSeconds(1)).until(() -> get(ws, "/readyz").statusCode() == 503);
            assertThat(get(ws, "/readyz").body()).startsWith("not ready: draining");
            assertThat(get(ws, "/healthz").statusCode()).isEqualTo(200); // alive all the same
            HttpResponse<String> refused = new BrowserClient(halley.base).create();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"error\":\"draining\"");
            assertThat(ws.ended).isFalse();

            // After the delay: every browser is told to reconnect, every network left with the drain's QUIT.
            await().atMost(WAIT).until(() -> ws.ended && sse.ended);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)).isGreaterThanOrEqualTo(1400);
            assertThat(ws.closeCode).isEqualTo(1001);
            assertThat(ws.received).noneMatch(m -> m.path("type").asText().equals("close"));
            assertThat(sse.received).noneMatch(m -> m.path("type").asText().equals("close"));
            watcher.await(l -> l.startsWith(":wsuser!") && l.contains(" QUIT :") && l.contains("Server restarting now"), WAIT);
            watcher.await(l -> l.startsWith(":sseuser!") && l.contains(" QUIT :") && l.contains("Server restarting now"), WAIT);

            assertThat(halley.process().waitFor(10, TimeUnit.SECONDS)).as(halley.log()).isTrue();
            assertThat(halley.process().exitValue()).isZero();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)).isLessThan(10_000);
            assertThat(halley.log()).contains("drain started").contains("drain finished").contains("stopped");
        }
    }

    @Test
    void aNetworkThatDoesNotLetGoCannotHoldTheProcessPastItsDeadline(@TempDir Path dir) throws Exception {
        // A server that never answers QUIT nor closes: the bridge would wait 2 s for it.
        try (ScriptedIrcServer irc = new ScriptedIrcServer((nick, channel) -> java.util.List.of());
                HalleyProcess halley = HalleyProcess.start(dir, config(irc.port(), "deadline: 1s"))) {
            irc.ignoreQuit = true;
            BrowserClient b = new BrowserClient(halley.base).created().websocket();
            b.op("{\"op\":\"connect\",\"network\":\"demo\",\"nick\":\"stuck\"}");
            await().atMost(WAIT).until(() -> b.hasEvent("connected"));

            long signalled = System.nanoTime();
            halley.signal("TERM");
            assertThat(halley.process().waitFor(10, TimeUnit.SECONDS)).as(halley.log()).isTrue();
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(took).as(halley.log()).isLessThan(1_900);
            assertThat(halley.process().exitValue()).isZero();
            assertThat(b.closeCode).isEqualTo(1001);
            assertThat(halley.log()).contains("drain stopped at its deadline");
        }
    }
}

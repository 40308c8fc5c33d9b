package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.halley.config.ConfigLoader;
import org.halley.testkit.InspircdFixture;
import org.halley.testkit.IrcWireTap;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A browser session bridged to IRC through the whole gateway, driven over the push protocol's
 * HTTP side: the IRC network sees the browser's address (from the right X-Forwarded-For hop) by
 * WEBIRC and its hex ident, and the session's end QUITs with the network's configured message.
 */
class GatewayIrcIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static InspircdFixture irc; // follows the WEBIRC spec (ngircd takes its gateway name for the ident)
    private static IrcWireTap tap; // in front of irc for the network "tapped": every line the gateway sent it
    private static Gateway gateway;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        irc = InspircdFixture.start(InspircdFixture.Options.DEFAULTS.withWebirc("gateway-pw"));
        tap = IrcWireTap.to(irc.port());
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        gateway = Gateway.start(ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                  trusted-proxies: [127.0.0.1]
                limits:
                  sessions-per-ip: 2
                  session-buffer-events: 8
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    webirc-password: gateway-pw
                    quit-message: Closed the Halley tab
                    admission: {connect-interval: 0ms}
                  - name: tapped
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    webirc-password: gateway-pw
                    admission: {connect-interval: 0ms}
                    flood: {burst: 20, interval: 50ms}
                """.formatted(port, base, irc.port(), tap.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (tap != null) {
            tap.close();
        }
        if (irc != null) {
            irc.close();
        }
    }

    /** Creates a session as a browser behind a proxy would, returning id and token. */
    private static JsonNode session(String forwardedFor) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session"))
                .header("Origin", base).header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private static void send(JsonNode s, int cseq, String op) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/send?session=" + s.get("session").asText()))
                .header("Origin", base).header("X-Halley-Token", s.get("token").asText())
                .POST(HttpRequest.BodyPublishers.ofString("[{\"cseq\":" + cseq + ",\"data\":" + op + "}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void close(JsonNode s) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(base + "/push/close?session=" + s.get("session").asText()))
                .header("Origin", base).header("X-Halley-Token", s.get("token").asText())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One long poll answered at once: the session's messages after {@code last}. */
    private static JsonNode poll(JsonNode s, long last) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/poll?session="
                        + s.get("session").asText() + "&last=" + last + "&wait=0"))
                .header("Origin", base).header("X-Halley-Token", s.get("token").asText()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Polls, following the session's events, until one matches; returns the seq to poll from next. */
    private static long until(JsonNode s, long last, java.util.function.Predicate<JsonNode> event, java.util.List<JsonNode> seen)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long next = last;
        while (System.nanoTime() < deadline) {
            for (JsonNode m : poll(s, next)) {
                if (m.has("seq") && m.has("event")) {
                    next = Math.max(next, m.get("seq").asLong());
                    seen.add(m.get("event"));
                    if (event.test(m.get("event"))) {
                        return next;
                    }
                } else if (m.path("type").asText().equals("reset")) {
                    next = Math.max(next, m.get("seq").asLong());
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such event within " + WAIT + " among " + seen);
    }

    @Test
    void everyOpOnAnUnknownNetworkAnswersUnknownNetworkAndOnAKnownOneNotConnected() throws Exception {
        JsonNode s = session("203.0.113.30");
        String[] ops = {"{\"op\":\"join\",\"channel\":\"#halley\"", "{\"op\":\"part\",\"channel\":\"#halley\"",
            "{\"op\":\"say\",\"target\":\"#halley\",\"text\":\"x\"", "{\"op\":\"topic\",\"channel\":\"#halley\",\"topic\":\"t\"",
            "{\"op\":\"kick\",\"channel\":\"#halley\",\"nick\":\"bob\"", "{\"op\":\"mode\",\"target\":\"#halley\",\"modes\":\"+i\"",
            "{\"op\":\"whois\",\"nick\":\"bob\"", "{\"op\":\"quit\""};
        int cseq = 0;
        long last = 0;
        java.util.List<JsonNode> seen = new java.util.ArrayList<>();
        for (String op : ops) { // one pair at a time: the buffer holds 8 events here
            send(s, ++cseq, op + ",\"network\":\"nowhere\"}");
            send(s, ++cseq, op + ",\"network\":\"demo\"}");
            int want = 2 * (cseq / 2);
            last = until(s, last, e -> seen.stream().filter(x -> x.path("type").asText().equals("problem")).count() >= want, seen);
        }
        assertThat(seen).filteredOn(e -> e.path("network").asText().equals("nowhere"))
                .hasSize(ops.length).allSatisfy(e -> {
                    assertThat(e.path("code").asText()).isEqualTo("unknown-network");
                    assertThat(e.path("field").asText()).isEqualTo("network");
                });
        assertThat(seen).filteredOn(e -> e.path("network").asText().equals("demo"))
                .hasSize(ops.length).allSatisfy(e -> assertThat(e.path("code").asText()).isEqualTo("not-connected"));
        close(s);
    }

    @Test
    void aBrowserRepeatingAStaleLastCannotMakeTheGatewayAskTheNetworkOrSayAgainMoreThanTheBudget() throws Exception {
        try (RawIrcClient alice = RawIrcClient.connect(irc.port(), "alices")) {
            alice.join("#halley-s");
            JsonNode s = session("203.0.113.20");
            send(s, 1, "{\"op\":\"connect\",\"network\":\"tapped\",\"nick\":\"stormy\",\"channels\":[\"#halley-s\"]}");
            java.util.List<JsonNode> seen = new java.util.ArrayList<>();
            long last = until(s, 0, e -> e.path("type").asText().equals("members") && e.path("channel").asText().equals("#halley-s"), seen);
            for (int i = 1; i <= 10; i++) { // more than the 8-event buffer holds: last=1 is gone from it
                alice.say("#halley-s", "line " + i);
            }
            last = until(s, last, e -> e.path("text").asText().equals("line 10"), seen);
            long namesBefore = tap.sent().stream().filter(l -> l.startsWith("NAMES")).count();
            long doneBefore = gateway.metrics().refreshesDone.sum();
            long coalescedBefore = gateway.metrics().refreshesCoalesced.sum();
            long seqBefore = last;

            // A client that never learns: every poll says last=1, long gone from the 8-event buffer.
            long stormEnd = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int polls = 0;
            long seqAfter = seqBefore;
            while (System.nanoTime() < stormEnd) {
                JsonNode answer = poll(s, 1);
                polls++;
                seqAfter = Math.max(seqAfter, answer.get(0).path("seq").asLong());
                assertThat(answer.findValuesAsText("type")).as("a reset on every stale poll: " + answer).contains("reset");
            }
            long done = gateway.metrics().refreshesDone.sum() - doneBefore;
            long coalesced = gateway.metrics().refreshesCoalesced.sum() - coalescedBefore;
            // 4 s at one refresh per 3 s: the first at once, one more at most (its 3 s mark), the rest folded in.
            assertThat(done).as(polls + " stale polls").isBetween(1L, 2L);
            assertThat(coalesced).isGreaterThanOrEqualTo(polls - 2L);
            // Each refresh says a handful of events (connected, joined, topic, members): not one set per poll.
            assertThat(seqAfter - seqBefore).as("events made during " + polls + " stale polls").isLessThanOrEqualTo(done * 6 + 4);
            // The folded-in refresh still comes, so the newest page gets the picture.
            until(s, seqAfter, e -> e.path("type").asText().equals("joined") && e.path("self").asBoolean(), seen);
            // Upstream: a channel's names at most once per 10 s (one now, the next one deferred past the storm).
            assertThat(tap.sent().stream().filter(l -> l.startsWith("NAMES")).count() - namesBefore)
                    .as("NAMES sent upstream during " + polls + " stale polls").isLessThanOrEqualTo(1L);
            close(s);
        }
    }

    @Test
    void theNetworkSeesTheBrowsersAddressAndTheSessionsEndQuitsWithTheConfiguredMessage() throws Exception {
        try (RawIrcClient alice = RawIrcClient.connect(irc.port(), "alice")) {
            alice.join("#halley");
            // The browser wrote 6.6.6.6 itself; the proxy (127.0.0.1, trusted) appended what it saw.
            JsonNode s = session("6.6.6.6, 198.51.100.23");
            send(s, 1, "{\"op\":\"connect\",\"network\":\"demo\",\"nick\":\"webby\",\"channels\":[\"#halley\"]}");
            String join = alice.await(l -> l.startsWith(":webby!") && l.contains("JOIN"), WAIT);
            assertThat(join).startsWith(":webby!c6336417@198.51.100.23 JOIN");
            send(s, 2, "{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#halley\",\"text\":\"hello from the web\"}");
            alice.await(l -> l.startsWith(":webby!") && l.endsWith("PRIVMSG #halley :hello from the web"), WAIT);

            close(s);
            alice.await(l -> l.startsWith(":webby!") && l.contains("QUIT") && l.contains("Closed the Halley tab"), WAIT);
            alice.send("WHOIS webby");
            alice.await(l -> l.contains(" 401 alice webby "), WAIT);
            await().atMost(WAIT).until(() -> gateway.bridges().values().stream().allMatch(b ->
                    !(b instanceof org.halley.bridges.irc.IrcBridge irc) || irc.connections() == 0));
        }
    }

    @Test
    void sessionsPerIpCountsBrowsersBehindTheProxyNotTheProxy() throws Exception {
        // Every request comes from 127.0.0.1, the trusted proxy; the browsers are what it forwards.
        JsonNode[] mine = {session("203.0.113.7"), session("203.0.113.7")};
        JsonNode[] others = {session("203.0.113.8"), session("203.0.113.9"), session("203.0.113.10")};
        HttpResponse<String> third = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session"))
                .header("Origin", base).header("X-Forwarded-For", "203.0.113.7")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("too-many-sessions");
        for (JsonNode s : mine) {
            close(s);
        }
        for (JsonNode s : others) {
            close(s);
        }
    }
}

package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.ProsodyFixture;
import org.halley.testkit.RawIrcClient;
import org.halley.testkit.Waiting;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real Halley process logs, in text at the default level and in JSON at DEBUG: one line
 * for each event worth knowing (sessions, networks, reload on SIGHUP, drain), and never a
 * password, a token, a secret of the config or the text of a message, whichever way it travelled.
 */
class LogsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = "ADMIN-SECRET-0123456789";
    private static final String API = "API-SECRET-0123456789";
    private static final String WEBIRC = "WEBIRC-SECRET-PW";
    private static final String IRC_PASSWORD = "IRC-SASL-PASSWORD-1";
    private static final String XMPP_PASSWORD = "XMPP-ACCOUNT-PASSWORD-2";
    private static final String ROOM = "logs@" + ProsodyFixture.MUC;
    /** Strings that must never reach the log (the session token is added once known). */
    private static final List<String> NEVER = List.of(ADMIN, API, WEBIRC, IRC_PASSWORD, XMPP_PASSWORD,
            "BROWSER-SAYS-SECRET-TEXT", "NETWORK-SAYS-SECRET-TEXT", "PRIVATE-SECRET-TEXT", "XMPP-ROOM-SECRET-TEXT",
            "API-EVENT-SECRET-TEXT", "TOPIC-SECRET-TEXT", "QUIT-REASON-SECRET-TEXT");

    @ParameterizedTest
    @CsvSource({"text, info", "json, debug"})
    void eventsWorthKnowingAreLoggedAndNoSecretOrMessageTextIs(String format, String level, @TempDir Path dir) throws Exception {
        try (NgircdFixture irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withWebirc(WEBIRC).withoutPenalties());
                ProsodyFixture xmpp = ProsodyFixture.start();
                RawIrcClient alice = RawIrcClient.connect(irc.port(), "alice")) {
            xmpp.register("carol", ProsodyFixture.DOMAIN, XMPP_PASSWORD);
            alice.join("#halley");
            String yaml = """
                    server:
                      port: @PORT@
                      public-url: http://127.0.0.1:@PORT@
                      push: {api-secret: %s}
                      drain: {deadline: 10s}
                    admin: {secret: %s}
                    logging: {format: %s, level: %s}
                    bridges:
                      - name: irc
                        kind: irc
                        host: 127.0.0.1
                        port: %d
                        tls: false
                        webirc-password: %s
                        admission: {connect-interval: 0ms}
                      - name: jabber
                        kind: xmpp
                        host: 127.0.0.1
                        port: %d
                        domain: %s
                        muc-service: %s
                        ca-file: %s
                    """.formatted(API, ADMIN, format, level, irc.port(), WEBIRC, xmpp.port(), ProsodyFixture.DOMAIN,
                    ProsodyFixture.MUC, xmpp.caFile());
            try (HalleyProcess halley = HalleyProcess.start(dir, yaml)) {
                BrowserClient b = new BrowserClient(halley.base).created().websocket();
                // An account and password (SASL; this server offers none, so the person is connected without one).
                b.op("{\"op\":\"connect\",\"network\":\"irc\",\"nick\":\"webby\",\"account\":\"webby\",\"password\":\"" + IRC_PASSWORD
                        + "\",\"channels\":[\"#halley\"]}");
                b.op("{\"op\":\"connect\",\"network\":\"jabber\",\"account\":\"carol\",\"password\":\"" + XMPP_PASSWORD
                        + "\",\"nick\":\"carol\",\"channels\":[\"" + ROOM + "\"]}");
                await().atMost(WAIT).untilAsserted(() -> assertThat(b.events()).anyMatch(e -> e.path("type").asText().equals("joined")
                        && e.path("network").asText().equals("irc")));
                alice.await(l -> l.startsWith(":webby!") && l.contains(" JOIN "), WAIT);
                b.op("{\"op\":\"say\",\"network\":\"irc\",\"target\":\"#halley\",\"text\":\"BROWSER-SAYS-SECRET-TEXT\"}");
                alice.await(l -> l.contains("BROWSER-SAYS-SECRET-TEXT"), WAIT);
                alice.say("#halley", "NETWORK-SAYS-SECRET-TEXT");
                alice.say("webby", "PRIVATE-SECRET-TEXT");
                alice.send("TOPIC #halley :TOPIC-SECRET-TEXT");
                await().atMost(WAIT).until(() -> b.events().stream().anyMatch(e -> e.path("text").asText().equals("PRIVATE-SECRET-TEXT")));
                Waiting.until("the XMPP account's room joined", WAIT, () -> b.events().stream().anyMatch(e -> e.path("type").asText()
                        .equals("joined") && e.path("network").asText().equals("jabber")), () -> "events: " + b.events() + "\nHalley's log:\n"
                        + halley.log() + "\nProsody's log:\n" + xmpp.logTail(60));
                b.op("{\"op\":\"say\",\"network\":\"jabber\",\"target\":\"" + ROOM + "\",\"text\":\"XMPP-ROOM-SECRET-TEXT\"}");
                await().atMost(WAIT).until(() -> b.events().stream().anyMatch(e -> e.path("text").asText().equals("XMPP-ROOM-SECRET-TEXT")));
                HttpResponse<String> pushed = b.http.send(HttpRequest.newBuilder(URI.create(halley.base + "/push/api/sessions/"
                        + b.session + "/events")).header("Authorization", "Bearer " + API)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"note\":\"API-EVENT-SECRET-TEXT\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(pushed.statusCode()).isEqualTo(202);
                assertThat(b.http.send(HttpRequest.newBuilder(URI.create(halley.base + "/admin/sessions"))
                        .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                        .isEqualTo(200);
                b.op("{\"op\":\"quit\",\"network\":\"irc\",\"reason\":\"QUIT-REASON-SECRET-TEXT\"}");
                alice.await(l -> l.startsWith(":webby!") && l.contains("QUIT-REASON-SECRET-TEXT"), WAIT);

                // SIGHUP reloads the file; a changed limit is applied and logged (by name, not value).
                Files.writeString(halley.config, Files.readString(halley.config).replace("drain: {deadline: 10s}",
                        "drain: {deadline: 12s}"));
                halley.signal("HUP");
                await().atMost(WAIT).until(() -> halley.log().contains("config reloaded (SIGHUP)"));
                assertThat(halley.log()).contains("server.drain.deadline");

                halley.signal("TERM");
                assertThat(halley.process().waitFor(15, TimeUnit.SECONDS)).isTrue();
                String log = halley.log();
                assertThat(log).contains("listening on", "session " + b.session + " created", "session " + b.session
                        + " connected to irc", "session " + b.session + " connected to jabber", "left irc",
                        "config reloaded (SIGHUP)", "drain started", "drain finished", "stopped");
                for (String secret : NEVER) {
                    assertThat(log).as("the log holds %s", secret).doesNotContain(secret);
                }
                assertThat(log).as("the log holds the session token").doesNotContain(b.token);
                if (format.equals("json")) {
                    long json = log.lines().filter(l -> l.startsWith("{")).count();
                    assertThat(json).isGreaterThan(10);
                    for (String line : log.lines().filter(l -> l.startsWith("{")).toList()) {
                        JsonNode n = BrowserClient.JSON.readTree(line);
                        assertThat(n.has("time") && n.has("level") && n.has("logger") && n.has("message")).as(line).isTrue();
                    }
                    assertThat(log).contains("\"level\":\"DEBUG\"");
                }
            }
        }
    }

    /**
     * The XMPP server dies under a connected person and comes back: the browser is told once, in
     * the catalogue's terms (a code, never Smack's exception or the server's address), then
     * connected again; and every line Halley wrote, Smack's too, is one line (no stack trace
     * below info, no JUL two-line records).
     */
    @ParameterizedTest
    @CsvSource({"text, info", "json, debug"})
    void aLostXmppServerIsToldOnceAndLoggedOneLinePerEvent(String format, String level, @TempDir Path dir) throws Exception {
        try (ProsodyFixture xmpp = ProsodyFixture.start()) {
            xmpp.register("dora", ProsodyFixture.DOMAIN, "dora-pw");
            String yaml = """
                    server:
                      port: @PORT@
                      public-url: http://127.0.0.1:@PORT@
                    logging: {format: %s, level: %s}
                    bridges:
                      - name: jabber
                        kind: xmpp
                        host: 127.0.0.1
                        port: %d
                        domain: %s
                        muc-service: %s
                        ca-file: %s
                        ping-interval: 5s
                    """.formatted(format, level, xmpp.port(), ProsodyFixture.DOMAIN, ProsodyFixture.MUC, xmpp.caFile());
            try (HalleyProcess halley = HalleyProcess.start(dir, yaml)) {
                BrowserClient b = new BrowserClient(halley.base).created().websocket();
                b.op("{\"op\":\"connect\",\"network\":\"jabber\",\"account\":\"dora\",\"password\":\"dora-pw\","
                        + "\"nick\":\"Dora\",\"channels\":[\"outage@" + ProsodyFixture.MUC + "\"]}");
                JsonNode connected = await().atMost(WAIT).until(() -> first(b, "connected"), n -> n != null);
                assertThat(connected.path("nick").asText()).as("the nickname used in rooms").isEqualTo("Dora");
                assertThat(connected.path("address").asText()).isEqualTo("dora@" + ProsodyFixture.DOMAIN);
                await().atMost(WAIT).until(() -> first(b, "joined") != null);
                int before = b.events().size();

                xmpp.kill();
                JsonNode lost = await().atMost(WAIT).until(() -> first(b.events().subList(before, b.events().size()), "disconnected"),
                        n -> n != null);
                assertThat(lost.path("retryIn").asLong()).isPositive();
                assertThat(lost.path("code").asText()).isIn("connection-lost", "server-closed");
                assertThat(lost.toString()).doesNotContain("Exception", "127.0.0.1", ":" + xmpp.port(), "\\n");
                // Attempts fail while the server is down (Halley logs the first at info, the others at
                // debug); the browser hears of none.
                await().atMost(WAIT).until(() -> halley.log().contains("XMPP connection to jabber failed: "));
                if (level.equals("debug")) {
                    await().atMost(WAIT).until(() -> halley.log().split("XMPP connection to jabber failed again", -1).length > 2);
                }
                xmpp.restart();
                await().atMost(Duration.ofSeconds(60)).until(() -> b.events().subList(before, b.events().size()).stream()
                        .anyMatch(e -> e.path("type").asText().equals("connected")));
                List<String> states = b.events().subList(before, b.events().size()).stream().map(e -> e.path("type").asText())
                        .filter(t -> t.equals("connecting") || t.equals("connected") || t.equals("disconnected")).toList();
                assertThat(states).as("one state change per real change").containsExactly("disconnected", "connected");

                halley.signal("TERM");
                assertThat(halley.process().waitFor(15, TimeUnit.SECONDS)).isTrue();
                String log = halley.log();
                assertThat(log).contains("XMPP connection to jabber lost");
                List<String> lines = log.lines().filter(l -> !l.startsWith("WARNING: ")).toList(); // the JVM's own, not Halley's
                for (String line : lines) {
                    assertThat(line).as("one line per event").doesNotStartWith(" ").doesNotStartWith("\t").doesNotStartWith("at ")
                            .doesNotStartWith("Caused by").doesNotStartWith("...").doesNotContain("\tat ");
                    if (format.equals("json")) {
                        assertThat(line).startsWith("{").endsWith("}");
                        BrowserClient.JSON.readTree(line);
                    } else {
                        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (ERROR|WARN |INFO |DEBUG|TRACE) \\S+ - .*");
                    }
                }
                if (level.equals("info")) {
                    assertThat(log).as("Smack's chatter stays below info").doesNotContain("Roster not loaded");
                }
            }
        }
    }

    private static JsonNode first(BrowserClient b, String type) {
        return first(b.events(), type);
    }

    private static JsonNode first(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElse(null);
    }
}

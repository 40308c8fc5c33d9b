package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.testkit.Closing;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.PrometheusText;
import org.halley.testkit.ProsodyFixture;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view of a running Halley, against real ngircd and Prosody with real clients:
 * {@code /metrics} parsed by a strict text-format parser, its counters moving as sessions and
 * events happen; the admin endpoint's authentication, session listing and ending; a config reload
 * that applies, and one with mistakes that changes nothing.
 */
class OperationsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = "admin-secret-0123456789";
    private static final String API = "api-secret-0123456789";
    private static final String ROOM = "ops@" + ProsodyFixture.MUC;
    private static final String ORIGIN = "http://ops.example";

    @TempDir
    static Path dir;
    static NgircdFixture irc;
    static ProsodyFixture xmpp;
    static Gateway gateway;
    static Path file;
    static String base;
    static final HttpClient http = HttpClient.newHttpClient();

    static String yaml(String limits, String allowed, String extraBridge) {
        return """
                server:
                  port: 0
                  allowed-origins: [%s]
                  probe-interval: 200ms
                  push: {api-secret: %s}
                limits: {%s}
                admin: {secret: %s}
                bridges:
                  - name: irc
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    allowed-channels: [%s]
                    quit-message: Closed the tab
                    admission: {connect-interval: 0ms}
                  - name: xmpp
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    login: anonymous
                    ca-file: %s
                %s""".formatted(ORIGIN, API, limits, ADMIN, irc.port(), allowed, xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN,
                ProsodyFixture.MUC, xmpp.caFile(), extraBridge);
    }

    @BeforeAll
    static void startServers() {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        xmpp = ProsodyFixture.start();
    }

    /** Each test has a Halley of its own (one reloads its config; others count from zero). */
    @BeforeEach
    void start() throws Exception {
        file = Files.writeString(dir.resolve("halley.yaml"), yaml("sessions-per-ip: 50", "\"#halley\"", ""));
        gateway = Gateway.start(ConfigLoader.load(file), file);
        base = "http://127.0.0.1:" + gateway.port();
    }

    @AfterEach
    void stop() throws Exception {
        Closing.all(gateway);
        gateway = null;
    }

    @AfterAll
    static void stopServers() throws Exception {
        Closing.all(xmpp, irc);
    }

    static HttpResponse<String> request(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(String method, String path) throws Exception {
        return request(method, path, Map.of("Authorization", "Bearer " + ADMIN));
    }

    static PrometheusText.Exposition scrape() throws Exception {
        HttpResponse<String> r = request("GET", "/metrics", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(r.body());
    }

    @Test
    void metricsMoveAsSessionsAndEventsHappen() throws Exception {
        await().atMost(WAIT).until(() -> scrape().value("halley_ready") == 1);
        PrometheusText.Exposition before = scrape();
        assertThat(before.family("halley_network_to_browser_latency_seconds").type()).isEqualTo("histogram");
        assertThat(before.family("jvm_memory_used_bytes").type()).isEqualTo("gauge");
        assertThat(before.family("jvm_buffer_pool_used_bytes").samples()).isNotEmpty();
        assertThat(before.value("halley_netty_allocator_used_bytes", "memory", "direct")).isGreaterThanOrEqualTo(0);
        assertThat(before.samples("process_open_fds")).hasSize(1);
        assertThat(before.value("halley_network_reachable", "network", "irc")).isEqualTo(1);
        assertThat(before.value("halley_network_reachable", "network", "xmpp")).isEqualTo(1);

        try (RawIrcClient alice = RawIrcClient.connect(irc.port(), "alice")) {
            alice.join("#halley");
            BrowserClient b = new BrowserClient(base, ORIGIN).created().websocket();
            b.op("{\"op\":\"connect\",\"network\":\"irc\",\"nick\":\"webby\",\"channels\":[\"#halley\"]}");
            b.op("{\"op\":\"connect\",\"network\":\"xmpp\",\"nick\":\"webx\",\"channels\":[\"" + ROOM + "\"]}");
            alice.await(l -> l.startsWith(":webby!") && l.contains(" JOIN "), WAIT);
            await().atMost(WAIT).until(() -> b.events().stream().anyMatch(e -> e.path("type").asText().equals("joined")
                    && e.path("network").asText().equals("xmpp")));
            for (int i = 0; i < 5; i++) {
                alice.say("#halley", "metric line " + i);
            }
            await().atMost(WAIT).until(() -> b.events().stream().filter(e -> e.path("type").asText().equals("message")
                    && e.path("text").asText().startsWith("metric line")).count() == 5);
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create(base + "/push/api/sessions/" + b.session + "/events"))
                    .header("Authorization", "Bearer " + API).POST(HttpRequest.BodyPublishers.ofString("{\"hello\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pushed.statusCode()).isEqualTo(202);

            PrometheusText.Exposition after = scrape();
            assertThat(after.value("halley_sessions")).isEqualTo(before.value("halley_sessions") + 1);
            assertThat(after.value("halley_connections", "transport", "websocket")).isEqualTo(1);
            assertThat(after.value("halley_connects_total", "transport", "websocket"))
                    .isEqualTo(before.value("halley_connects_total", "transport", "websocket") + 1);
            assertThat(after.value("halley_sessions_created_total")).isEqualTo(before.value("halley_sessions_created_total") + 1);
            assertThat(after.value("halley_bridge_connections", "network", "irc", "kind", "irc", "state", "connected")).isEqualTo(1);
            assertThat(after.value("halley_bridge_connections", "network", "xmpp", "kind", "xmpp", "state", "connected")).isEqualTo(1);
            assertThat(after.value("halley_bridge_connected_total", "network", "irc")).isGreaterThanOrEqualTo(1);
            assertThat(after.value("halley_bridge_events_total", "network", "irc"))
                    .isGreaterThanOrEqualTo(before.value("halley_bridge_events_total", "network", "irc") + 5);
            assertThat(after.value("halley_events_out_total")).isGreaterThanOrEqualTo(before.value("halley_events_out_total") + 6);
            assertThat(after.value("halley_event_bytes_out_total")).isGreaterThan(before.value("halley_event_bytes_out_total"));
            assertThat(after.value("halley_messages_in_total")).isEqualTo(before.value("halley_messages_in_total") + 2);
            assertThat(after.value("halley_network_to_browser_latency_seconds_count"))
                    .isGreaterThanOrEqualTo(before.value("halley_network_to_browser_latency_seconds_count") + 5);
            assertThat(after.value("halley_push_api_requests_total", "operation", "session-event", "code", "202")).isEqualTo(1);
            assertThat(after.value("halley_irc_admission_queue", "network", "irc")).isZero();
            assertThat(after.samples("halley_shard_pending_tasks")).isNotEmpty();

            // The operator's listing shows the session, its transport and its networks.
            JsonNode list = BrowserClient.JSON.readTree(admin("GET", "/admin/sessions").body());
            JsonNode mine = null;
            for (JsonNode s : list.get("sessions")) {
                if (s.get("id").asText().equals(b.session)) {
                    mine = s;
                }
            }
            assertThat(mine).as(list.toString()).isNotNull();
            assertThat(mine.get("transport").asText()).isEqualTo("websocket");
            assertThat(mine.get("networks").get("irc").get("state").asText()).isEqualTo("connected");
            assertThat(mine.get("networks").get("irc").get("nick").asText()).isEqualTo("webby");
            assertThat(mine.get("networks").get("xmpp").get("state").asText()).isEqualTo("connected");
            assertThat(mine.get("bufferedEvents").asInt()).isPositive();
            assertThat(mine.get("ageSeconds").asLong()).isNotNegative();
            assertThat(mine.toString()).doesNotContain(b.token); // the token is never shown

            // Ending it: the browser is told why, the network sees the QUIT.
            HttpResponse<String> ended = admin("DELETE", "/admin/sessions/" + b.session + "?reason=spam");
            assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
            await().atMost(WAIT).until(() -> b.ended);
            assertThat(b.closeCode).isEqualTo(4001);
            assertThat(b.received).anyMatch(m -> m.path("type").asText().equals("close") && m.path("reason").asText().equals("spam"));
            alice.await(l -> l.startsWith(":webby!") && l.contains(" QUIT "), WAIT);
            assertThat(admin("DELETE", "/admin/sessions/" + b.session).statusCode()).isEqualTo(404);
            await().atMost(WAIT).until(() -> scrape().value("halley_bridge_connections", "network", "irc", "kind", "irc",
                    "state", "connected") == 0);
            assertThat(scrape().value("halley_sessions_ended_total", "reason", "other")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theAdminEndpointWantsItsSecretAndNoBrowser() throws Exception {
        HttpResponse<String> none = request("GET", "/admin/sessions", Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(request("GET", "/admin/sessions", Map.of("Authorization", "Bearer wrong-secret-0123456789")).statusCode())
                .isEqualTo(401);
        assertThat(request("GET", "/admin/sessions", Map.of("Authorization", "Bearer " + API)).statusCode()).isEqualTo(401);
        HttpResponse<String> browser = request("GET", "/admin/sessions", Map.of("Authorization", "Bearer " + ADMIN, "Origin", ORIGIN));
        assertThat(browser.statusCode()).isEqualTo(403);
        assertThat(browser.body()).contains("\"error\":\"origin\"");
        assertThat(request("POST", "/admin/reload", Map.of("Origin", "https://evil.example")).statusCode()).isEqualTo(403);
        assertThat(admin("GET", "/admin/reload").statusCode()).isEqualTo(405);
        assertThat(admin("GET", "/admin/nothing").statusCode()).isEqualTo(404);
        assertThat(admin("DELETE", "/admin/sessions/local.AAAAAAAAAAAAAAAAAAAAAA?reason=Bad%20Reason").statusCode()).isEqualTo(400);
        assertThat(admin("DELETE", "/admin/sessions/other.AAAAAAAAAAAAAAAAAAAAAA").statusCode()).isEqualTo(421);
    }

    @Test
    void aReloadAppliesWhatItCanWithoutDroppingAnyoneAndABadOneChangesNothing() throws Exception {
        try (RawIrcClient alice = RawIrcClient.connect(irc.port(), "alice2")) {
            alice.join("#halley");
            BrowserClient stays = new BrowserClient(base, ORIGIN).created().websocket();
            stays.op("{\"op\":\"connect\",\"network\":\"irc\",\"nick\":\"stayer\",\"channels\":[\"#halley\"]}");
            alice.await(l -> l.startsWith(":stayer!") && l.contains(" JOIN "), WAIT);
            stays.op("{\"op\":\"join\",\"network\":\"irc\",\"channel\":\"#other\"}");
            await().atMost(WAIT).until(() -> stays.events().stream().anyMatch(e -> e.path("type").asText().equals("problem")
                    && e.path("code").asText().equals("not-allowed")));

            Files.writeString(file, yaml("sessions-per-ip: 50, max-sessions: 2", "\"#halley\", \"#other\"", """
                      - {name: extra, kind: irc, host: 127.0.0.1, port: %d, tls: false}
                    """.formatted(irc.port())).replace("probe-interval: 200ms", "probe-interval: 200ms\n  bind: 0.0.0.0"));
            HttpResponse<String> ok = admin("POST", "/admin/reload");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonNode r = BrowserClient.JSON.readTree(ok.body());
            assertThat(r.get("ok").asBoolean()).isTrue();
            assertThat(r.get("applied").toString()).contains("limits.max-sessions", "bridges[irc].allowed-channels",
                    "bridges[extra]: added");
            assertThat(r.get("needsRestart").toString()).contains("server.bind");

            // Nobody was dropped, and the new rules hold at once: for the person already connected too.
            assertThat(stays.ended).isFalse();
            stays.op("{\"op\":\"join\",\"network\":\"irc\",\"channel\":\"#other\"}");
            alice.send("NAMES #other");
            await().atMost(WAIT).until(() -> stays.events().stream().anyMatch(e -> e.path("type").asText().equals("joined")
                    && e.path("channel").asText().equals("#other")));
            assertThat(request("GET", "/api/networks", Map.of()).body()).contains("\"extra\"");
            assertThat(new BrowserClient(base, ORIGIN).create().statusCode()).isEqualTo(201); // 2 of 2
            HttpResponse<String> full = new BrowserClient(base, ORIGIN).create();
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.body()).contains("server-full");

            // A file with a mistake: refused with file:line:column, and the config in force stays.
            Files.writeString(file, yaml("max-sessions: 0", "\"#halley\"", ""));
            HttpResponse<String> bad = admin("POST", "/admin/reload");
            assertThat(bad.statusCode()).isEqualTo(422);
            JsonNode e = BrowserClient.JSON.readTree(bad.body());
            assertThat(e.get("ok").asBoolean()).isFalse();
            assertThat(e.get("errors").get(0).asText()).startsWith(file + ":6:").contains("limits.max-sessions: 0 is out of range");
            assertThat(gateway.config().limits().maxSessions()).isEqualTo(2);
            assertThat(request("GET", "/api/networks", Map.of()).body()).contains("\"extra\"");
            assertThat(new BrowserClient(base, ORIGIN).create().statusCode()).isEqualTo(503);
            PrometheusText.Exposition m = scrape();
            assertThat(m.value("halley_config_reloads_total", "result", "ok")).isEqualTo(1);
            assertThat(m.value("halley_config_reloads_total", "result", "failed")).isEqualTo(1);
            assertThat(stays.ended).isFalse();
        }
    }

    @Test
    void everyMetricIsDocumentedAndTheDashboardAsksOnlyForMetricsThatExist() throws Exception {
        PrometheusText.Exposition m = scrape();
        Path root = Path.of(System.getProperty("user.dir")).getParent(); // the gateway module's parent
        String docs = Files.readString(root.resolve("docs/operations.md"));
        for (String family : m.families().keySet()) {
            if (family.startsWith("halley_")) {
                assertThat(docs).as("docs/operations.md documents " + family).contains("`" + family + "`");
            }
        }
        String dashboard = Files.readString(root.resolve("deploy/grafana/halley.json"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:halley|jvm|process)_[a-z_]+)\\b").matcher(dashboard);
        java.util.Set<String> exposed = new java.util.HashSet<>();
        m.families().values().forEach(f -> f.samples().forEach(x -> exposed.add(x.name())));
        exposed.add("halley_push_api_requests_total"); // only once the API has been called
        int asked = 0;
        while (names.find()) {
            assertThat(exposed).as("the dashboard's " + names.group(1) + " is in the scrape").contains(names.group(1));
            asked++;
        }
        assertThat(asked).isGreaterThan(40);
    }
}

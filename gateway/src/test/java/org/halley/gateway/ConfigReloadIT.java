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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.halley.testkit.NgircdFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files made to break a reload, given to a running Halley (a process of its own, as in
 * production) by an operator's SIGHUP and {@code POST /admin/reload}: each is refused with the
 * file's line and column and answered (the client waits at most {@link #WAIT}: a reload that
 * hangs fails here, whatever its own deadline), and the config in force stays.
 */
class ConfigReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = "admin-secret-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    /**
     * POST /admin/reload until it is not 503 "busy": busy is an answer too (the reload outlasted
     * its 1s deadline on a loaded machine, or one before it still runs), and says to ask again.
     */
    private static HttpResponse<String> reload(HalleyProcess halley) {
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            answer.set(post(halley));
            return answer.get().statusCode() != 503;
        });
        return answer.get();
    }

    private static HttpResponse<String> post(HalleyProcess halley) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(halley.base + "/admin/reload")).timeout(WAIT)
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void hostileFilesAreRefusedWithTheirPlaceBySighupAndTheAdminEndpointAndTheConfigInForceStays(@TempDir Path dir)
            throws Exception {
        try (NgircdFixture irc = NgircdFixture.start()) {
            String good = """
                    server: {port: @PORT@}
                    admin: {secret: %s}
                    limits: {max-sessions: 100}
                    bridges:
                      - name: irc
                        kind: irc
                        host: 127.0.0.1
                        port: %d
                        tls: false
                    """.formatted(ADMIN, irc.port());
            try (HalleyProcess halley = HalleyProcess.start(dir, good)) {
                String inForce = Files.readString(halley.config);
                String deep = "server: " + "[".repeat(2000) + "]".repeat(2000) + "\n"; // 4 KB
                String nested = halley.config + ":1:28: nested more than 20 levels deep; Halley's settings are at most 5 levels"
                        + " (see docs/configuration.md)";

                Files.writeString(halley.config, deep);
                HttpResponse<String> refused = reload(halley);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
                JsonNode body = BrowserClient.JSON.readTree(refused.body());
                assertThat(body.get("ok").asBoolean()).isFalse();
                assertThat(body.get("errors")).hasSize(1);
                assertThat(body.get("errors").get(0).asText()).isEqualTo(nested);

                halley.signal("HUP");
                await().atMost(WAIT).until(() -> halley.log().contains("config reload (SIGHUP) refused, 1 mistake(s)"));
                // One line per event (the log folds the mistakes' line breaks), with the mistake's place.
                assertThat(halley.log()).contains("config reload (SIGHUP) refused, 1 mistake(s); the config in force stays: " + nested)
                        .doesNotContain("StackOverflowError").doesNotContain("\tat ");

                Map<String, String> shapes = new LinkedHashMap<>();
                shapes.put(inForce.replace("host: 127.0.0.1", "host: \"127.0.0.1"), "7:11: the \" that opens this value is never closed");
                shapes.put(inForce.replace("    kind: irc", "\tkind: irc"), "6:1: a tab indents 'kind'");
                shapes.put("a: &a [x, x]\nb: &b [" + "*a, ".repeat(30) + "*a]\n", "2:88: more than 20 aliases");
                shapes.put(inForce.replace("tls: false", "tls: true\n    ca-file: " + dir.resolve("missing.pem")),
                        "10:5: bridges[0].ca-file: '" + dir.resolve("missing.pem") + "' is not a file");
                for (Map.Entry<String, String> shape : shapes.entrySet()) {
                    Files.writeString(halley.config, shape.getKey());
                    HttpResponse<String> r = reload(halley);
                    assertThat(r.statusCode()).as(shape.getKey() + "\n" + r.body()).isEqualTo(422);
                    assertThat(BrowserClient.JSON.readTree(r.body()).get("errors").get(0).asText())
                            .as(shape.getKey()).startsWith(halley.config + ":" + shape.getValue());
                }

                // Nothing of those was taken; a good file is.
                Files.writeString(halley.config, inForce.replace("max-sessions: 100", "max-sessions: 50"));
                HttpResponse<String> ok = reload(halley);
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                assertThat(BrowserClient.JSON.readTree(ok.body()).get("applied").toString()).isEqualTo("[\"limits.max-sessions\"]");
            }
        }
    }
}

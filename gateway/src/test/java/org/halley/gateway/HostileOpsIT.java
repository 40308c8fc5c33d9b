package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.testkit.Closing;
import org.halley.testkit.NgircdFixture;
import org.junit.jupiter.api.Test;

/**
 * Ops a page (or whoever drives it) may send, each class of broken or hostile JSON, through a
 * real Halley and a real ngircd over the browser's own path (POST /push/send, events over
 * WebSocket): each is answered with a {@code problem} event in Halley's words, with none of
 * Jackson's or Java's names, and the session goes on.
 */
class HostileOpsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void eachHostileOpGetsAProblemInHalleysWordsAndTheSessionGoesOn() throws Exception {
        NgircdFixture irc = NgircdFixture.start();
        Gateway gateway = null;
        try {
            gateway = Gateway.start(ConfigLoader.parse("halley.yaml", """
                    server: {port: 0, allowed-origins: ["http://ops.example"]}
                    bridges:
                      - {name: irc, kind: irc, host: 127.0.0.1, port: %d, tls: false}
                    """.formatted(irc.port())));
            BrowserClient b = new BrowserClient("http://127.0.0.1:" + gateway.port(), "http://ops.example").created().websocket();
            Map<String, String> told = new LinkedHashMap<>();
            told.put("{\"op\":\"say\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}", "nested more than 8 levels deep");
            told.put("{\"op\":{\"@class\":\"java.lang.ProcessBuilder\"}}", "op: must be a string, not an object");
            told.put("[\"op\"]", "expected a JSON object (an operation like {\"op\":\"say\", ...}), not a list");
            told.put("{\"op\":\"" + "x".repeat(2000) + "\",\"network\":\"irc\"}", "op: unknown operation '" + "x".repeat(40) + "…'");
            told.put("{\"op\":\"join\",\"network\":\"irc\"}", "channel: is missing");
            told.put("{\"op\":\"say\",\"network\":\"irc\",\"target\":7,\"text\":\"x\"}", "target: must be a string, not a number");
            for (String op : told.keySet()) {
                b.op(op);
            }
            await().atMost(WAIT).until(() -> problems(b).size() >= told.size());
            List<String> messages = problems(b).stream().map(e -> (e.path("field").asText().isEmpty() ? ""
                    : e.path("field").asText() + ": ") + e.path("message").asText()).toList();
            assertThat(messages).containsExactlyElementsOf(told.values());
            for (JsonNode e : problems(b)) {
                assertThat(e.toString()).doesNotContainIgnoringCase("jackson")
                        .doesNotContain("StreamReadConstraints", "com.fasterxml", "Exception", "Source:", "java.lang");
            }
            b.op("{\"op\":\"connect\",\"network\":\"irc\",\"nick\":\"calm\"}"); // the session goes on
            await().atMost(WAIT).until(() -> b.hasEvent("connected"));
            assertThat(b.ended).isFalse();
        } finally {
            Closing.all(gateway, irc);
        }
    }

    private static List<JsonNode> problems(BrowserClient b) {
        return b.events().stream().filter(e -> e.path("type").asText().equals("problem")).toList();
    }
}

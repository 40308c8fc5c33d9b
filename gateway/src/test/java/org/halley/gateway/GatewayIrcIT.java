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
    private static Gateway gateway;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        irc = InspircdFixture.start(InspircdFixture.Options.DEFAULTS.withWebirc("gateway-pw"));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        gateway = Gateway.start(ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                  trusted-proxies: [127.0.0.1]
                limits:
                  sessions-per-ip: 2
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    webirc-password: gateway-pw
                    quit-message: Closed the Halley tab
                    admission: {connect-interval: 0ms}
                """.formatted(port, base, irc.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
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

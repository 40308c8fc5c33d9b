package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.halley.config.ConfigException;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.config.ServerConfig;
import org.halley.config.TlsConfig;
import org.halley.testkit.Ports;
import org.halley.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Halley serving HTTPS itself ({@code server.tls}: a PEM certificate and PKCS#8 key made by
 * openssl for this run): the page, session creation, a WebSocket (wss:), an SSE stream and long
 * polls, every one of which is moved to its session's shard with the TLS handler in front.
 */
class HalleyTlsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCertificates certs;
    private static Gateway gateway;
    private static String base;
    private static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create();
        int port = Ports.free();
        base = "https://localhost:" + port;
        gateway = Gateway.start(config(port, certs.certificate().toString(), certs.key().toString()));
        https = HttpClient.newBuilder().sslContext(certs.clientContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HalleyConfig config(int port, String cert, String key) throws Exception {
        return ConfigLoader.parse("tls.yaml", """
                server:
                  port: %d
                  tls: {certificate: %s, key: %s}
                bridges: [{name: demo, kind: irc, host: 127.0.0.1, tls: false}]
                """.formatted(port, cert, key));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    JsonNode createSession() throws Exception {
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(base + "/push/session"))
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    @Test
    void thePageIsServedOverHttpsAndAllowsOnlyItsOwnWssOrigin() throws Exception {
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("connect-src 'self' wss://localhost:" + gateway.port() + ";"));
    }

    @Test
    void aSessionLivesOverWssThenSseThenLongPollingWithResume() throws Exception {
        JsonNode s = createSession();
        String id = s.get("session").asText();
        String token = s.get("token").asText();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = https.newWebSocketBuilder().header("Origin", base).buildAsync(
                URI.create("wss://localhost:" + gateway.port() + "/push/ws?session=" + id + "&token=" + token + "&last=0"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        String hello = frames.poll(10, TimeUnit.SECONDS);
        assertThat(hello).contains("\"type\":\"hello\"", "\"transport\":\"websocket\"", id);
        ws.sendText("{\"cseq\":1,\"data\":{\"op\":\"nonsense\"}}", true);
        // The gateway answers an unknown op with a problem event: seq 1 comes back over wss.
        String event = frames.poll(10, TimeUnit.SECONDS);
        while (event != null && !event.startsWith("{\"seq\"")) {
            event = frames.poll(10, TimeUnit.SECONDS);
        }
        assertThat(event).startsWith("{\"seq\":1,").contains("\"type\":\"problem\"");
        ws.abort();

        HttpResponse<InputStream> sse = https.send(HttpRequest.newBuilder(URI.create(base + "/push/sse?session=" + id + "&token=" + token
                + "&last=0")).header("Origin", base).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(sse.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).startsWith("data: ").contains("\"transport\":\"sse\"");
            assertThat(in.readLine()).isEmpty();
            assertThat(in.readLine()).isEqualTo("id: 1"); // resumed from 0: the event again
        }

        HttpResponse<String> poll = https.send(HttpRequest.newBuilder(URI.create(base + "/push/poll?session=" + id + "&last=1&wait=0"))
                .header("X-Halley-Token", token).header("Origin", base).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(poll.statusCode()).isEqualTo(200);
        JsonNode batch = JSON.readTree(poll.body());
        assertThat(batch).hasSize(1);
        assertThat(batch.get(0).get("transport").asText()).isEqualTo("long-polling");
        assertThat(batch.get(0).get("ack").asLong()).isEqualTo(1);
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateStopsStartUp() throws Exception {
        TestCertificates other = TestCertificates.create();
        // the config refuses it first, at the key's line (so --check and a reload do too) ...
        assertThatThrownBy(() -> config(0, certs.certificate().toString(), other.key().toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tls.yaml:3:" + (("  tls: {certificate: " + certs.certificate() + ", ").length() + 1) + ": server.tls.key: '"
                        + other.key() + "' is not the key of the certificate in '"
                        + certs.certificate() + "' (CN=localhost); give the key the certificate was made for");
        // ... and the push core checks again for what builds its config another way
        HalleyConfig good = config(0, certs.certificate().toString(), certs.key().toString());
        ServerConfig s = good.server();
        HalleyConfig mismatched = new HalleyConfig(good.source(), new ServerConfig(s.bind(), s.port(), s.publicUrl(),
                s.allowedOrigins(), s.push(), s.trustedProxies(), Optional.of(new TlsConfig(certs.certificate(), other.key())),
                s.drain(), s.probeInterval()), good.limits(), good.bridges(), good.cluster(), good.admin(), good.logging());
        assertThatThrownBy(() -> Gateway.start(mismatched).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.tls: cannot serve TLS with " + certs.certificate() + " and " + other.key()
                        + ": the key is not the certificate's (CN=localhost) (the certificate must be PEM and the key its"
                        + " unencrypted PKCS#8 PEM key)");
    }
}

package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.halley.testkit.HaproxyFixture;
import org.halley.testkit.NginxFixture;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS terminated at the proxy, with the shipped files: deploy/haproxy/haproxy.cfg with
 * {@code HALLEY_TLS_CRT} set, and deploy/nginx/halley-tls.conf. Three in-process nodes behind
 * each speak plain HTTP; the browser side is HTTPS and wss: with HSTS, and sessions still reach
 * their node. (TLS served by Halley itself: {@link HalleyTlsIT}.)
 */
class ProxyTlsIT {
    private static TestCertificates certs;
    private static NgircdFixture irc;
    private static HttpClient https;
    private static HttpClient plain;

    @BeforeAll
    static void start() {
        certs = TestCertificates.create();
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS);
        https = HttpClient.newBuilder().sslContext(certs.clientContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (irc != null) {
            irc.close();
        }
    }

    @Test
    void haproxyTerminatesTlsRedirectsPlainHttpAndRoutesSessionsByTheirNode() throws Exception {
        int plainPort = Ports.free();
        int tlsPort = Ports.free();
        String base = "https://localhost:" + tlsPort;
        Map<String, Gateway> nodes = DeployFiles.nodes(base, irc.port());
        Map<String, String> env = new HashMap<>();
        env.put("HALLEY_BIND", "127.0.0.1:" + plainPort);
        env.put("HALLEY_TLS_BIND", "127.0.0.1:" + tlsPort);
        env.put("HALLEY_TLS_CRT", certs.combined().toString());
        nodes.forEach((n, g) -> env.put("HALLEY_" + n.toUpperCase(Locale.ROOT), "127.0.0.1:" + g.port()));
        try (HaproxyFixture lb = HaproxyFixture.start(HalleyCluster.HAPROXY_CONFIG, env)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> lb.serverStates("halley").values().stream().filter(s -> s == 2).count() == 3);

            // Same host, https (in production the ports are the defaults, 80 and 443).
            HttpResponse<String> redirect = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plainPort + "/?x=1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(redirect.statusCode()).isEqualTo(301);
            assertThat(redirect.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + plainPort + "/?x=1");

            assertPageAndSessionsOverTls(base, nodes);
        } finally {
            DeployFiles.close(nodes);
        }
    }

    @Test
    void nginxTerminatesTlsAndRoutesSessionsByTheirNode() throws Exception {
        int plainPort = Ports.free();
        int tlsPort = Ports.free();
        String base = "https://localhost:" + tlsPort;
        Map<String, Gateway> nodes = DeployFiles.nodes(base, irc.port());
        try (NginxFixture nginx = NginxFixture.startHttp(plainPort, dir -> DeployFiles.nginx(dir, plainPort, tlsPort,
                DeployFiles.ports(nodes), certs.certificate(), certs.key()))) {
            Ports.awaitListening(tlsPort, Duration.ofSeconds(10), nginx.process(), "nginx TLS");
            assertPageAndSessionsOverTls(base, nodes);
        } finally {
            DeployFiles.close(nodes);
        }
    }

    /** The page over HTTPS with HSTS; sessions over wss: spread over the nodes, each served by its own. */
    private static void assertPageAndSessionsOverTls(String base, Map<String, Gateway> nodes) throws Exception {
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html");
        assertThat(page.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).as("the page may open wss: to itself")
                .contains("wss://localhost:" + URI.create(base).getPort());

        List<PushProbe> probes = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                PushProbe p = PushProbe.create(https, base); // POST /push/session over https, then wss:
                assertThat(p.controls).as("hello over wss").contains("hello");
                probes.add(p);
            }
            Set<String> used = probes.stream().map(PushProbe::node).collect(Collectors.toSet());
            assertThat(used).containsExactlyInAnyOrderElementsOf(HalleyCluster.NODES);
            for (PushProbe p : probes) {
                HttpResponse<String> send = https.send(HttpRequest.newBuilder(URI.create(base + "/push/send?session=" + p.session))
                        .header("Origin", base).header("X-Halley-Token", p.token)
                        .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(send.statusCode()).as(send.body()).isEqualTo(200);
            }
        } finally {
            probes.forEach(PushProbe::abort);
        }
        nodes.forEach((n, g) -> assertThat(g.push().counters().snapshot().misdirected()).as("misdirected on %s", n).isZero());
    }
}

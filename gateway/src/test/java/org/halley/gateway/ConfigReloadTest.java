package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.awaitility.Awaitility;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.config.IrcBridgeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {
    private static final String BASE = """
            server: {port: 8080, drain: {deadline: 20s}}
            limits: {max-sessions: 100}
            admin: {secret: admin-secret-0123456789}
            bridges:
              - {name: libera, kind: irc, host: irc.example.org, allowed-channels: ["#a"], webirc-password: pw-one}
              - {name: old, kind: irc, host: old.example.org}
              - {name: chat, kind: xmpp, host: xmpp.example.org, domain: example.org}
            """;

    private static HalleyConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse("halley.yaml", yaml);
    }

    @Test
    void theSameFileChangesNothing() throws Exception {
        ConfigReload.Plan p = ConfigReload.plan(parse(BASE), parse(BASE));
        assertThat(p.nothing()).isTrue();
        assertThat(p.changed()).isEmpty();
    }

    @Test
    void runTimePartsApplyAndTheRestWaitsForARestartKeepingTheirOldValues() throws Exception {
        HalleyConfig next = parse("""
                server: {port: 9090, drain: {deadline: 30s}}
                limits: {max-sessions: 5}
                admin: {secret: another-secret-0123456789}
                logging: {format: json}
                bridges:
                  - {name: libera, kind: irc, host: irc2.example.org, allowed-channels: ["#a", "#b"], webirc-password: pw-two}
                  - {name: chat, kind: irc, host: irc.chat.example.org}
                  - {name: fresh, kind: xmpp, host: xmpp.example.net, domain: example.net}
                """);
        ConfigReload.Plan p = ConfigReload.plan(parse(BASE), next);
        assertThat(p.applied()).contains("server.drain.deadline", "limits.max-sessions", "admin.secret", "logging.format",
                "bridges[libera].allowed-channels", "bridges[libera].webirc-password", "bridges[fresh]: added");
        assertThat(p.applied()).anyMatch(a -> a.startsWith("bridges[old]: removed"))
                .anyMatch(a -> a.startsWith("bridges[chat]: replaced (kind xmpp -> irc"));
        // public-url and allowed-origins follow the port by default: they change with it
        assertThat(p.needsRestart()).containsExactlyInAnyOrder("server.port", "server.public-url", "server.allowed-origins",
                "bridges[libera].host");
        // Never a value: a secret must not reach the answer or the log.
        assertThat(String.join(" ", p.applied())).doesNotContain("pw-two", "another-secret");

        HalleyConfig in = p.effective();
        assertThat(in.server().port()).isEqualTo(8080);
        assertThat(in.server().drain().deadline()).hasSeconds(30);
        assertThat(in.limits().maxSessions()).isEqualTo(5);
        IrcBridgeConfig libera = (IrcBridgeConfig) in.bridge("libera").orElseThrow();
        assertThat(libera.host()).isEqualTo("irc.example.org");
        assertThat(libera.allowsChannel("#b")).isTrue();
        assertThat(in.bridges()).extracting(b -> b.name()).containsExactly("libera", "chat", "fresh");
        assertThat(p.added()).extracting(b -> b.name()).containsExactly("fresh");
        assertThat(p.removed()).containsExactly("old");
        assertThat(p.changed()).extracting(b -> b.name()).containsExactly("libera");
    }

    @Test
    void aNodeAddedToTheClusterAppliesAtOnceButThisNodesOwnNameNeedsARestart() throws Exception {
        String three = BASE + """
                cluster:
                  node: n2
                  nodes: [{name: n1, address: "10.0.0.1:8080"}, {name: n2, address: "10.0.0.2:8080"}, {name: n3, address: "10.0.0.3:8080"}]
                """;
        String four = three.replace("{name: n3, address: \"10.0.0.3:8080\"}]",
                "{name: n3, address: \"10.0.0.3:8080\"}, {name: n4, address: \"10.0.0.4:8080\"}]");
        ConfigReload.Plan added = ConfigReload.plan(parse(three), parse(four));
        assertThat(added.applied()).containsExactly("cluster.nodes");
        assertThat(added.needsRestart()).isEmpty();
        assertThat(added.effective().cluster().nodes()).extracting(n -> n.name()).containsExactly("n1", "n2", "n3", "n4");

        ConfigReload.Plan renamed = ConfigReload.plan(parse(three), parse(four.replace("node: n2", "node: n4")));
        assertThat(renamed.needsRestart()).containsExactlyInAnyOrder("cluster.node", "cluster.nodes");
        assertThat(renamed.effective().cluster().node()).isEqualTo("n2");
    }

    @Test
    void diffNamesKeysAsYamlWritesThem() throws Exception {
        HalleyConfig a = parse(BASE);
        HalleyConfig b = parse(BASE.replace("allowed-channels: [\"#a\"]", "nick: {default: web???, max-length: 20}, allowed-channels: [\"#a\"]"));
        assertThat(ConfigReload.diff("bridges[libera]", a.bridge("libera").orElseThrow(), b.bridge("libera").orElseThrow()))
                .containsExactlyInAnyOrder("bridges[libera].nick.default", "bridges[libera].nick.max-length");
    }

    /**
     * A Runner over {@code yaml} in a file whose apply step is {@code apply}, with deadlines long
     * enough for a busy test machine (the deadline's own test sets a short one).
     */
    private static ConfigReload.Runner runner(Path dir, String yaml, BiFunction<String, HalleyConfig, ConfigReload.Result> apply,
            AtomicInteger refused) throws Exception {
        Path file = Files.writeString(dir.resolve("halley.yaml"), yaml);
        return new ConfigReload.Runner(file, apply, refused::incrementAndGet, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @Test
    void aReloadPastItsDeadlineIsAnsweredBusyAndGoesOn(@TempDir Path dir) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger applied = new AtomicInteger();
        Path file = Files.writeString(dir.resolve("halley.yaml"), BASE);
        try (ConfigReload.Runner r = new ConfigReload.Runner(file, (why, next) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            applied.incrementAndGet();
            return ok(why, next);
        }, () -> { }, Duration.ofSeconds(30), Duration.ofMillis(200))) {
            ConfigReload.Result late = r.run("SIGHUP");
            assertThat(late.busy()).isTrue();
            assertThat(late.errors()).containsExactly("putting it into force takes longer than 200ms; it goes on, and the log"
                    + " says whether it was taken (metric halley_config_reloads_total)");
            release.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> applied.get() == 1);
        }
    }

    private static ConfigReload.Result ok(String why, HalleyConfig next) {
        return new ConfigReload.Result(true, List.of("applied by " + why), List.of(), List.of());
    }

    @Test
    void aHostileFileIsRefusedWithItsPlaceAndApplyIsNeverCalled(@TempDir Path dir) throws Exception {
        AtomicInteger refused = new AtomicInteger();
        try (ConfigReload.Runner r = runner(dir, "server: " + "[".repeat(2000) + "]".repeat(2000) + "\n", (why, next) -> {
            throw new AssertionError("applied a hostile file");
        }, refused)) {
            ConfigReload.Result result = r.run("test");
            assertThat(result.ok()).isFalse();
            assertThat(result.busy()).isFalse();
            assertThat(result.errors()).singleElement().asString()
                    .isEqualTo(dir.resolve("halley.yaml") + ":1:28: nested more than 20 levels deep; Halley's settings are at most"
                            + " 5 levels (see docs/configuration.md)");
            assertThat(refused).hasValue(1);
        }
    }

    @Test
    void aSecondReloadWhileOneRunsIsToldSoAtOnceAndChangesNothing(@TempDir Path dir) throws Exception {
        CountDownLatch inApply = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger applied = new AtomicInteger();
        try (ConfigReload.Runner r = runner(dir, BASE, (why, next) -> {
            applied.incrementAndGet();
            inApply.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ok(why, next);
        }, new AtomicInteger())) {
            CompletableFuture<ConfigReload.Result> first = CompletableFuture.supplyAsync(() -> r.run("SIGHUP"));
            assertThat(inApply.await(30, TimeUnit.SECONDS)).isTrue();
            ConfigReload.Result second = r.run("admin endpoint");
            assertThat(second.busy()).isTrue();
            assertThat(second.ok()).isFalse();
            assertThat(second.errors()).singleElement().asString().startsWith("a reload (asked by SIGHUP ").endsWith(
                    "ms ago) still runs; nothing was done; ask again once it has answered");
            assertThat(second.toJson()).contains("\"busy\":true");
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS).applied()).containsExactly("applied by SIGHUP");
            assertThat(applied).hasValue(1);
            assertThat(r.run("admin endpoint").applied()).as("free again once the first has answered")
                    .containsExactly("applied by admin endpoint");
        }
    }

    @Test
    void anErrorWhileApplyingIsAnsweredAsRefusedNotLost(@TempDir Path dir) throws Exception {
        AtomicInteger refused = new AtomicInteger();
        try (ConfigReload.Runner r = runner(dir, BASE, (why, next) -> {
            throw new StackOverflowError();
        }, refused)) {
            ConfigReload.Result result = r.run("SIGHUP");
            assertThat(result.ok()).isFalse();
            assertThat(result.errors()).containsExactly("the reload failed (StackOverflowError); the config in force stays; see the log");
            assertThat(refused).hasValue(1);
            assertThat(r.run("again").ok()).as("the runner goes on").isFalse();
        }
    }
}

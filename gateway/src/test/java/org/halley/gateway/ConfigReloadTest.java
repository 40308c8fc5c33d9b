package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.config.IrcBridgeConfig;
import org.junit.jupiter.api.Test;

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
}

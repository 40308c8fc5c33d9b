package org.halley.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.halley.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    /** Real PEM files: the loader reads certificates and keys as start-up does. */
    private static final TestCertificates CERTS = TestCertificates.create();

    private static final String MINIMAL = """
            bridges:
              - name: demo
                kind: irc
                host: 127.0.0.1
                tls: false
            """;

    /** The one line of the only error the loader reports for {@code yaml}. */
    private static String error(String yaml) {
        return error(yaml, Map.of());
    }

    private static String error(String yaml, Map<String, String> env) {
        List<ConfigError> errors = errors(yaml, env);
        assertThat(errors).as("errors for:\n" + yaml).hasSize(1);
        return errors.get(0).toString();
    }

    private static List<ConfigError> errors(String yaml, Map<String, String> env) {
        try {
            ConfigLoader.parse("halley.yaml", yaml, env);
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors for:\n" + yaml);
    }

    @Test
    void minimalConfigGetsSafeDefaults() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("halley.yaml", MINIMAL);
        assertThat(c.server().bind()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().allowedOrigins()).containsExactly("http://localhost:8080");
        assertThat(c.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(c.cluster()).isEqualTo(ClusterConfig.SINGLE);
        IrcBridgeConfig irc = (IrcBridgeConfig) c.bridge("demo").orElseThrow();
        assertThat(irc.port()).isEqualTo(6667);
        assertThat(irc.webircPassword()).isEmpty();
        assertThat(irc.nick()).isEqualTo(NickRules.DEFAULTS);
        assertThat(irc.allowsChannel("#anything")).isTrue();
    }

    @Test
    void tlsIsOnUnlessSaidOtherwiseAndPicksTheTlsPort() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", """
                bridges:
                  - {name: net, kind: irc, host: irc.example.org}
                  - {name: xmpp, kind: xmpp, host: xmpp.example.org, domain: example.org}
                """);
        assertThat(c.bridges()).allMatch(BridgeConfig::tls);
        assertThat(c.bridges().get(0).port()).isEqualTo(6697);
        XmppBridgeConfig x = (XmppBridgeConfig) c.bridges().get(1);
        assertThat(x.port()).isEqualTo(5222);
        assertThat(x.mucService()).isEqualTo("conference.example.org");
        assertThat(x.login()).isEqualTo(XmppLogin.ACCOUNT);
    }

    @Test
    void outOfRangePortNamesFileLineColumnAndField() {
        String yaml = """
                server:
                  port: 8080
                limits:
                  linger: 30s
                # a comment
                # another
                #
                #
                #
                #
                bridges:
                  - name: demo
                    kind: irc
                    port: 70000
                    host: 127.0.0.1
                """;
        assertThat(error(yaml)).isEqualTo("halley.yaml:14:5: bridges[0].port: 70000 is not a port (1-65535)");
    }

    @Test
    void unknownKeyIsAnErrorWithASuggestion() {
        assertThat(error("server:\n  prot: 80\n" + MINIMAL))
                .startsWith("halley.yaml:2:3: server.prot: unknown key; did you mean 'port'? (allowed here: ")
                .contains("public-url");
        assertThat(error("servers: {}\n" + MINIMAL)).startsWith("halley.yaml:1:1: servers: unknown key; did you mean 'server'?");
        assertThat(error(MINIMAL + "    colour: blue\n")).startsWith("halley.yaml:6:5: bridges[0].colour: unknown key (allowed here:");
    }

    @Test
    void keyOfTheOtherKindSaysWhichKindItBelongsTo() {
        assertThat(error(MINIMAL + "    domain: example.org\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].domain: only for kind: xmpp bridges; this one is kind: irc");
    }

    @Test
    void duplicateKeyIsAnError() {
        assertThat(error("server:\n  port: 1\n  port: 2\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:3: server.port: duplicate key (first at line 2)");
    }

    @Test
    void bridgesAreRequired() {
        assertThat(error("server: {port: 80}\n")).isEqualTo(
                "halley.yaml:1:1: bridges: missing; list at least one network under 'bridges:' (see config/examples/demo.yaml)");
        assertThat(error("bridges: []\n")).isEqualTo("halley.yaml:1:1: bridges: is empty; list at least one network");
        assertThat(error("bridges: 3\n")).startsWith("halley.yaml:1:1: bridges: expected a list of mappings");
    }

    @Test
    void requiredBridgeFieldsAreNamed() {
        List<ConfigError> errors = errors("bridges:\n  - kind: irc\n", Map.of());
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "halley.yaml:2:5: bridges[0].name: missing; this field is required",
                "halley.yaml:2:5: bridges[0].host: missing; this field is required");
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        assertThat(error(MINIMAL.replace("kind: irc", "kind: matrix")))
                .isEqualTo("halley.yaml:3:5: bridges[0].kind: 'matrix' is not one of: irc, xmpp");
        assertThat(error(MINIMAL.replace("name: demo", "name: Demo Net")))
                .startsWith("halley.yaml:2:5: bridges[0].name: 'Demo Net' is not a valid name");
        assertThat(error(MINIMAL.replace("tls: false", "tls: yes")))
                .isEqualTo("halley.yaml:5:5: bridges[0].tls: expected true or false, not 'yes'");
        assertThat(error(MINIMAL.replace("127.0.0.1", "irc example org")))
                .isEqualTo("halley.yaml:4:5: bridges[0].host: 'irc example org' is not a host name or IP address");
        assertThat(error("limits:\n  linger: 30 seconds\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: limits.linger: '30 seconds' is not a duration (like 250ms, 30s, 5m, 1h, 1d)");
        assertThat(error("limits:\n  linger: 2d\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: limits.linger: 2d is out of range (0s to 1d)");
        assertThat(error("limits:\n  session-buffer-bytes: 1 MB\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: limits.session-buffer-bytes: '1 MB' is not a size (like 65536, 64KiB, 1MiB, 1GiB)");
        assertThat(error("limits:\n  max-sessions: many\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: limits.max-sessions: 'many' is not a whole number (1-1000000)");
        assertThat(error("limits:\n  max-sessions: 0\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: limits.max-sessions: 0 is out of range (1-1000000)");
        assertThat(error("server:\n  port: [1, 2]\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: server.port: expected a single value, not a list");
        assertThat(error("server: 8080\n" + MINIMAL))
                .isEqualTo("halley.yaml:1:9: server: expected a mapping (indented 'key: value' lines), not '8080'");
    }

    @Test
    void sizesAndDurationsTakeUnits() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", """
                limits: {session-buffer-bytes: 64KiB, linger: 2m, session-buffer-events: 1_000}
                server: {push: {heartbeat: 500ms, max-message-bytes: 1MiB}}
                """ + MINIMAL);
        assertThat(c.limits().sessionBufferBytes()).isEqualTo(65536);
        assertThat(c.limits().sessionBufferEvents()).isEqualTo(1000);
        assertThat(c.limits().linger()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.server().push().heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.server().push().maxMessageBytes()).isEqualTo(1 << 20);
    }

    @Test
    void pushTransportSettingsHaveDefaultsAndTakeValues() throws ConfigException {
        PushConfig d = ConfigLoader.parse("x.yaml", MINIMAL).server().push();
        assertThat(d).isEqualTo(PushConfig.DEFAULTS);
        assertThat(d.apiSecret()).isEmpty();
        PushConfig p = ConfigLoader.parse("x.yaml", """
                server:
                  push:
                    compression: true
                    write-buffer-bytes: 16KiB
                    slow-consumer-timeout: 3s
                    stream-max-bytes: 256KiB
                    shards: 4
                    api-secret: ${API:-0123456789abcdef-secret}
                """ + MINIMAL).server().push();
        assertThat(p.compression()).isTrue();
        assertThat(p.writeBufferBytes()).isEqualTo(16 * 1024);
        assertThat(p.slowConsumerTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.streamMaxBytes()).isEqualTo(256 * 1024);
        assertThat(p.shards()).isEqualTo(4);
        assertThat(p.apiSecret()).map(Secret::value).hasValue("0123456789abcdef-secret");
        assertThat(p.toString()).doesNotContain("0123456789abcdef").contains("***");
    }

    @Test
    void pushSettingsAreChecked() {
        assertThat(error("server:\n  push:\n    api-secret: short\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:5: server.push.api-secret: is too short to be a secret (at least 16 characters; e.g. `openssl rand -base64 24`)");
        assertThat(error("server:\n  push:\n    api-secret: 'has a space in it ok'\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:5: server.push.api-secret: must be printable ASCII without spaces (it travels in an HTTP header)");
        assertThat(error("server:\n  push:\n    shards: -1\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:5: server.push.shards: -1 is out of range (0-1024)");
        assertThat(error("server:\n  push:\n    slow-consumer-timeout: 1h\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:5: server.push.slow-consumer-timeout: 1h is out of range (100ms to 10m)");
        assertThat(error("server:\n  push:\n    stream-max-bytes: 10\n" + MINIMAL))
                .startsWith("halley.yaml:3:5: server.push.stream-max-bytes: ");
        assertThat(error("server:\n  push:\n    compresion: true\n" + MINIMAL))
                .startsWith("halley.yaml:3:5: server.push.compresion: unknown key; did you mean 'compression'?");
    }

    @Test
    void operationsSettingsHaveDefaults() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", MINIMAL);
        assertThat(c.server().drain()).isEqualTo(DrainConfig.DEFAULTS);
        assertThat(c.server().drain().deadline()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.server().probeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.admin()).isEqualTo(AdminConfig.DEFAULTS);
        assertThat(c.logging()).isEqualTo(LoggingConfig.DEFAULTS);
    }

    @Test
    void operationsSettingsTakeValues() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", """
                server:
                  probe-interval: 2s
                  drain:
                    delay: 3s
                    deadline: 45s
                    quit-message: Moving you to another server
                admin:
                  secret: ${ADMIN:-admin-secret-0123456789}
                  protect-metrics: true
                logging:
                  format: json
                  level: debug
                """ + MINIMAL);
        assertThat(c.server().probeInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.server().drain()).isEqualTo(new DrainConfig(Duration.ofSeconds(3), Duration.ofSeconds(45),
                "Moving you to another server"));
        assertThat(c.admin().secret()).map(Secret::value).hasValue("admin-secret-0123456789");
        assertThat(c.admin().protectMetrics()).isTrue();
        assertThat(c.admin().toString()).doesNotContain("admin-secret").contains("***");
        assertThat(c.logging()).isEqualTo(new LoggingConfig(LoggingConfig.Format.JSON, LoggingConfig.Level.DEBUG));
    }

    @Test
    void operationsSettingsAreChecked() {
        assertThat(error("server:\n  drain:\n    delay: 30s\n    deadline: 10s\n" + MINIMAL))
                .isEqualTo("halley.yaml:4:5: server.drain.deadline: 10s is not longer than delay (30s); "
                        + "the deadline counts from the signal, the delay included");
        assertThat(error("server:\n  drain:\n    deadline: 2h\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:5: server.drain.deadline: 2h is out of range (1s to 30m)");
        assertThat(error("server:\n  drain:\n    quit-message: \"a\\nb\"\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:5: server.drain.quit-message: contains a control character (\\u000a)");
        assertThat(error("server:\n  probe-interval: 0s\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: server.probe-interval: 0s is out of range (100ms to 10m)");
        assertThat(error("admin:\n  secret: short\n" + MINIMAL))
                .startsWith("halley.yaml:2:3: admin.secret: is too short to be a secret");
        assertThat(error("admin:\n  protect-metrics: true\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: admin.protect-metrics: needs admin.secret: /metrics would ask for a token that does not exist");
        assertThat(error("logging:\n  format: xml\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: logging.format: 'xml' is not one of: text, json");
        assertThat(error("logging:\n  levle: debug\n" + MINIMAL))
                .startsWith("halley.yaml:2:3: logging.levle: unknown key; did you mean 'level'?");
    }

    @Test
    void originsMustBeExactOrigins() {
        assertThat(error("server:\n  allowed-origins: ['*']\n" + MINIMAL))
                .startsWith("halley.yaml:2:21: server.allowed-origins[0]: '*' would let any web site open sessions");
        assertThat(error("server:\n  allowed-origins:\n    - https://a.example/chat\n" + MINIMAL))
                .isEqualTo("halley.yaml:3:7: server.allowed-origins[0]: 'https://a.example/chat' has a path; an origin is only scheme://host[:port]");
        assertThat(error("server:\n  public-url: ftp://x\n" + MINIMAL))
                .isEqualTo("halley.yaml:2:3: server.public-url: 'ftp://x' is not an http:// or https:// URL with a host");
    }

    @Test
    void originsAreNormalised() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", "server:\n  allowed-origins: ['HTTPS://Chat.Example.org:443', 'http://x:8080']\n" + MINIMAL);
        assertThat(c.server().allowedOrigins()).containsExactly("https://chat.example.org", "http://x:8080");
    }

    @Test
    void channelListsCatchTheYamlCommentTrapAndBadNames() {
        assertThat(error(MINIMAL + "    default-channels:\n      - #halley\n"))
                .isEqualTo("halley.yaml:7:8: bridges[0].default-channels[0]: is empty (in YAML '#' starts a comment: quote names like \"#chan\")");
        assertThat(error(MINIMAL + "    default-channels: ['#a,#b']\n"))
                .startsWith("halley.yaml:6:24: bridges[0].default-channels[0]: '#a,#b' is not a channel name");
        assertThat(error(MINIMAL + "    default-channels: ['halley']\n"))
                .startsWith("halley.yaml:6:24: bridges[0].default-channels[0]: 'halley' is not a channel name");
        assertThat(error(MINIMAL + "    default-channels: ['#other']\n    allowed-channels: ['#halley*']\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].default-channels: '#other' is not matched by allowed-channels [#halley*]");
    }

    @Test
    void nickRulesAreChecked() {
        assertThat(error(MINIMAL + "    nick: {default: 'a b'}\n"))
                .startsWith("halley.yaml:6:12: bridges[0].nick.default: 'a b' is not a nick template");
        assertThat(error(MINIMAL + "    nick: {fallback: ['{nick} x']}\n"))
                .startsWith("halley.yaml:6:23: bridges[0].nick.fallback[0]: '{nick} x' is not a fallback template");
        assertThat(error(MINIMAL + "    realname: \"a\\nb\"\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].realname: contains a control character (\\u000a)");
    }

    @Test
    void bridgeNamesAreUnique() {
        assertThat(error(MINIMAL + "  - {name: demo, kind: irc, host: 127.0.0.2}\n"))
                .isEqualTo("halley.yaml:6:6: bridges[1].name: 'demo' is already the name of bridges[0]; names must be unique");
    }

    @Test
    void clusterIsValidated() {
        String cluster = """
                cluster:
                  node: c
                  nodes:
                    - {name: a, address: "10.0.0.1:8080"}
                    - {name: b, address: "10.0.0.2:8080"}
                """;
        assertThat(error(cluster + MINIMAL)).isEqualTo("halley.yaml:2:3: cluster.node: 'c' is not one of the nodes (a, b)");
        assertThat(error(cluster.replace("10.0.0.2:8080", "10.0.0.2").replace("node: c", "node: a") + MINIMAL))
                .isEqualTo("halley.yaml:5:17: cluster.nodes[1].address: '10.0.0.2' is not host:port");
        assertThat(error(cluster.replace("name: b", "name: a").replace("node: c", "node: a") + MINIMAL))
                .isEqualTo("halley.yaml:5:8: cluster.nodes[1].name: 'a' is already the name of cluster.nodes[0]; names must be unique");
        assertThat(error("cluster: {node: a}\n" + MINIMAL))
                .isEqualTo("halley.yaml:1:10: cluster.nodes: missing; list every node (name and address), the same list on every node");
    }

    @Test
    void clusterIsRead() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", """
                cluster:
                  node: b
                  nodes:
                    - {name: a, address: "10.0.0.1:8080"}
                    - {name: b, address: "[::1]:8081"}
                """ + MINIMAL);
        assertThat(c.cluster().self()).isEqualTo(new ClusterConfig.ClusterNode("b", "[::1]:8081"));
    }

    @Test
    void yamlSyntaxErrorHasAPosition() {
        assertThat(error("server:\n  port: [1, 2\n")).startsWith("halley.yaml:2:9: the '[' here is not closed with ']'");
        assertThat(error("a: b\n c: d\n")).startsWith("halley.yaml:2:3: a ':' here cannot start a 'key: value'");
    }

    @Test
    void everyMistakeIsReportedAtOnce() {
        List<ConfigError> errors = errors("""
                server: {port: -1, bnd: x}
                limits: {linger: forever}
                bridges:
                  - {name: demo, kind: irc, host: 127.0.0.1, tls: maybe}
                """, Map.of());
        assertThat(errors).extracting(ConfigError::field)
                .containsExactly("server.port", "server.bnd", "limits.linger", "bridges[0].tls");
    }

    @Test
    void environmentVariablesFillValues() throws ConfigException {
        String yaml = "server: {port: '${PORT:-9000}'}\n" + MINIMAL.replace("127.0.0.1", "${IRC_HOST}")
                + "    webirc-password: ${WEBIRC}\n";
        HalleyConfig c = ConfigLoader.parse("x.yaml", yaml, Map.of("IRC_HOST", "irc.local", "WEBIRC", "s3cret"));
        assertThat(c.server().port()).isEqualTo(9000);
        IrcBridgeConfig irc = (IrcBridgeConfig) c.bridges().get(0);
        assertThat(irc.host()).isEqualTo("irc.local");
        assertThat(irc.webircPassword().orElseThrow().value()).isEqualTo("s3cret");
        assertThat(irc.toString()).contains("***").doesNotContain("s3cret");
        assertThat(error(yaml, Map.of("WEBIRC", "x"))).isEqualTo(
                "halley.yaml:5:5: bridges[0].host: environment variable IRC_HOST is not set (write ${IRC_HOST:-default} for a default)");
    }

    private static final String XMPP = """
            bridges:
              - name: jabber
                kind: xmpp
                host: 127.0.0.1
                domain: example.org
            """;

    @Test
    void xmppBridgeGetsSafeDefaults() throws ConfigException {
        XmppBridgeConfig x = (XmppBridgeConfig) ConfigLoader.parse("x.yaml", XMPP).bridges().get(0);
        assertThat(x.tls()).isTrue();
        assertThat(x.caFile()).isEmpty();
        assertThat(x.pingInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(x.roomHistory()).isEqualTo(20);
        assertThat(x.nick()).isEqualTo(NickRules.DEFAULTS);
        assertThat(x.roomJid("lobby")).isEqualTo("lobby@conference.example.org");
        assertThat(x.roomJid("x@rooms.example.net")).isEqualTo("x@rooms.example.net");
    }

    @Test
    void xmppKeysAreRead() throws ConfigException {
        XmppBridgeConfig x = (XmppBridgeConfig) ConfigLoader.parse("x.yaml", XMPP + """
                    tls: false
                    muc-service: rooms.example.org
                    login: anonymous
                    ca-file: %s
                    ping-interval: 30s
                    room-history: 0
                    default-rooms: [lobby]
                    allowed-rooms: ["*@rooms.example.org"]
                    nick: {default: "web-??", fallback: ["{nick}-"]}
                """.formatted(CERTS.ca())).bridges().get(0);
        assertThat(x.tls()).isFalse();
        assertThat(x.login()).isEqualTo(XmppLogin.ANONYMOUS);
        assertThat(x.caFile()).contains(CERTS.ca());
        assertThat(x.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(x.roomHistory()).isZero();
        assertThat(x.nick().defaultNick()).isEqualTo("web-??");
        assertThat(x.nick().fallbacks()).containsExactly("{nick}-");
        assertThat(x.allowsRoom("Lobby@Rooms.Example.org")).isTrue();
        assertThat(x.allowsRoom("lobby@conference.example.org")).isFalse();
    }

    @Test
    void xmppMistakesNameTheKey() {
        assertThat(error(XMPP + "    ping-interval: 1s\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].ping-interval: 1s is out of range (5s to 1h)");
        assertThat(error(XMPP + "    room-history: lots\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].room-history: 'lots' is not a whole number (0-1000)");
        assertThat(error(XMPP + "    login: plain\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].login: 'plain' is not one of: account, anonymous");
        assertThat(error(XMPP + "    default-rooms: [lobby]\n    allowed-rooms: [\"*@rooms.example.org\"]\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].default-rooms: 'lobby' (lobby@conference.example.org) is not matched by"
                        + " allowed-rooms [*@rooms.example.org]");
        assertThat(error(XMPP + "    webirc-password: x\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].webirc-password: only for kind: irc bridges; this one is kind: xmpp");
        assertThat(error(MINIMAL + "    room-history: 5\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].room-history: only for kind: xmpp bridges; this one is kind: irc");
    }

    @Test
    void emptyWebircPasswordTurnsWebircOff() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", MINIMAL + "    webirc-password: ${NONE:-}\n");
        assertThat(((IrcBridgeConfig) c.bridges().get(0)).webircPassword()).isEmpty();
    }

    @Test
    void fileProblemsNameTheFile(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml")))
                .hasMessage(dir.resolve("nope.yaml") + ": no such file");
        assertThatThrownBy(() -> ConfigLoader.load(dir)).hasMessageEndingWith(": is a directory; give the path of a .yaml file");
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), "name: caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConfigLoader.load(latin1)).hasMessage(latin1 + ": is not UTF-8 text");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing\n");
        assertThatThrownBy(() -> ConfigLoader.load(empty)).hasMessageEndingWith("is empty; it needs at least a 'bridges:' list (see config/examples/demo.yaml)");
    }

    @Test
    void ircBridgeDefaultsAreSafeForAPublicNetwork() throws ConfigException {
        IrcBridgeConfig irc = (IrcBridgeConfig) ConfigLoader.parse("x.yaml", MINIMAL).bridges().get(0);
        assertThat(irc.caFile()).isEmpty();
        assertThat(irc.serverPassword()).isEmpty();
        assertThat(irc.ident()).isEqualTo("{hex-ip}");
        assertThat(irc.realname()).isEqualTo("Halley web user");
        assertThat(irc.quitMessage()).isEqualTo("Web chat session ended");
        assertThat(irc.ctcpVersion()).isEqualTo("Halley web chat gateway");
        assertThat(irc.admission()).isEqualTo(AdmissionRules.DEFAULTS);
        assertThat(irc.reconnect()).isEqualTo(ReconnectRules.DEFAULTS);
        assertThat(irc.flood()).isEqualTo(FloodRules.DEFAULTS);
    }

    @Test
    void ircBridgeKeysAreRead(@TempDir Path dir) throws IOException, ConfigException {
        Path ca = CERTS.ca();
        IrcBridgeConfig irc = (IrcBridgeConfig) ConfigLoader.parse("x.yaml", """
                bridges:
                  - name: net
                    kind: irc
                    host: irc.example.org
                    ca-file: %s
                    server-password: ${PASS}
                    ident: "w{hex-ip}"
                    realname: "{nick} at {host}"
                    quit-message: See you
                    ctcp-version: Example chat
                    admission: {max-connections: 50, connections-per-ip: 2, connect-interval: 1s}
                    reconnect: {delay: 500ms, max-delay: 1m}
                    flood: {burst: 3, interval: 250ms}
                """.formatted(ca), Map.of("PASS", "s3cret")).bridges().get(0);
        assertThat(irc.caFile()).contains(ca);
        assertThat(irc.serverPassword()).map(Secret::value).contains("s3cret");
        assertThat(irc.serverPassword().orElseThrow()).hasToString("***");
        assertThat(irc.ident()).isEqualTo("w{hex-ip}");
        assertThat(irc.realname()).isEqualTo("{nick} at {host}");
        assertThat(irc.quitMessage()).isEqualTo("See you");
        assertThat(irc.ctcpVersion()).isEqualTo("Example chat");
        assertThat(irc.admission()).isEqualTo(new AdmissionRules(50, 2, Duration.ofSeconds(1)));
        assertThat(irc.reconnect()).isEqualTo(new ReconnectRules(Duration.ofMillis(500), Duration.ofMinutes(1)));
        assertThat(irc.flood()).isEqualTo(new FloodRules(3, Duration.ofMillis(250)));
    }

    @Test
    void badIrcBridgeValuesSayWhatIsAllowed() {
        assertThat(error(MINIMAL.replace("tls: false", "tls: true") + "    ca-file: /nonexistent/ca.pem\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].ca-file: '/nonexistent/ca.pem' is not a file");
        assertThat(error(MINIMAL + "    ident: \"web user\"\n")).startsWith(
                "halley.yaml:6:5: bridges[0].ident: 'web user' is not an ident template (letters, digits, '-', '_', '.' and {hex-ip}");
        assertThat(error(MINIMAL + "    ident: \"abc{hex-ip}\"\n")).contains("at most 10 characters");
        assertThat(error(MINIMAL + "    realname: \"{password}\"\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].realname: {password} is not one of {nick}, {ip}, {host}");
        assertThat(error(MINIMAL + "    quit-message: \"bye\\r\\nQUIT\"\n"))
                .isEqualTo("halley.yaml:6:5: bridges[0].quit-message: contains a control character (\\u000d)");
        assertThat(error(MINIMAL + "    reconnect: {delay: 10s, max-delay: 5s}\n"))
                .isEqualTo("halley.yaml:6:29: bridges[0].reconnect.max-delay: 5s is shorter than delay (10s)");
        assertThat(error(MINIMAL + "    flood: {burst: 0}\n"))
                .isEqualTo("halley.yaml:6:13: bridges[0].flood.burst: 0 is out of range (1-1000)");
        assertThat(error(MINIMAL + "    admission: {connections-per-ip: none}\n"))
                .isEqualTo("halley.yaml:6:17: bridges[0].admission.connections-per-ip: 'none' is not a whole number (1-1000000)");
        assertThat(error(MINIMAL + "    admission: {max-conections: 5}\n"))
                .startsWith("halley.yaml:6:17: bridges[0].admission.max-conections: unknown key; did you mean 'max-connections'?");
    }

    @Test
    void trustedProxiesAreAddressesOrBlocks() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("x.yaml", "server: {trusted-proxies: [127.0.0.1, 10.0.0.0/8, \"::1\", \"fd00::/8\"]}\n" + MINIMAL);
        assertThat(c.server().trustedProxies()).extracting(IpRange::toString).containsExactly("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8");
        assertThat(ConfigLoader.parse("x.yaml", MINIMAL).server().trustedProxies()).isEmpty();
        assertThat(error("server: {trusted-proxies: [proxy.example.org]}\n" + MINIMAL)).isEqualTo(
                "halley.yaml:1:28: server.trusted-proxies[0]: 'proxy.example.org' is not an IP address or CIDR block (like 10.0.0.0/8 or ::1)");
        assertThat(error("server: {trusted-proxies: [10.0.0.0/33]}\n" + MINIMAL))
                .isEqualTo("halley.yaml:1:28: server.trusted-proxies[0]: '10.0.0.0/33' has a bad prefix length (0-32)");
    }

    @Test
    void tlsTakesAPemCertificateAndPkcs8KeyAndMakesThePublicUrlHttps(@TempDir Path dir) throws IOException, ConfigException {
        Path cert = CERTS.certificate();
        Path key = CERTS.key();
        HalleyConfig c = ConfigLoader.parse("halley.yaml", "server:\n  port: 8443\n  tls: {certificate: %s, key: %s}\n".formatted(cert, key) + MINIMAL);
        assertThat(c.server().tls()).hasValue(new TlsConfig(cert, key));
        assertThat(c.server().publicUrl()).hasToString("https://localhost:8443");
        assertThat(c.server().allowedOrigins()).containsExactly("https://localhost:8443");
        assertThat(ConfigLoader.parse("halley.yaml", MINIMAL).server().tls()).isEmpty();
    }

    @Test
    void tlsFilesThatCannotServeAreNamedWithWhatToDo(@TempDir Path dir) throws IOException {
        Path cert = CERTS.certificate();
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\n");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"), "junk\n-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        String tls = "server:\n  tls:\n    certificate: %s\n    key: %s\n" + MINIMAL;
        assertThat(error(tls.formatted(cert, rsa))).isEqualTo("halley.yaml:4:5: server.tls.key: '" + rsa
                + "' holds a traditional-format key (RSA PRIVATE KEY); Halley reads PKCS#8: convert it with "
                + "`openssl pkcs8 -topk8 -nocrypt -in " + rsa + " -out key.pem`");
        assertThat(error(tls.formatted(cert, encrypted))).isEqualTo("halley.yaml:4:5: server.tls.key: '" + encrypted
                + "' is encrypted; give the unencrypted PKCS#8 key (`openssl pkcs8 -topk8 -nocrypt`) and let only Halley's user read it");
        assertThat(error(tls.formatted(key, key))).isEqualTo("halley.yaml:3:5: server.tls.certificate: '"
                + key + "' holds a PRIVATE KEY block, not a CERTIFICATE");
        assertThat(error(tls.formatted(text, key))).isEqualTo("halley.yaml:3:5: server.tls.certificate: '" + text
                + "' is not a PEM file (no -----BEGIN CERTIFICATE----- line)");
        assertThat(error(tls.formatted(dir.resolve("missing.pem"), key)))
                .startsWith("halley.yaml:3:5: server.tls.certificate: '" + dir.resolve("missing.pem") + "' is not a file");
        assertThat(error("server:\n  tls: {certificate: %s}\n".formatted(cert) + MINIMAL)).isEqualTo("halley.yaml:2:8: server.tls.key: missing; this field is required");
    }

    static Stream<Path> examples() throws IOException {
        return Files.list(Path.of("examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void examplesLoad(Path example) throws ConfigException {
        HalleyConfig c = ConfigLoader.load(example, Map.of("HALLEY_DEMO_XMPP_CA", CERTS.ca().toString())); // ./run makes it
        assertThat(c.bridges()).isNotEmpty();
    }

    @Test
    void thereAreThreeExamples() throws IOException {
        assertThat(examples().map(p -> p.getFileName().toString()))
                .contains("demo.yaml", "public-network.yaml", "irc-xmpp.yaml");
    }
}

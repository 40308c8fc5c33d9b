package org.halley.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written to break the loader (deep nesting, alias bombs, huge values, many keys) and the
 * commonest syntax slips (quotes, brackets, indentation, tabs, duplicate keys): each gives
 * {@link ConfigException} errors at the place of the mistake, never another Throwable.
 */
class HostileConfigTest {

    private static final String BRIDGES = """
            bridges:
              - name: demo
                kind: irc
                host: 127.0.0.1
                tls: false
            """;

    private static List<ConfigError> errors(String yaml) {
        try {
            ConfigLoader.parse("halley.yaml", yaml, Map.of());
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors for:\n" + yaml);
    }

    /** The only error, as printed. */
    private static String error(String yaml) {
        List<ConfigError> errors = errors(yaml);
        assertThat(errors).as("errors").hasSize(1);
        return errors.get(0).toString();
    }

    @Test
    void deepFlowNestingIsRefusedAtTheLevelTooDeepWithoutOverflowingTheStack() {
        String yaml = "server: " + "[".repeat(2000) + "]".repeat(2000) + "\n";
        // the root mapping is level 1; the 20th '[' (column 9 + 19) opens level 21
        assertThat(error(yaml)).isEqualTo("halley.yaml:1:28: nested more than 20 levels deep; "
                + "Halley's settings are at most 5 levels (see docs/configuration.md)");
        assertThat(error("server: " + "{a: ".repeat(800) + "}".repeat(800) + "\n")).startsWith("halley.yaml:1:");
    }

    @Test
    void deepBlockNestingIsRefusedAtTheLineTooDeep() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            yaml.append(" ".repeat(i)).append("k:\n");
        }
        assertThat(error(yaml.toString())).startsWith("halley.yaml:21:21: nested more than 20 levels deep");
        StringBuilder lists = new StringBuilder("server:\n");
        for (int i = 0; i < 200; i++) {
            lists.append(" ".repeat(2 * i + 2)).append("-\n");
        }
        assertThat(error(lists.toString())).contains("nested more than 20 levels deep");
    }

    @Test
    void deepFileThroughLoadIsOneErrorWithItsPlace(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("deep.yaml"), "server: " + "[".repeat(2000) + "]".repeat(2000) + "\n");
        try {
            ConfigLoader.load(file, Map.of());
            throw new AssertionError("loaded");
        } catch (ConfigException e) {
            assertThat(e.errors()).hasSize(1);
            assertThat(e.getMessage()).startsWith(file + ":1:28: nested more than 20 levels deep");
        }
    }

    @Test
    void aDeviceOrAnOversizedFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        for (Path device : List.of(Path.of("/dev/zero"), Path.of("/dev/null"))) {
            try {
                ConfigLoader.load(device, Map.of());
                throw new AssertionError("loaded " + device);
            } catch (ConfigException e) {
                assertThat(e.getMessage()).isEqualTo(device + ": is not a regular file (a device or a pipe); give the path of a .yaml file");
            }
        }
        Path big = Files.writeString(dir.resolve("big.yaml"), "#".repeat(ConfigLoader.MAX_FILE_BYTES + 1));
        try {
            ConfigLoader.load(big, Map.of());
            throw new AssertionError("loaded");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo(big + ": is larger than 256 KiB; is this the right file?");
        }
    }

    @Test
    void aliasBombIsRefusedAtTheAliasTooMany() {
        StringBuilder yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char prev = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [").append(("*" + prev + ", ").repeat(8)).append('*').append(prev)
                    .append("]\n");
        }
        // 9 aliases a line from line 2: the 21st is the 3rd on line 4 ("d: &d [" is 7 wide, each "*c, " 4)
        assertThat(error(yaml.toString())).isEqualTo("halley.yaml:4:16: more than 20 aliases (*name); "
                + "write the settings out instead of referring to them");
    }

    @Test
    void aFewAnchorsAndAliasesStillWork() throws ConfigException {
        HalleyConfig c = ConfigLoader.parse("halley.yaml", """
                bridges:
                  - name: one
                    kind: irc
                    host: 127.0.0.1
                    tls: false
                    default-channels: &chans ["#a", "#b"]
                  - name: two
                    kind: irc
                    host: 127.0.0.1
                    tls: false
                    default-channels: *chans
                """);
        assertThat(((IrcBridgeConfig) c.bridge("two").orElseThrow()).defaultChannels()).containsExactly("#a", "#b");
    }

    @Test
    void longValueIsNamedNotPrinted() {
        String e = error("server:\n  public-url: \"" + "x".repeat(4000) + "\"\n" + BRIDGES);
        assertThat(e).startsWith("halley.yaml:2:3: server.public-url: 'xxxxxxxxxx").contains("(4000 characters)");
        assertThat(e.length()).isLessThan(400);
    }

    @Test
    void lineLongerThanAnyValueIsRefusedBeforeParsing() {
        assertThat(error("server:\n  public-url: \"" + "x".repeat(200_000) + "\"\n" + BRIDGES)).isEqualTo(
                "halley.yaml:2:4097: this line is longer than 4096 characters; no value of Halley's is that long "
                        + "(is this the right file?)");
    }

    @Test
    void tooManyValuesAreRefusedAtTheFirstTooMany() {
        StringBuilder yaml = new StringBuilder("server:\n  allowed-origins:\n");
        for (int i = 0; i < 10_000; i++) {
            yaml.append("    - x\n");
        }
        assertThat(error(yaml + BRIDGES)).startsWith("halley.yaml:").contains(": more than 10000 values;");
    }

    @Test
    void textLongerThanTheFileLimitIsRefusedWhole() {
        String e = error(("# " + "x".repeat(1000) + "\n").repeat(ConfigLoader.MAX_FILE_BYTES / 1000) + BRIDGES);
        assertThat(e).isEqualTo("halley.yaml: is longer than " + ConfigLoader.MAX_FILE_BYTES
                + " characters; is this the right file?");
    }

    @Test
    void manyUnknownKeysAreCappedWithACount() {
        StringBuilder yaml = new StringBuilder("server:\n");
        for (int i = 0; i < 2_000; i++) {
            yaml.append("  key-").append(i).append(": 1\n");
        }
        List<ConfigError> errors = errors(yaml + BRIDGES);
        assertThat(errors).hasSize(Problems.MAX_ERRORS + 1);
        assertThat(errors.get(0).toString()).startsWith("halley.yaml:2:3: server.key-0: unknown key");
        assertThat(errors.get(Problems.MAX_ERRORS).toString())
                .isEqualTo("halley.yaml: and 1950 more mistakes; fix the first 50 and check again");
    }

    @Test
    void unclosedDoubleQuoteToTheEndIsReportedWhereItOpens() {
        assertThat(error(BRIDGES.replace("host: 127.0.0.1", "host: \"127.0.0.1"))).isEqualTo(
                "halley.yaml:4:11: the \" that opens this value is never closed (the file ends inside it); "
                        + "end the value with \" on this line");
    }

    @Test
    void unclosedQuoteThatRunsOnToTheNextQuoteIsReportedWhereItOpens() {
        // the shape of the report: the quote on line 4 closes at the next quote, many lines down,
        // where SnakeYAML then finds a mistake; the operator must look at line 4
        String yaml = """
                bridges:
                  - name: demo
                    kind: irc
                    host: "127.0.0.1
                    tls: false
                    ident: web
                    realname: web user
                    nick:
                      max-length: 16
                      default: "guest?"
                """;
        assertThat(error(yaml)).isEqualTo("halley.yaml:4:11: the \" that opens this value is closed only at line 10:16, "
                + "so the lines between became part of it; end the value with \" on this line");
        assertThat(error(yaml.replace("\"", "'"))).startsWith("halley.yaml:4:11: the ' that opens this value is closed only");
    }

    @Test
    void unclosedSingleQuoteToTheEndIsReportedWhereItOpens() {
        assertThat(error(BRIDGES.replace("name: demo", "name: 'demo"))).startsWith(
                "halley.yaml:2:11: the ' that opens this value is never closed");
    }

    @Test
    void unclosedFlowListAndMappingAreReportedAtTheirBracket() {
        assertThat(error("server:\n  allowed-origins: [\"https://a.example\", \"https://b.example\"\n  port: 8080\n" + BRIDGES))
                .isEqualTo("halley.yaml:2:20: the '[' here is not closed with ']' before line 3:3; close it on this line, "
                        + "or write the list as lines starting with '- '");
        assertThat(error("limits: {max-sessions: 10\nserver:\n  port: 8080\n" + BRIDGES))
                .startsWith("halley.yaml:1:9: the '{' here is not closed with '}'");
    }

    @Test
    void badIndentationIsReportedOnTheLineThatIsOff() {
        assertThat(error("server:\n  port: 8080\n bind: 127.0.0.1\n" + BRIDGES))
                .startsWith("halley.yaml:3:2: this line is not lined up with the lines above it");
        assertThat(error("server:\n  port: 8080\n    bind: 127.0.0.1\n" + BRIDGES))
                .startsWith("halley.yaml:3:9: a ':' here cannot start a 'key: value'");
    }

    @Test
    void tabIndentationNamesTheKeyItIndents() {
        assertThat(error("server:\n\tport: 8080\n" + BRIDGES)).isEqualTo("halley.yaml:2:1: a tab indents 'port'; "
                + "YAML indents with spaces only (replace the tab with spaces, lined up with its sibling keys)");
        assertThat(error(BRIDGES + "  - name: two\n  \tkind: irc\n")).startsWith("halley.yaml:7:3: a tab indents 'kind'");
        assertThat(error(BRIDGES.replace("  - name: demo", "\t- name: demo"))).startsWith("halley.yaml:2:1: a tab indents 'name'");
    }

    @Test
    void duplicateKeyIsReportedAtTheSecondWithTheFirstsLine() {
        assertThat(error("server:\n  port: 8080\n  port: 8081\n" + BRIDGES))
                .isEqualTo("halley.yaml:3:3: server.port: duplicate key (first at line 2)");
    }

    @Test
    void aColonInAPlainValueIsReportedWhereItIs() {
        assertThat(error(BRIDGES + "    realname: web: user\n")).startsWith("halley.yaml:6:18: a ':' here cannot start");
    }

    @Test
    void noThrowableButConfigExceptionForGarbage() {
        for (String garbage : List.of("\u0000\u0001", "[", "]", "{", "}", "&a *a", "*a", "!!binary x", "? [a]\n: b",
                "%YAML 9.9\n---\na: b", "---\n...\n---\n", "a: !!int x", "\ufeff", "- - - -", "'", "\"\\x\"", "@x", "`x")) {
            try {
                ConfigLoader.parse("halley.yaml", garbage);
                throw new AssertionError("loaded: " + garbage);
            } catch (ConfigException e) {
                assertThat(e.errors()).as(garbage).isNotEmpty();
                assertThat(e.getMessage()).as(garbage).doesNotContain("Exception").doesNotContain("org.snakeyaml");
            }
        }
    }
}

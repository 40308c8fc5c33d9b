package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.halley.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line. Mistakes in a config are tried on Main in a JVM of its own (its default
 * stack, its real exit code and streams), as an operator meets them.
 */
class MainTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpSaysHowToStart() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("halley --config FILE");
    }

    @Test
    void noArgumentsIsAUsageError() {
        Result r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("halley: no config given").contains("Usage:");
    }

    @Test
    void aTypoStopsStartUpWithOneLinePerMistakeAndNoStackTrace(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("halley.yaml"), """
                server:
                  prot: 8080
                bridges:
                  - {name: demo, kind: irc, host: 127.0.0.1}
                """);
        Result r = run("--config", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(2);
        assertThat(r.err().lines().findFirst().orElseThrow())
                .startsWith(file + ":2:3: server.prot: unknown key; did you mean 'port'?");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    /** Main in a JVM of its own, as an operator runs it: its real exit code, output and error output. */
    static Result process(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("halley-main", ".out");
        Path err = Files.createTempFile("halley-main", ".err");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("halley " + String.join(" ", args) + " did not exit:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static final String BRIDGES = """
            bridges:
              - name: demo
                kind: irc
                host: 127.0.0.1
                tls: false
            """;

    private static void assertOneMistakeAt(Result r, Path file, String place, String what) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().toList()).as(r.err()).containsExactly(
                file + ":" + place + ": " + what, "halley: 1 mistake in " + file + "; not started");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aDeeplyNestedFileIsOneMistakeWithItsPlaceForCheckAndConfigNotAStackTrace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("deep.yaml"), "server: " + "[".repeat(2000) + "]".repeat(2000) + "\n");
        assertThat(Files.size(file)).isLessThan(4100);
        String what = "nested more than 20 levels deep; Halley's settings are at most 5 levels (see docs/configuration.md)";
        assertOneMistakeAt(process(Map.of(), "--check", file.toString()), file, "1:28", what);
        assertOneMistakeAt(process(Map.of(), "--config", file.toString()), file, "1:28", what);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unclosed quote", BRIDGES.replace("host: 127.0.0.1", "host: \"127.0.0.1") + "    realname: \"web\"\n",
                        "4:11", "the \" that opens this value is closed only at line 6:15, so the lines between became part of it;"
                                + " end the value with \" on this line"),
                Arguments.of("tab", "server:\n\tport: 8080\n" + BRIDGES, "2:1", "a tab indents 'port'; YAML indents with spaces"
                        + " only (replace the tab with spaces, lined up with its sibling keys)"),
                Arguments.of("unclosed list", "server:\n  allowed-origins: [\"https://a.example\"\n  port: 8080\n" + BRIDGES, "2:20",
                        "the '[' here is not closed with ']' before line 3:3; close it on this line, or write the list as lines"
                                + " starting with '- '"),
                Arguments.of("alias bomb", "a: &a [x, x]\nb: &b [" + "*a, ".repeat(30) + "*a]\n", "2:88",
                        "more than 20 aliases (*name); write the settings out instead of referring to them"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void eachMalformedShapeIsOneLineWithItsPlace(String shape, String yaml, String place, String what, @TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("halley.yaml"), yaml);
        assertOneMistakeAt(process(Map.of(), "--check", file.toString()), file, place, what);
    }

    @Test
    void checkReadsTheFilesTheConfigNamesAsStartUpDoes(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create();
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        Path file = Files.writeString(dir.resolve("halley.yaml"), """
                bridges:
                  - name: chat
                    kind: xmpp
                    host: 127.0.0.1
                    domain: example.org
                    ca-file: %s
                """.formatted(notPem));
        assertOneMistakeAt(process(Map.of(), "--check", file.toString()), file, "6:5",
                "bridges[0].ca-file: '" + notPem + "' holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");

        Path otherKey = certs.certificate().resolveSibling("ca.key");
        Files.writeString(file, "server:\n  tls:\n    certificate: %s\n    key: %s\n".formatted(certs.certificate(), otherKey)
                + BRIDGES);
        assertOneMistakeAt(process(Map.of(), "--check", file.toString()), file, "4:5", "server.tls.key: '" + otherKey
                + "' is not the key of the certificate in '" + certs.certificate() + "' (CN=localhost); give the key the"
                + " certificate was made for");

        Files.writeString(file, "server:\n  tls:\n    certificate: %s\n    key: %s\n".formatted(certs.certificate(), certs.key())
                + BRIDGES);
        Result fine = process(Map.of(), "--check", file.toString());
        assertThat(fine.code()).as(fine.err()).isZero();
        assertThat(fine.out()).isEqualTo(file + ": fine (1 networks)\n");
    }

    @Test
    void checkValidatesWithoutStarting(@TempDir Path dir) throws Exception {
        Path demo = Path.of("../config/examples/demo.yaml");
        // ./run makes the demo's XMPP CA before it starts Halley; without it Halley would not start
        Result r = process(Map.of("HALLEY_DEMO_XMPP_CA", TestCertificates.create().ca().toString()), "--check", demo.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fine (2 networks)");
        Path missing = dir.resolve("missing-ca.pem");
        Result without = process(Map.of("HALLEY_DEMO_XMPP_CA", missing.toString()), "--check", demo.toString());
        assertThat(without.code()).isEqualTo(2);
        assertThat(without.err()).startsWith(demo + ":35:5: bridges[1].ca-file: '" + missing + "' is not a file");
    }
}

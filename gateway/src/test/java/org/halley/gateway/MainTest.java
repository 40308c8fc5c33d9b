package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void checkValidatesWithoutStarting() {
        Result r = run("--check", "../config/examples/demo.yaml");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("fine (2 networks)");
    }
}

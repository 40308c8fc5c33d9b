package org.halley.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.halley.testkit.Ports;

import static org.awaitility.Awaitility.await;

/**
 * Halley as it runs in production: {@code java -jar gateway/target/halley.jar --config FILE} in a
 * process of its own, so signals (SIGTERM, SIGHUP) and the exit code are real. Its output goes to
 * a log file the test can read.
 */
final class HalleyProcess implements AutoCloseable {
    final int port;
    final String base;
    final Path config;
    final Path log;
    private final Process process;

    private HalleyProcess(int port, Path config, Path log, Process process) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
        this.config = config;
        this.log = log;
        this.process = process;
    }

    /** Starts Halley with {@code yaml} ({@code @PORT@} is replaced by a free port); returns once it listens. */
    static HalleyProcess start(Path dir, String yaml, String... jvmOptions) {
        try {
            int port = Ports.free();
            Path config = Files.writeString(dir.resolve("halley.yaml"), yaml.replace("@PORT@", String.valueOf(port)));
            Path log = dir.resolve("halley.log");
            Path jar = Path.of(System.getProperty("halley.test.outputDir", "target"), "halley.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: integration tests run after `package`");
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(jvmOptions));
            cmd.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            HalleyProcess h = new HalleyProcess(port, config, log, p);
            h.awaitListening(Duration.ofSeconds(60));
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Halley exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("Halley did not answer /healthz within " + timeout + ":\n" + log(), e);
        }
    }

    Process process() {
        return process;
    }

    /** Sends a signal by name (TERM, HUP, INT) with kill(1). */
    void signal(String name) {
        try {
            int rc = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + name + " failed with " + rc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the process has written so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

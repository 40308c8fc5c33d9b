package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server started by a test: its command line, its working directory and its log. Killed
 * with the JVM if the test forgets.
 */
public class ServerProcess implements AutoCloseable {
    protected final String name;
    protected final Path dir;
    private final List<String> command;
    private Process process;

    protected ServerProcess(String name, Path dir, List<String> command) {
        this.name = name;
        this.dir = dir;
        this.command = List.copyOf(command);
    }

    /** Variables added to the server's environment (none by default). */
    protected java.util.Map<String, String> environment() {
        return java.util.Map.of();
    }

    protected void startProcess() {
        try {
            ProcessBuilder b = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            b.environment().putAll(environment());
            process = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
        Process p = process;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> p.destroyForcibly()));
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return dir.resolve(name + ".log");
    }

    /** The last {@code lines} lines of the server's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}

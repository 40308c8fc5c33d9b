package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL 15 on a free loopback port, in a cluster made for the test in a temporary
 * directory ({@code initdb}, trust authentication on 127.0.0.1, user {@code postgres}). PostgreSQL
 * refuses to run as root, so when we are root every program runs as the {@code postgres} user
 * through {@code runuser} and the directory is given to that user. {@link #close()} stops the
 * server and deletes the directory.
 *
 * <pre>{@code
 * try (PostgresFixture pg = PostgresFixture.start()) {
 *     String url = pg.createDatabase("t1");   // jdbc:postgresql://127.0.0.1:<port>/t1
 *     ... pg.restart(); ... pg.crash(); pg.restart(); ...
 * }
 * }</pre>
 */
public final class PostgresFixture extends ServerProcess {
    public static final String USER = "postgres";
    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final int port;
    private final Path data;

    /** Settings for the server. */
    public record Options(boolean fsync, String sharedBuffers) {
        /** For tests: fsync off (fast; a crash test still loses nothing that was committed to the OS). */
        public static final Options DEFAULTS = new Options(false, "128MB");

        /** For benchmarks: fsync on, as an operator would run it, and more shared buffers. */
        public static Options durable(String sharedBuffers) {
            return new Options(true, sharedBuffers);
        }
    }

    private PostgresFixture(Path dir, Path data, int port, Options o) {
        super("postgres", dir, asPostgres(List.of(BIN + "postgres", "-D", data.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
                "-c", "fsync=" + (o.fsync() ? "on" : "off"), "-c", "shared_buffers=" + o.sharedBuffers(),
                "-c", "max_connections=100", "-c", "log_min_messages=warning")));
        this.port = port;
        this.data = data;
    }

    public static PostgresFixture start() {
        return start(Options.DEFAULTS);
    }

    public static PostgresFixture start(Options options) {
        Binaries.require("postgresql", BIN + "postgres");
        Binaries.require("postgresql", BIN + "initdb");
        try {
            Path dir = Files.createTempDirectory("halley-postgres-");
            Path data = dir.resolve("data");
            if (ROOT) {
                run(List.of("chown", USER + ":", dir.toString()), dir);
            }
            run(asPostgres(List.of(BIN + "initdb", "-D", data.toString(), "-U", USER, "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync")), dir);
            PostgresFixture f = new PostgresFixture(dir, data, Ports.free(), options);
            // Killing runuser would leave postgres running: stop the server itself if the JVM ends first.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> f.pgCtl("immediate")));
            f.startProcess();
            f.awaitReady();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** A JDBC URL for {@code database} on this server (user {@link #USER}, no password). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database and gives its JDBC URL. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("database name: " + name + " (expected: [a-z][a-z0-9_]*)");
        }
        run(asPostgres(List.of(BIN + "psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER, "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE " + name)), dir);
        return jdbcUrl(name);
    }

    /** Runs SQL with psql in {@code database} and gives what it printed (unaligned, tuples only). */
    public String psql(String database, String sql) {
        return run(asPostgres(List.of(BIN + "psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER, "-d",
                database, "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-c", sql)), dir);
    }

    /** Starts the server again on the same port and data (after {@link #stop()} or {@link #crash()}). */
    public void restart() {
        startProcess();
        awaitReady();
    }

    /** Stops the server as an operator would ({@code pg_ctl stop -m fast}: clients are cut, work is saved). */
    @Override
    public void stop() {
        pgCtl("fast");
        super.stop();
    }

    /** Stops the server as a crash would ({@code pg_ctl stop -m immediate}: no checkpoint, recovery at the next start). */
    public void crash() {
        pgCtl("immediate");
        super.kill();
    }

    @Override
    public void kill() {
        crash();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not a test failure
        }
    }

    private void pgCtl(String mode) {
        if (process() == null || !process().isAlive()) {
            return;
        }
        run(asPostgres(List.of(BIN + "pg_ctl", "stop", "-D", data.toString(), "-m", mode, "-w", "-t", "30")), dir);
        try {
            process().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() {
        Ports.awaitListening(port, Duration.ofSeconds(30), process(), "postgres");
        List<String> ready = List.of(BIN + "pg_isready", "-q", "-h", "127.0.0.1", "-p", String.valueOf(port));
        Waiting.until("postgres accepts connections on " + port, Duration.ofSeconds(30), () -> {
            try {
                return new ProcessBuilder(ready).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> logTail(20));
    }

    private static List<String> asPostgres(List<String> command) {
        if (!ROOT) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        c.addAll(command);
        return c;
    }

    private static String run(List<String> command, Path dir) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

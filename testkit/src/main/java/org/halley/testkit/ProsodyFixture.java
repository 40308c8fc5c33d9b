package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prosody (0.12) on a free loopback port, configured for tests, with a private CA.
 *
 * <ul>
 *   <li>{@link #DOMAIN}: accounts with passwords (register them with {@link #register}); STARTTLS
 *       required.
 *   <li>{@link #ANONYMOUS_DOMAIN}: SASL ANONYMOUS; STARTTLS required.
 *   <li>{@link #PLAIN_DOMAIN}: accounts, STARTTLS optional (for {@code tls: false} bridges).
 *   <li>{@link #WRONG_DOMAIN}: a host whose certificate does not name it (the certificate is for
 *       {@code *.halley.test}), to prove host names are checked.
 *   <li>{@link #MUC}: a multi-user chat service where anyone may create rooms; {@link
 *       #RESTRICTED_MUC}: one where only admins may, so a missing room stays missing.
 * </ul>
 *
 * <p>The server's certificate is signed by a CA made for this fixture ({@link #caFile()}, PEM);
 * a bridge trusts it with {@code ca-file}. Data and pid file live in a temporary directory; the
 * process runs in the foreground ({@code daemonize = false}), as root if that is who we are
 * ({@code run_as_root}), without the posix module.
 *
 * <pre>{@code
 * try (ProsodyFixture xmpp = ProsodyFixture.start()) { xmpp.register("alice", ProsodyFixture.DOMAIN, "pw"); ... }
 * }</pre>
 */
public final class ProsodyFixture extends ServerProcess {
    public static final String DOMAIN = "halley.test";
    public static final String ANONYMOUS_DOMAIN = "anon.halley.test";
    public static final String PLAIN_DOMAIN = "plain.halley.test";
    public static final String WRONG_DOMAIN = "wrong.test";
    public static final String MUC = "conference.halley.test";
    public static final String RESTRICTED_MUC = "rooms.halley.test";

    private final int port;
    private final Path config;
    private final Path prosodyctl;

    /** Settings for the server. */
    public record Options(String logLevel, int historyLength) {
        public static final Options DEFAULTS = new Options("info", 20);

        /** Quiet logs (warnings only): for benchmarks with thousands of connections. */
        public Options quiet() {
            return new Options("warn", historyLength);
        }
    }

    private ProsodyFixture(Path dir, int port, Path config, Path prosody, Path prosodyctl) {
        super("prosody", dir, List.of(prosody.toString(), "--config", config.toString()));
        this.port = port;
        this.config = config;
        this.prosodyctl = prosodyctl;
    }

    public static ProsodyFixture start() {
        return start(Options.DEFAULTS);
    }

    public static ProsodyFixture start(Options options) {
        Path prosody = Binaries.require("prosody", "/usr/bin/prosody");
        Path prosodyctl = Binaries.require("prosody", "/usr/bin/prosodyctl");
        Path openssl = Binaries.require("openssl", "/usr/bin/openssl");
        try {
            Path dir = Files.createTempDirectory("halley-prosody-");
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("certs"));
            certificates(openssl, dir);
            int port = Ports.free();
            Path config = dir.resolve("prosody.cfg.lua");
            Files.writeString(config, config(dir, port, options));
            ProsodyFixture f = new ProsodyFixture(dir, port, config, prosody, prosodyctl);
            f.startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(15), f.process(), "prosody");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server again on the same port with the same data (after {@link #stop()} or {@link #kill()}). */
    public void restart() {
        startProcess();
        Ports.awaitListening(port, Duration.ofSeconds(15), process(), "prosody");
    }

    /** Creates (or resets the password of) {@code user@host}. */
    public void register(String user, String host, String password) {
        run(List.of(prosodyctl.toString(), "--config", config.toString(), "register", user, host, password));
    }

    public int port() {
        return port;
    }

    /** The CA that signed the server's certificate (PEM). */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    public Path dir() {
        return dir;
    }

    private void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A CA (ca.pem) and a server certificate for halley.test and *.halley.test signed by it (EC P-256: fast). */
    private static void certificates(Path openssl, Path dir) throws IOException {
        String o = openssl.toString();
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:" + DOMAIN + ",DNS:*." + DOMAIN + "\n"
                + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        List<List<String>> steps = new ArrayList<>();
        steps.add(List.of(o, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Halley test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        steps.add(List.of(o, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=" + DOMAIN));
        steps.add(List.of(o, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "30", "-extfile", "server.ext"));
        for (List<String> step : steps) {
            try {
                Process p = new ProcessBuilder(step).directory(dir.toFile()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new AssertionError(String.join(" ", step) + " failed: " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    static String config(Path dir, int port, Options o) {
        return """
                -- Written by Halley's ProsodyFixture for one test run.
                run_as_root = true
                daemonize = false
                pidfile = "%1$s/prosody.pid"
                data_path = "%1$s/data"
                certificates = "%1$s/certs"
                log = { { levels = { min = "%3$s" }, to = "console" } }
                modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "presence", "message", "iq", "smacks" }
                modules_disabled = { "posix", "s2s", "offline", "pep", "carbons", "vcard", "private", "blocklist", "bookmarks", "csi_simple", "time", "version", "uptime", "register" }
                interfaces = { "127.0.0.1" }
                c2s_ports = { %2$d }
                c2s_direct_tls_ports = {}
                legacy_ssl_ports = {}
                s2s_ports = {}
                component_ports = {}
                http_ports = {}
                https_ports = {}
                c2s_require_encryption = true
                allow_unencrypted_plain_auth = false
                authentication = "internal_hashed"
                storage = "internal"
                smacks_hibernation_time = 60
                ssl = { certificate = "%1$s/server.pem", key = "%1$s/server.key" }

                VirtualHost "%4$s"
                VirtualHost "%5$s"
                    authentication = "anonymous"
                VirtualHost "%6$s"
                    c2s_require_encryption = false
                VirtualHost "%7$s"

                Component "%8$s" "muc"
                    max_history_messages = %10$d
                    muc_room_default_history_length = %10$d
                    muc_tombstones = false
                Component "%9$s" "muc"
                    restrict_room_creation = "admin"
                    muc_tombstones = false
                """.formatted(dir, port, o.logLevel(), DOMAIN, ANONYMOUS_DOMAIN, PLAIN_DOMAIN, WRONG_DOMAIN, MUC, RESTRICTED_MUC,
                o.historyLength());
    }
}

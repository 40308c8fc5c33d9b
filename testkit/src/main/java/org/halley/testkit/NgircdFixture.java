package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's ngircd on a free loopback port, configured for tests: no ident, PAM or DNS lookups, no
 * per-IP connection limit, running as root if that is who we are.
 *
 * <pre>{@code
 * try (NgircdFixture irc = NgircdFixture.start()) { ... irc.port() ... }
 * }</pre>
 */
public final class NgircdFixture extends ServerProcess {
    private final int port;

    private NgircdFixture(Path dir, int port) {
        super("ngircd", dir, List.of(Binaries.require("ngircd", "/usr/sbin/ngircd").toString(), "-n", "-f",
                dir.resolve("ngircd.conf").toString()));
        this.port = port;
    }

    public static NgircdFixture start() {
        return start(Options.DEFAULTS);
    }

    /** Options for the server's configuration. */
    public record Options(String webircPassword, boolean penalties, int maxNickLength, int maxConnectionsPerIp) {
        public static final Options DEFAULTS = new Options("", true, 30, 0);

        public Options withWebirc(String password) {
            return new Options(password, penalties, maxNickLength, maxConnectionsPerIp);
        }

        public Options withoutPenalties() {
            return new Options(webircPassword, false, maxNickLength, maxConnectionsPerIp);
        }

        /** At most {@code n} connections from one address; more are refused with an ERROR (0: no limit). */
        public Options withMaxConnectionsPerIp(int n) {
            return new Options(webircPassword, penalties, maxNickLength, n);
        }
    }

    public static NgircdFixture start(Options options) {
        try {
            Path dir = Files.createTempDirectory("halley-ngircd-");
            int port = Ports.free();
            Files.writeString(dir.resolve("ngircd.conf"), config(dir, port, options));
            Files.writeString(dir.resolve("motd.txt"), "Welcome to the Halley test server.\n");
            NgircdFixture f = new NgircdFixture(dir, port);
            f.startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(10), f.process(), "ngircd");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server again on the same port (after {@link #stop()} or {@link #kill()}). */
    public void restart() {
        startProcess();
        Ports.awaitListening(port, Duration.ofSeconds(10), process(), "ngircd");
    }

    public int port() {
        return port;
    }

    static String config(Path dir, int port, Options o) {
        return """
                [Global]
                    Name = irc.halley.test
                    Info = Halley test server
                    Listen = 127.0.0.1
                    Ports = %d
                    ServerUID = %s
                    ServerGID = %s
                    MotdFile = %s
                    PidFile = %s
                [Limits]
                    MaxConnectionsIP = %d
                    MaxNickLength = %d
                    PingTimeout = 120
                    PongTimeout = 20
                    %s
                [Options]
                    Ident = no
                    PAM = no
                    DNS = no
                    MorePrivacy = no
                    OperCanUseMode = yes
                    %s
                [Channel]
                    Name = #halley
                    Topic = Halley test channel
                    Modes = tn
                """.formatted(port, uid(), uid(), dir.resolve("motd.txt"), dir.resolve("ngircd.pid"),
                o.maxConnectionsPerIp(), o.maxNickLength(), o.penalties() ? "" : "MaxPenaltyTime = 0",
                // ngircd 26 reads WebircPassword in [Options] only (in [Global] it is ignored)
                o.webircPassword().isEmpty() ? "" : "WebircPassword = " + o.webircPassword());
    }

    private static String uid() {
        return "root".equals(System.getProperty("user.name")) ? "0" : String.valueOf(unixUid());
    }

    private static long unixUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}

package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's InspIRCd 3 on free loopback ports, with the IRCv3 modules (CAP, server-time,
 * echo-message, multi-prefix, away-notify, account-notify, message-tags, cap-notify), WEBIRC
 * ({@code m_cgiirc}), optionally TLS with a certificate for {@code localhost} from a test CA,
 * and optionally Atheme services linked to it, which is what makes SASL work (InspIRCd has no
 * accounts of its own). An operator {@link #OPER_NAME}/{@link #OPER_PASSWORD} may KILL and
 * K-line.
 *
 * <pre>{@code
 * try (InspircdFixture irc = InspircdFixture.start(InspircdFixture.Options.DEFAULTS.withServices())) {
 *     irc.registerAccount("alice", "secret");
 *     ... irc.port() ...
 * }
 * }</pre>
 *
 * <p>Debian packages the modules in {@code /usr/lib/inspircd/modules}, the path the binary was
 * built with; it runs in the foreground ({@code --nofork}) with a generated config, as root when
 * we are root ({@code --runasroot}). InspIRCd completes a registration on its one-second timer,
 * so a client is welcomed about a second after NICK and USER.
 */
public final class InspircdFixture extends ServerProcess {
    public static final String SERVER_NAME = "irc.inspircd.test";
    public static final String OPER_NAME = "root";
    public static final String OPER_PASSWORD = "operpass";
    private static final String SERVICES_NAME = "services.inspircd.test";
    private static final String LINK_PASSWORD = "linkpass";

    private final int port;
    private final int tlsPort;
    private final Path caFile;
    private ServerProcess services;

    /**
     * @param webircPassword WEBIRC password for 127.0.0.1, or empty for no WEBIRC
     * @param tls also listen with TLS (see {@link #tlsPort()}, {@link #caFile()})
     * @param services link Atheme services (NickServ, SaslServ) for accounts and SASL
     * @param floodThreshold commands a client may send at once before it is slowed
     * @param commandsPerSecond then this many per second
     * @param recvq bytes a client may have unread by the server before it is killed ("RecvQ exceeded")
     */
    public record Options(String webircPassword, boolean tls, boolean services, int floodThreshold, int commandsPerSecond, int recvq) {
        /** Lenient flood limits: tests of other things must not trip them. */
        public static final Options DEFAULTS = new Options("", false, false, 1000, 1000, 65536);

        public Options withWebirc(String password) {
            return new Options(password, tls, services, floodThreshold, commandsPerSecond, recvq);
        }

        public Options withTls() {
            return new Options(webircPassword, true, services, floodThreshold, commandsPerSecond, recvq);
        }

        public Options withServices() {
            return new Options(webircPassword, tls, true, floodThreshold, commandsPerSecond, recvq);
        }

        /** Flood limits like a public network's: a burst of 10, then 10 commands a second, 8 KiB RecvQ. */
        public Options withStrictFloodLimits() {
            return new Options(webircPassword, tls, services, 10, 10, 8192);
        }
    }

    private InspircdFixture(Path dir, int port, int tlsPort, Path caFile) {
        super("inspircd", dir, command(dir));
        this.port = port;
        this.tlsPort = tlsPort;
        this.caFile = caFile;
    }

    private static List<String> command(Path dir) {
        List<String> c = new ArrayList<>(List.of(Binaries.require("inspircd", "/usr/sbin/inspircd").toString(),
                "--nofork", "--nopid", "--config", dir.resolve("inspircd.conf").toString()));
        if (isRoot()) {
            c.add("--runasroot");
        }
        return c;
    }

    public static InspircdFixture start() {
        return start(Options.DEFAULTS);
    }

    public static InspircdFixture start(Options o) {
        try {
            Path dir = Files.createTempDirectory("halley-inspircd-");
            int port = Ports.free();
            int tlsPort = o.tls() ? Ports.free() : 0;
            int linkPort = o.services() ? Ports.free() : 0;
            Path ca = o.tls() ? certificates(dir) : null;
            Files.writeString(dir.resolve("motd.txt"), "Welcome to the Halley InspIRCd test server.\n");
            Files.writeString(dir.resolve("inspircd.conf"), config(dir, port, tlsPort, linkPort, o));
            InspircdFixture f = new InspircdFixture(dir, port, tlsPort, ca);
            f.startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(15), f.process(), "inspircd");
            if (o.services()) {
                f.services = startServices(dir, linkPort);
                f.awaitServices();
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The TLS port (with {@link Options#withTls()}); its certificate names {@code localhost}. */
    public int tlsPort() {
        if (tlsPort == 0) {
            throw new IllegalStateException("started without TLS");
        }
        return tlsPort;
    }

    /** PEM of the CA that signed the server's certificate (with {@link Options#withTls()}). */
    public Path caFile() {
        if (caFile == null) {
            throw new IllegalStateException("started without TLS");
        }
        return caFile;
    }

    /** Registers {@code account} with NickServ (needs {@link Options#withServices()}). */
    public void registerAccount(String account, String password) {
        if (services == null) {
            throw new IllegalStateException("started without services");
        }
        try (RawIrcClient c = RawIrcClient.connect(port, account)) {
            c.say("NickServ", "REGISTER " + password + " " + account + "@example.org");
            c.await(l -> l.contains("NOTICE " + account + " :") && l.contains("is now registered"), Duration.ofSeconds(15));
        }
    }

    /** Starts the server again on the same ports (after {@link #stop()} or {@link #kill()}); services relink. */
    public void restart() {
        startProcess();
        Ports.awaitListening(port, Duration.ofSeconds(15), process(), "inspircd");
        if (services != null) {
            awaitServices();
        }
    }

    @Override
    public void close() {
        if (services != null) {
            services.stop();
        }
        stop();
    }

    /** Waits until the services server has linked and burst (so NickServ and SASL answer). */
    private void awaitServices() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (RawIrcClient c = RawIrcClient.connect(port, "probe" + (System.nanoTime() % 10000))) {
                c.send("WHOIS NickServ");
                String l = c.await(x -> x.contains(" 311 ") || x.contains(" 401 "), Duration.ofSeconds(5));
                if (l.contains(" 311 ")) {
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("Atheme services did not link to InspIRCd within 20 s; log:\n" + services.logTail(30));
    }

    private static ServerProcess startServices(Path dir, int linkPort) throws IOException {
        Path data = Files.createDirectories(dir.resolve("atheme"));
        Files.writeString(dir.resolve("atheme.conf"), servicesConfig(linkPort));
        ServerProcess p = new ServerProcess("atheme", dir, List.of(
                Binaries.require("atheme-services", "/usr/bin/atheme-services", "/usr/sbin/atheme-services").toString(),
                "-n", "-c", dir.resolve("atheme.conf").toString(), "-D", data.toString(),
                "-l", dir.resolve("atheme-services.log").toString(), "-p", dir.resolve("atheme.pid").toString())) {
        };
        p.startProcess();
        return p;
    }

    /** A test CA and a certificate for localhost signed by it, made with openssl. */
    private static Path certificates(Path dir) throws IOException {
        String openssl = Binaries.require("openssl", "/usr/bin/openssl").toString();
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
        run(dir, openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Halley Test CA");
        run(dir, openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        run(dir, openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
        return dir.resolve("ca.pem");
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String config(Path dir, int port, int tlsPort, int linkPort, Options o) {
        StringBuilder c = new StringBuilder();
        c.append("""
                <server name="%s" description="Halley test server" network="HalleyTest">
                <admin name="halley" nick="halley" email="halley@localhost">
                <bind address="127.0.0.1" port="%d" type="clients">
                <connect name="main" allow="*" timeout="60" threshold="%d" commandrate="%d" pingfreq="120"
                         hardsendq="1048576" softsendq="65536" recvq="%d" localmax="100000" globalmax="100000"
                         useident="no" resolvehostnames="no" limit="100000" modes="">
                <files motd="%s">
                <log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="%s">
                <performance nouserdns="yes" softlimit="20000" somaxconn="1024" quietbursts="yes">
                <dns server="127.0.0.1" timeout="1">
                <options prefixquit="Quit: " syntaxhints="no" hostintopic="yes" pingwarning="15" splitwhois="no" defaultmodes="not">
                <security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hidebans="no" maxtargets="20">
                <channels users="100" opers="100">
                <class name="BanControl" commands="KILL GLINE KLINE ZLINE QLINE ELINE">
                <type name="NetAdmin" classes="BanControl" host="netadmin.inspircd.test">
                <oper name="%s" password="%s" host="*@*" type="NetAdmin">
                <module name="cap">
                <module name="ircv3">
                <ircv3 accountnotify="yes" awaynotify="yes" extendedjoin="no">
                <module name="ircv3_servertime">
                <module name="ircv3_echomessage">
                <module name="ircv3_capnotify">
                <module name="ircv3_msgid">
                <module name="ircv3_ctctags">
                <module name="ircv3_accounttag">
                <module name="namesx">
                <module name="cgiirc">
                """.formatted(SERVER_NAME, port, o.floodThreshold(), o.commandsPerSecond() * 1000, o.recvq(),
                dir.resolve("motd.txt"), dir.resolve("ircd.log"), OPER_NAME, OPER_PASSWORD));
        if (!o.webircPassword().isEmpty()) {
            c.append("<cgihost type=\"webirc\" password=\"%s\" mask=\"127.0.0.1\">\n".formatted(o.webircPassword()));
        }
        if (o.tls()) {
            c.append("""
                    <module name="ssl_gnutls">
                    <module name="sslinfo">
                    <sslprofile name="tls" provider="gnutls" certfile="%s" keyfile="%s" requestclientcert="no">
                    <bind address="127.0.0.1" port="%d" type="clients" sslprofile="tls">
                    """.formatted(dir.resolve("server.pem"), dir.resolve("server.key"), tlsPort));
        }
        if (o.services()) {
            c.append("""
                    <module name="spanningtree">
                    <module name="services_account">
                    <module name="sasl">
                    <sasl target="%s">
                    <bind address="127.0.0.1" port="%d" type="servers">
                    <link name="%s" ipaddr="127.0.0.1" port="%d" allowmask="127.0.0.0/8" sendpass="%s" recvpass="%s">
                    <uline server="%s" silent="yes">
                    """.formatted(SERVICES_NAME, linkPort, SERVICES_NAME, linkPort, LINK_PASSWORD, LINK_PASSWORD, SERVICES_NAME));
        }
        return c.toString();
    }

    static String servicesConfig(int linkPort) {
        return """
                loadmodule "modules/protocol/inspircd";
                loadmodule "modules/backend/opensex";
                loadmodule "modules/crypto/pbkdf2v2";
                loadmodule "modules/nickserv/main";
                loadmodule "modules/nickserv/register";
                loadmodule "modules/nickserv/identify";
                loadmodule "modules/saslserv/main";
                loadmodule "modules/saslserv/plain";
                pbkdf2v2 { };
                serverinfo {
                    name = "%s";
                    desc = "Halley test services";
                    numeric = "00A";
                    recontime = 1;
                    netname = "HalleyTest";
                    hidehostsuffix = "users.test";
                    adminname = "halley";
                    adminemail = "halley@localhost";
                    registeremail = "halley@localhost";
                    mta = "/bin/true";
                    loglevel = { error; info; network; };
                    maxlogins = 5;
                    maxusers = 0;
                    mdlimit = 30;
                    emaillimit = 10;
                    emailtime = 300;
                    auth = none;
                    casemapping = rfc1459;
                };
                uplink "%s" {
                    host = "127.0.0.1";
                    password = "%s";
                    port = %d;
                };
                nickserv {
                    nick = "NickServ";
                    user = "NickServ";
                    host = "%s";
                    real = "Nickname Services";
                    maxnicks = 5;
                    expire = 30;
                };
                saslserv {
                    nick = "SaslServ";
                    user = "SaslServ";
                    host = "%s";
                    real = "SASL Authentication Agent";
                };
                general {
                    flood_msgs = 0;
                    flood_time = 10;
                    ratelimit_uses = 0;
                    ratelimit_period = 60;
                    kline_time = 7;
                    commit_interval = 5;
                    language = "en";
                    uplink_sendq_limit = 1048576;
                };
                """.formatted(SERVICES_NAME, SERVER_NAME, LINK_PASSWORD, linkPort, SERVICES_NAME, SERVICES_NAME);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}

package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's HAProxy in the foreground ({@code -db}) with a given configuration file and environment,
 * as the shipped deploy/haproxy/haproxy.cfg expects: its {@code ${NAME-default}} values come from
 * {@code env}. It logs every request to its standard output (our log file), and answers runtime
 * commands on an admin socket in its own directory.
 *
 * <pre>{@code
 * try (HaproxyFixture lb = HaproxyFixture.start(Path.of("../deploy/haproxy/haproxy.cfg"), Map.of("HALLEY_N1", "127.0.0.1:9001"))) {
 *     ... lb.port() ... lb.requests() ...
 * }
 * }</pre>
 */
public final class HaproxyFixture extends ServerProcess {
    /** One line of HAProxy's HTTP log (option httplog): which server answered which request. */
    public record Request(String backend, String server, int status, int retries, String method, String uri) {}

    private static final Pattern HTTPLOG = Pattern.compile(
            " (\\S+)/(\\S+) \\S+ (-?\\d+) \\S+ \\S+ \\S+ \\S+ \\S+/\\S+/\\S+/\\S+/\\+?(\\d+) \\S+ \"(\\S+) (\\S+)(?: [^\"]*)?\"$");

    private final int port;
    private final Map<String, String> env;

    private HaproxyFixture(Path dir, Path haproxy, Path config, int port, Map<String, String> env) {
        super("haproxy", dir, List.of(haproxy.toString(), "-db", "-f", config.toString()));
        this.port = port;
        this.env = env;
    }

    /**
     * Starts HAProxy with {@code config} and {@code env}, listening on {@code HALLEY_BIND} (the
     * shipped config's public address; a free port of 127.0.0.1 unless {@code env} names one). Logging goes to stdout,
     * the admin socket to the fixture's directory, and privileges are not dropped.
     */
    public static HaproxyFixture start(Path config, Map<String, String> env) {
        Path haproxy = Binaries.require("haproxy", "/usr/sbin/haproxy");
        try {
            Path dir = Files.createTempDirectory("halley-haproxy-");
            Map<String, String> all = new HashMap<>(env);
            all.putIfAbsent("HALLEY_BIND", "127.0.0.1:" + Ports.free());
            String bind = all.get("HALLEY_BIND");
            int port = Integer.parseInt(bind.substring(bind.lastIndexOf(':') + 1));
            all.put("HALLEY_HAPROXY_LOG", "stdout");
            all.put("HALLEY_HAPROXY_SOCKET", dir.resolve("admin.sock").toString());
            all.put("HALLEY_HAPROXY_UNCONFINED", "1");
            HaproxyFixture f = new HaproxyFixture(dir, haproxy, config.toAbsolutePath(), port, Map.copyOf(all));
            f.startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(10), f.process(), "haproxy (" + f.log() + ")");
            // HAProxy may listen on its port before its admin socket answers (seen beside a CPU
            // burner): tests that ask it for server states start only once it does.
            Waiting.until("haproxy's admin socket", Duration.ofSeconds(10), f::adminAnswers, () -> "haproxy (" + f.log() + ")");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Map<String, String> environment() {
        return env;
    }

    /** The public port (HALLEY_BIND). */
    public int port() {
        return port;
    }

    private boolean adminAnswers() {
        if (!Files.exists(dir.resolve("admin.sock"))) {
            return false;
        }
        try {
            command("show info");
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Sends a runtime command to the admin socket and returns HAProxy's answer. */
    public String command(String command) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            StringBuilder out = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each server's operational state by name ({@code show servers state}): 2 is up, 0 down. */
    public Map<String, Integer> serverStates(String backend) {
        Map<String, Integer> states = new HashMap<>();
        for (String line : command("show servers state " + backend).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 5 && f[1].equals(backend)) {
                states.put(f[3], Integer.parseInt(f[5]));
            }
        }
        return states;
    }

    /** Every request HAProxy has logged so far (a request is logged when it ends). */
    public List<Request> requests() {
        List<Request> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log(), StandardCharsets.UTF_8)) {
                Matcher m = HTTPLOG.matcher(line);
                if (m.find()) {
                    out.add(new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                            m.group(5), m.group(6)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

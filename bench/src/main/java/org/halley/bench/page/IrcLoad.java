package org.halley.bench.page;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.halley.bench.irc.BenchIrcClient;
import org.halley.testkit.Binaries;
import org.halley.testkit.Ports;

/**
 * The IRC side of the page benchmark: a local ngircd configured for load (no flood penalties, no
 * per-address limit, no limit on channels per user), plain IRC clients that send unique lines
 * ({@code <tag><client>-<n>}), and an observer client in the same channels that times each line as
 * a plain IRC client receives it ("the line on IRC"). Lines are written from one pacing thread, or
 * for a burst from a thread per sender; the observer's callback runs on its reading virtual thread.
 */
final class IrcLoad implements AutoCloseable {
    private final Process ngircd;
    private final Path dir;
    final int port;

    private IrcLoad(Process ngircd, Path dir, int port) {
        this.ngircd = ngircd;
        this.dir = dir;
        this.port = port;
    }

    /** ngircd as the testkit's NgircdFixture runs it, with limits raised for load. */
    static IrcLoad start() throws IOException {
        Path dir = Files.createTempDirectory("halley-page-bench-ngircd-");
        int port = Ports.free();
        String uid = String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        Files.writeString(dir.resolve("motd.txt"), "Halley page benchmark.\n");
        Files.writeString(dir.resolve("ngircd.conf"), """
                [Global]
                    Name = irc.halley.bench
                    Info = Halley page benchmark
                    Listen = 127.0.0.1
                    Ports = %d
                    ServerUID = %s
                    ServerGID = %s
                    MotdFile = %s
                    PidFile = %s
                [Limits]
                    MaxConnectionsIP = 0
                    MaxJoins = 0
                    MaxNickLength = 30
                    MaxPenaltyTime = 0
                    PingTimeout = 300
                    PongTimeout = 60
                [Options]
                    Ident = no
                    PAM = no
                    DNS = no
                    MorePrivacy = no
                """.formatted(port, uid, uid, dir.resolve("motd.txt"), dir.resolve("ngircd.pid")));
        Process p = new ProcessBuilder(Binaries.require("ngircd", "/usr/sbin/ngircd").toString(), "-n", "-f",
                dir.resolve("ngircd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ngircd.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        Ports.awaitListening(port, Duration.ofSeconds(10), p, "ngircd");
        return new IrcLoad(p, dir, port);
    }

    long pid() {
        return ngircd.pid();
    }

    /** A registered client in {@code channels}, their joins confirmed (end of NAMES). */
    BenchIrcClient client(String nick, List<String> channels) throws IOException {
        BenchIrcClient c = new BenchIrcClient(port, nick);
        CountDownLatch joined = new CountDownLatch(channels.size());
        c.onLine(l -> {
            if (l.contains(" 366 ")) {
                joined.countDown();
            }
        });
        for (String ch : channels) {
            c.send("JOIN " + ch);
        }
        try {
            if (!joined.await(60, TimeUnit.SECONDS)) {
                throw new IOException(nick + " did not join " + channels + " within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return c;
    }

    /** Senders for one scenario's lines, tagged {@code tag} (a few lower-case letters). */
    List<BenchIrcClient> senders(String tag, int count, List<String> channels) throws IOException {
        List<BenchIrcClient> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(client(tag + "s" + i, channels));
        }
        return all;
    }

    @Override
    public void close() {
        ngircd.destroy();
        try {
            if (!ngircd.waitFor(10, TimeUnit.SECONDS)) {
                ngircd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double nowMillis() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1e3 + i.getNano() / 1e6;
    }

    /**
     * One scenario's lines: line {@code k} goes from sender {@code k % clients} as its line
     * {@code k / clients}, to channel {@code k % channels}; the times it was sent and seen on IRC
     * (epoch ms, 0 if not) are kept by index {@code client * perClient + n}.
     */
    static final class Lines {
        final String tag;
        final int total;
        final int clients;
        final int perClient;
        final List<String> channels;
        final double[] sent;
        final double[] observed;
        final AtomicInteger observedCount = new AtomicInteger();
        final Set<String> joins = ConcurrentHashMap.newKeySet();
        volatile int lastObserved = -1;

        Lines(String tag, int total, int clients, List<String> channels) {
            this.tag = tag;
            this.total = total;
            this.clients = clients;
            this.perClient = (total + clients - 1) / clients;
            this.channels = channels;
            this.sent = new double[clients * perClient];
            this.observed = new double[clients * perClient];
        }

        int index(int k) {
            return (k % clients) * perClient + k / clients;
        }

        String text(int k) {
            return tag + (k % clients) + "-" + (k / clients);
        }

        String channel(int k) {
            return channels.get(k % channels.size());
        }

        /** The observer's callback: times the scenario's lines and notes who joined. */
        void observe(String line) {
            double t = nowMillis();
            int p = line.indexOf(" PRIVMSG ");
            if (p < 0) {
                int j = line.indexOf(" JOIN ");
                if (j > 0 && line.startsWith(":")) {
                    int bang = line.indexOf('!');
                    String ch = line.substring(j + 6).trim();
                    joins.add(line.substring(1, bang > 0 ? bang : j) + " " + (ch.startsWith(":") ? ch.substring(1) : ch));
                }
                return;
            }
            int colon = line.indexOf(" :", p + 9);
            if (colon < 0) {
                return;
            }
            String text = line.substring(colon + 2);
            if (!text.startsWith(tag)) {
                return;
            }
            int dash = text.indexOf('-', tag.length());
            if (dash < 0) {
                return;
            }
            try {
                int c = Integer.parseInt(text, tag.length(), dash, 10);
                int n = Integer.parseInt(text, dash + 1, text.length(), 10);
                if (c < clients && n < perClient && observed[c * perClient + n] == 0) {
                    observed[c * perClient + n] = t;
                    lastObserved = c * perClient + n;
                    observedCount.incrementAndGet();
                }
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }

        /** Sends all lines at {@code rate} lines/s from one thread (0: as fast as each sender's socket takes them, one thread per sender). */
        void send(List<BenchIrcClient> senders, double rate) throws InterruptedException {
            if (rate <= 0) {
                List<Thread> threads = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    threads.add(Thread.ofPlatform().name("bench-burst-" + c).start(() -> {
                        for (int k = client; k < total; k += clients) {
                            sendOne(senders.get(client), k);
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                return;
            }
            long start = System.nanoTime();
            for (int k = 0; k < total; k++) {
                long due = start + (long) (k * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    LockSupport.parkNanos(wait);
                }
                sendOne(senders.get(k % clients), k);
            }
        }

        private void sendOne(BenchIrcClient c, int k) {
            sent[index(k)] = nowMillis();
            try {
                c.send("PRIVMSG " + channel(k) + " :" + text(k));
            } catch (UncheckedIOException e) {
                sent[index(k)] = 0;
            }
        }

        double firstSent() {
            double first = Double.MAX_VALUE;
            for (double s : sent) {
                if (s > 0) {
                    first = Math.min(first, s);
                }
            }
            return first == Double.MAX_VALUE ? 0 : first;
        }

        double lastSent() {
            double last = 0;
            for (double s : sent) {
                last = Math.max(last, s);
            }
            return last;
        }

        int sentCount() {
            int n = 0;
            for (double s : sent) {
                if (s > 0) {
                    n++;
                }
            }
            return n;
        }
    }
}

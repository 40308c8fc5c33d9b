package org.halley.bench.xmpp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.X509TrustManager;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.Login;
import org.halley.bridges.xmpp.TlsTrust;
import org.halley.bridges.xmpp.XmppBridge;
import org.halley.bridges.xmpp.XmppTransport;
import org.halley.config.ConfigLoader;
import org.halley.config.XmppBridgeConfig;
import org.halley.testkit.ProsodyFixture;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * N bridged XMPP users in one process against a local Prosody (started and stopped here): what
 * each costs (heap, resident memory, threads) and how late a room message reaches them, beside
 * the floor of a plain Smack client in the same room timed the same way.
 *
 * <p>Run it with {@code bench/xmpp-bench} (README, "Measured figures"); never part of the tests.
 * Memory is split so that it adds up: run with {@code -Xms=-Xmx -XX:+AlwaysPreTouch}, so the
 * whole heap is resident before the first user and the growth of the resident set is native
 * memory only (thread stacks, socket and TLS buffers); the heap's share is the growth of live
 * data after a full GC. Per user = (live heap growth + resident growth) / users.
 *
 * <p>Users log in anonymously (no accounts to register), join rooms of {@code --room-size}, and
 * a sender in each of {@code --probe-rooms} rooms writes {@code --messages} timestamped messages.
 */
public final class XmppBench {
    record Options(int users, int roomSize, int probeRooms, int messages, XmppTransport transport, int rampPerSecond, int histogram) {
        static Options parse(String[] args) {
            int users = 1000, roomSize = 20, probeRooms = 10, messages = 30, ramp = 200, histogram = 0;
            XmppTransport transport = XmppTransport.DEFAULT;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--users" -> users = Integer.parseInt(v);
                    case "--room-size" -> roomSize = Integer.parseInt(v);
                    case "--probe-rooms" -> probeRooms = Integer.parseInt(v);
                    case "--messages" -> messages = Integer.parseInt(v);
                    case "--ramp" -> ramp = Integer.parseInt(v);
                    case "--histogram" -> histogram = Integer.parseInt(v);
                    case "--transport" -> transport = XmppTransport.valueOf(v.toUpperCase(Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--users N --room-size N --probe-rooms N --messages N --ramp N/s --transport threads|reactor --histogram LINES)");
                }
            }
            return new Options(users, roomSize, probeRooms, messages, transport, ramp, histogram);
        }
    }

    /** One bridged user's sink: counts joins and problems, records the latency of timestamped messages. */
    private static final class Receiver implements org.halley.bridges.ChatEventSink {
        final AtomicInteger joined;
        final AtomicInteger problems;
        final Histogram latency;
        static final java.util.Queue<String> SAMPLES = new java.util.concurrent.ConcurrentLinkedQueue<>();

        Receiver(AtomicInteger joined, AtomicInteger problems, Histogram latency) {
            this.joined = joined;
            this.problems = problems;
            this.latency = latency;
        }

        private void note(String what) {
            if (problems.incrementAndGet() <= 5) {
                SAMPLES.add(what);
            }
        }

        @Override
        public void accept(ChatEvent e) {
            switch (e) {
                case ChatEvent.Joined j when j.self() -> joined.incrementAndGet();
                case ChatEvent.Message m when m.text().startsWith("t=") -> latency.recordValue((System.nanoTime() - Long.parseLong(m.text().substring(2))) / 1_000);
                case ChatEvent.Problem p -> note(p.code() + ": " + p.message());
                case ChatEvent.Disconnected d -> note("disconnected: " + d.code() + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
                default -> { }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.out.printf("xmpp bench: %d users (%s), rooms of %d, %d probe rooms x %d messages; JDK %s, %d cores, heap max %d MiB%n",
                o.users(), o.transport().name().toLowerCase(Locale.ROOT), o.roomSize(), o.probeRooms(), o.messages(),
                Runtime.version(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        ProsodyFixture xmpp = ProsodyFixture.start(new ProsodyFixture.Options("warn", 0));
        XmppBridge bridge = null;
        List<XMPPTCPConnection> plain = new ArrayList<>();
        try {
            XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("bench.yaml", """
                    bridges:
                      - name: bench
                        kind: xmpp
                        host: 127.0.0.1
                        port: %d
                        domain: %s
                        muc-service: %s
                        login: anonymous
                        ca-file: %s
                        room-history: 0
                    """.formatted(xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN, ProsodyFixture.MUC, xmpp.caFile())).bridges().get(0);
            bridge = new XmppBridge(config, o.transport()); // Smack set up as in Halley before any plain client

            int rooms = Math.max(1, (o.users() + o.roomSize() - 1) / o.roomSize());
            int probes = Math.min(o.probeRooms(), rooms);
            X509TrustManager trust = TlsTrust.trustManager(xmpp.caFile());
            Histogram floor = new ConcurrentHistogram(3);
            List<MultiUserChat> senders = new ArrayList<>();
            for (int p = 0; p < probes; p++) {
                XMPPTCPConnection sender = plainClient(xmpp, trust);
                XMPPTCPConnection watcher = plainClient(xmpp, trust);
                plain.add(sender);
                plain.add(watcher);
                MultiUserChat s = enter(sender, room(p), "sender");
                MultiUserChat w = enter(watcher, room(p), "floor");
                w.addMessageListener(m -> record(floor, m));
                senders.add(s);
            }

            AtomicInteger joined = new AtomicInteger();
            AtomicInteger problems = new AtomicInteger();
            Histogram bridged = new ConcurrentHistogram(3);
            List<BridgeConnection> users = new ArrayList<>(o.users());
            // Warm-up users first: the JIT's code, class metadata and pools grow once, not per user;
            // the baseline is taken after them, so the figures are the cost of one more user.
            int warm = Math.max(20, o.users() / 10);
            for (int i = 0; i < warm; i++) {
                Login login = new Login("w" + i, "", "", List.of("warm-" + (i % 5) + "@" + ProsodyFixture.MUC), new Login.ClientAddress("127.0.0.1", "bench"));
                users.add(bridge.connect(login, new Receiver(joined, problems, new ConcurrentHistogram(3))));
                Thread.sleep(1000 / Math.max(1, o.rampPerSecond()));
            }
            long warmDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (joined.get() < warm && System.nanoTime() < warmDeadline) {
                Thread.sleep(250);
            }
            int warmJoined = joined.get();
            joined.set(0);
            Thread.sleep(2_000);
            Snapshot before = Snapshot.take();
            long start = System.nanoTime();
            for (int i = 0; i < o.users(); i++) {
                Login login = new Login("u" + i, "", "", List.of(room(i % rooms)), new Login.ClientAddress("127.0.0.1", "bench"));
                users.add(bridge.connect(login, new Receiver(joined, problems, bridged)));
                long due = start + (long) (i + 1) * 1_000_000_000L / o.rampPerSecond();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (joined.get() < o.users() && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            double rampSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("warm-up: %d of %d joined before the baseline%n", warmJoined, warm);
            System.out.printf("joined %d of %d in %.1f s (%d problems or disconnects%s)%n", joined.get(), o.users(), rampSeconds, problems.get(),
                    Receiver.SAMPLES.isEmpty() ? "" : ", first: " + String.join("; ", Receiver.SAMPLES));
            Thread.sleep(3_000); // let logins' garbage and buffers settle
            Snapshot after = Snapshot.take();

            for (int m = 0; m < o.messages(); m++) {
                for (MultiUserChat s : senders) {
                    s.sendMessage("t=" + System.nanoTime());
                }
                Thread.sleep(100);
            }
            Thread.sleep(3_000);

            int n = Math.max(1, joined.get());
            long heap = after.heapUsed() - before.heapUsed();
            long rss = after.rss() - before.rss();
            int threads = after.threads() - before.threads();
            System.out.printf("per bridged user: heap %.1f KiB, resident (native) %.1f KiB, together %.1f KiB; threads %.2f%n",
                    heap / 1024.0 / n, rss / 1024.0 / n, (heap + rss) / 1024.0 / n, threads / (double) n);
            System.out.printf("process: heap live %d -> %d MiB, resident %d -> %d MiB, threads %d -> %d%n",
                    before.heapUsed() >> 20, after.heapUsed() >> 20, before.rss() >> 20, after.rss() >> 20, before.threads(), after.threads());
            System.out.printf("room message latency: bridged p50 %.2f ms, p99 %.2f ms (%d samples); floor p50 %.2f ms, p99 %.2f ms (%d samples)%n",
                    ms(bridged, 50), ms(bridged, 99), bridged.getTotalCount(), ms(floor, 50), ms(floor, 99), floor.getTotalCount());
            System.out.printf("load: %s", Files.readString(Path.of("/proc/loadavg")));
            if (o.histogram() > 0) { // where the heap goes: the largest classes by live bytes
                String histo = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                        new Object[] {null}, new String[] {String[].class.getName()});
                histo.lines().limit(o.histogram() + 3L).forEach(System.out::println);
            }

            for (BridgeConnection u : users) {
                u.close("bench over");
            }
        } finally {
            for (XMPPTCPConnection c : plain) {
                c.instantShutdown();
            }
            if (bridge != null) {
                bridge.close();
            }
            Thread.sleep(1_000);
            xmpp.close();
        }
        System.exit(0);
    }

    static String room(int i) {
        return "bench-" + i + "@" + ProsodyFixture.MUC;
    }

    private static void record(Histogram h, Message m) {
        String body = m.getBody();
        if (body != null && body.startsWith("t=")) {
            h.recordValue((System.nanoTime() - Long.parseLong(body.substring(2))) / 1_000);
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static XMPPTCPConnection plainClient(ProsodyFixture xmpp, X509TrustManager trust) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(ProsodyFixture.ANONYMOUS_DOMAIN)
                .setHostAddress(java.net.InetAddress.getLoopbackAddress())
                .setPort(xmpp.port())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(trust)
                .performSaslAnonymousAuthentication()
                .build());
        c.connect().login();
        return c;
    }

    private static MultiUserChat enter(XMPPTCPConnection c, String room, String nick) throws Exception {
        MultiUserChat muc = MultiUserChatManager.getInstanceFor(c).getMultiUserChat(JidCreate.entityBareFrom(room));
        MultiUserChat.MucCreateConfigFormHandle created = muc.createOrJoin(Resourcepart.from(nick));
        if (created != null) {
            created.makeInstant();
        }
        return muc;
    }

    /** The process's live heap (after full GCs), resident set and thread count. */
    record Snapshot(long heapUsed, long rss, int threads) {
        static Snapshot take() throws InterruptedException, IOException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return new Snapshot(heap, rss, ManagementFactory.getThreadMXBean().getThreadCount());
        }
    }
}

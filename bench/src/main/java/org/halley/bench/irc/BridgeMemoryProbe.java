package org.halley.bench.irc;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.Login;
import org.halley.bridges.irc.IrcBridge;
import org.halley.config.ConfigLoader;
import org.halley.config.IrcBridgeConfig;
import org.halley.testkit.NgircdFixture;

/**
 * The IRC bridge alone, in this JVM: N connections to a local ngircd, each in 5 channels of 50,
 * and the heap they hold after a full GC, per connection. No push core, no browser: what the
 * bridge itself costs.
 *
 * <pre>
 * java -cp bench/target/halley-bench.jar org.halley.bench.irc.BridgeMemoryProbe 1000
 * </pre>
 */
public final class BridgeMemoryProbe {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        try (NgircdFixture irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties())) {
            IrcBridgeConfig config = (IrcBridgeConfig) ConfigLoader.parse("bench.yaml", """
                    bridges:
                      - name: bench
                        kind: irc
                        host: 127.0.0.1
                        port: %d
                        tls: false
                        admission: {max-connections: 100000, connections-per-ip: 100000, connect-interval: 0ms}
                        flood: {burst: 20, interval: 100ms}
                    """.formatted(irc.port())).bridges().get(0);
            IrcBridge bridge = new IrcBridge(config);
            long before = usedAfterGc();
            AtomicInteger members = new AtomicInteger();
            List<BridgeConnection> open = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int group = i / 50;
                List<String> channels = new ArrayList<>();
                for (int k = 0; k < 5; k++) {
                    channels.add("#b" + (group * 5 + k));
                }
                open.add(bridge.connect(new Login("u" + i, "", "", channels, new Login.ClientAddress("127.0.0.1", "127.0.0.1")),
                        e -> {
                            if (e instanceof ChatEvent.Members) {
                                members.incrementAndGet();
                            }
                        }));
                if (i % 200 == 199) {
                    Thread.sleep(200);
                }
            }
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (members.get() < n * 5 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            Thread.sleep(2_000);
            long after = usedAfterGc();
            System.out.printf("connections=%d members-events=%d heap-before=%d KiB heap-after=%d KiB per-connection=%.1f KiB threads=%d%n",
                    n, members.get(), before >> 10, after >> 10, (after - before) / 1024.0 / n,
                    ManagementFactory.getThreadMXBean().getThreadCount());
            if (args.length > 1) {
                System.out.println("holding for a heap dump: jcmd " + ProcessHandle.current().pid() + " GC.heap_dump /tmp/bridge.hprof");
                Thread.sleep(Long.parseLong(args[1]) * 1000);
            }
            for (BridgeConnection c : open) {
                c.close("");
            }
            bridge.close();
        }
    }

    static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}

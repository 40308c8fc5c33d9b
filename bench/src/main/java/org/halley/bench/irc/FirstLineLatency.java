package org.halley.bench.irc;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.Login;
import org.halley.bridges.irc.IrcBridge;
import org.halley.config.ConfigLoader;
import org.halley.config.IrcBridgeConfig;
import org.halley.testkit.NgircdFixture;

/**
 * How long a person waits, with the default flood control, for their channel to show as joined
 * and then for their first line to reach the server: a local ngircd without penalties, one bridge,
 * one person at a time connecting with one channel; the moment the bridge says {@code joined}
 * (self), the person sends a line, and a plain client in the channel timestamps its arrival. The
 * bridge's {@code joined} is what the page shows, less the push core's delivery (measured apart,
 * {@code bench/push-bench.sh latency}).
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl bench -am
 * java -cp bench/target/halley-bench.jar org.halley.bench.irc.FirstLineLatency 20
 * </pre>
 */
public final class FirstLineLatency {
    private FirstLineLatency() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (NgircdFixture irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
                BenchIrcClient watcher = new BenchIrcClient(irc.port(), "watcher")) {
            watcher.send("JOIN #halley");
            IrcBridgeConfig config = (IrcBridgeConfig) ConfigLoader.parse("bench.yaml", """
                    bridges:
                      - {name: local, kind: irc, host: 127.0.0.1, port: %d, tls: false, allowed-channels: ["#halley"],
                         admission: {connect-interval: 0ms, connections-per-ip: 1000}}
                    """.formatted(irc.port())).bridges().get(0); // flood: the defaults
            System.out.println("flood: burst " + config.flood().burst() + ", interval " + config.flood().interval());
            IrcBridge bridge = new IrcBridge(config);
            double[] toJoin = new double[runs];
            double[] toLine = new double[runs];
            for (int i = -1; i < runs; i++) { // run 0 warms the JVM up and is not counted
                String nick = "person" + (i + 1);
                String text = "first line " + (i + 1);
                CompletableFuture<Long> joined = new CompletableFuture<>();
                CompletableFuture<Long> arrived = new CompletableFuture<>();
                watcher.onLine(l -> {
                    if (l.startsWith(":" + nick + "!") && l.endsWith("PRIVMSG #halley :" + text)) {
                        arrived.complete(System.nanoTime());
                    }
                });
                long start = System.nanoTime();
                BridgeConnection c = bridge.connect(new Login(nick, "", "", List.of("#halley"),
                        new Login.ClientAddress("127.0.0.1", "localhost")), e -> {
                            if (e instanceof ChatEvent.Joined j && j.self()) {
                                joined.complete(System.nanoTime());
                            }
                        });
                long joinedAt = joined.get(30, TimeUnit.SECONDS);
                c.send(new ChatCommand.Say("#halley", text));
                long arrivedAt = arrived.get(30, TimeUnit.SECONDS);
                System.out.printf("run %2d: connect to joined %7.1f ms, joined to first line at the server %6.1f ms%n",
                        i + 1, (joinedAt - start) / 1e6, (arrivedAt - joinedAt) / 1e6);
                if (i >= 0) {
                    toJoin[i] = (joinedAt - start) / 1e6;
                    toLine[i] = (arrivedAt - joinedAt) / 1e6;
                }
                c.close("");
                Thread.sleep(Duration.ofMillis(100)); // the QUIT is not what is measured
            }
            System.out.printf("connect to joined: median %.1f ms, max %.1f ms%n", median(toJoin), max(toJoin));
            System.out.printf("joined to first line: median %.1f ms, max %.1f ms (target <= 100 ms)%n", median(toLine), max(toLine));
            bridge.close();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}

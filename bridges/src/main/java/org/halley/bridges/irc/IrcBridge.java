package org.halley.bridges.irc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import org.halley.bridges.Bridge;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEventSink;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.IrcBridgeConfig;

/**
 * One configured IRC network: its quotas, its admission queue and its people's connections.
 * Thread-safe.
 *
 * <p>Threads: one timer thread per network ({@code irc-timer-<network>}) starts admitted attempts
 * and runs reconnect, registration and QUIT timeouts; it never blocks. Each connection reads on
 * its own virtual thread and writes on short-lived virtual threads from {@link #threads}.
 */
public final class IrcBridge implements Bridge {
    private volatile IrcBridgeConfig config; // a reload may replace it; see reconfigure
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledThreadPoolExecutor timer;
    private final IrcAdmission admission;
    private final IrcTls tls;
    private final Set<IrcConnection> open = ConcurrentHashMap.newKeySet();
    /** Connections per browser address; guarded by this. */
    private final Map<String, Integer> perIp = new HashMap<>();
    private int total;

    public IrcBridge(IrcBridgeConfig config) {
        this.config = config;
        this.tls = config.tls() ? IrcTls.create(config.caFile().orElse(null)) : null;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("irc-timer-" + config.name()).factory());
        timer.setRemoveOnCancelPolicy(true);
        this.admission = new IrcAdmission(config.name(), config.admission(), timer, System::nanoTime);
    }

    @Override
    public String name() {
        return config.name();
    }

    public IrcBridgeConfig config() {
        return config;
    }

    /**
     * Takes a new config for this network (a reload). Connections opened from now on use all of
     * it; connections already open keep theirs, except the channel patterns, which their next join
     * checks against the new ones. The address, TLS and the admission interval were fixed when the
     * bridge was built: the caller keeps those unchanged (they need a restart).
     */
    public void reconfigure(IrcBridgeConfig next) {
        if (!next.name().equals(config.name())) {
            throw new IllegalArgumentException("reconfigure: " + next.name() + " is not " + config.name());
        }
        this.config = next;
    }

    @Override
    public BridgeConnection connect(Login login, ChatEventSink sink) throws CommandRejectedException {
        IrcBridgeConfig config = this.config;
        String nick = login.nick().isEmpty() ? randomNick(config.nick().defaultNick()) : login.nick();
        IrcArgs.nick("nick", nick, config.nick().maxLength());
        // SASL sends the account base64-encoded: any printable text will do, one line of it.
        IrcArgs.reason("account", login.account(), 100);
        if (login.password().indexOf('\0') >= 0 || login.password().indexOf('\r') >= 0 || login.password().indexOf('\n') >= 0
                || login.password().length() > 300) {
            throw new CommandRejectedException("password", "may not contain line breaks or NUL, or be longer than 300 characters");
        }
        if (!login.password().isEmpty() && login.account().isEmpty() && (login.password().indexOf(' ') >= 0 || login.password().startsWith(":"))) {
            throw new CommandRejectedException("password", "a server password may not contain spaces or start with ':'");
        }
        List<String> channels = new ArrayList<>();
        for (String c : login.channels()) {
            IrcArgs.channel("channels", c, "#&+!", 64);
            if (!config.allowsChannel(c)) {
                throw new CommandRejectedException("not-allowed", "channels",
                        c + " is not open through this gateway (allowed: " + config.allowedChannels() + ")");
            }
            channels.add(c);
        }
        String ip = login.client().ip();
        admit(ip);
        IrcConnection[] self = new IrcConnection[1];
        IrcConnection c = new IrcConnection(config, this::config, login, nick, channels, sink, threads, timer, admission, tls, () -> {
            open.remove(self[0]);
            release(ip);
        });
        self[0] = c;
        open.add(c);
        c.start();
        return c;
    }

    /** Counts a connection against the quotas, or refuses it saying which. */
    private synchronized void admit(String ip) throws CommandRejectedException {
        IrcBridgeConfig config = this.config;
        if (total >= config.admission().maxConnections()) {
            throw new CommandRejectedException("quota", "network", "all " + config.admission().maxConnections()
                    + " connections this gateway may open to " + config.name() + " are in use; try again later");
        }
        int mine = perIp.getOrDefault(ip, 0);
        if (mine >= config.admission().connectionsPerIp()) {
            throw new CommandRejectedException("quota", "network", "your address already has " + mine + " connections to "
                    + config.name() + " through this gateway (at most " + config.admission().connectionsPerIp() + ")");
        }
        perIp.put(ip, mine + 1);
        total++;
    }

    private synchronized void release(String ip) {
        total--;
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections open now (queued, connecting, connected or waiting to reconnect). */
    @Override
    public int connections() {
        return open.size();
    }

    /** Figures for logs and metrics. */
    public Stats stats() {
        return new Stats(open.size(), admission.queued(), admission.admittedCount(), admission.throttleCount(),
                admission.banCount(), admission.interval());
    }

    /**
     * @param connections open now, in any state
     * @param queued waiting for admission now
     * @param admitted connection attempts started so far
     * @param throttles times the network said it throttles us
     * @param bans times it banned or refused a connection for its address
     * @param connectInterval the admission interval now (the configured one, or longer after throttles)
     */
    public record Stats(int connections, int queued, long admitted, long throttles, long bans, Duration connectInterval) {}

    @Override
    public void close() {
        for (IrcConnection c : open) {
            c.close(config.quitMessage());
        }
        timer.shutdown(); // delayed tasks already scheduled still run
        // threads is left open: virtual threads hold nothing, and the QUITs above still write.
    }

    static String randomNick(String template) {
        StringBuilder b = new StringBuilder();
        for (char c : template.toCharArray()) {
            b.append(c == '?' ? (char) ('0' + ThreadLocalRandom.current().nextInt(10)) : c);
        }
        return b.toString();
    }
}

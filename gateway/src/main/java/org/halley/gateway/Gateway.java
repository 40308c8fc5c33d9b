package org.halley.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.halley.bridges.Bridge;
import org.halley.bridges.Login;
import org.halley.bridges.irc.IrcBridge;
import org.halley.bridges.xmpp.XmppBridge;
import org.halley.config.BridgeConfig;
import org.halley.config.ConfigException;
import org.halley.config.ConfigLoader;
import org.halley.config.DrainConfig;
import org.halley.config.HalleyConfig;
import org.halley.config.IrcBridgeConfig;
import org.halley.config.XmppBridgeConfig;
import org.halley.push.PushListener;
import org.halley.push.PushServer;
import org.halley.push.PushSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Halley: the push server, one {@link Bridge} per configured network, the web assets,
 * and a {@link UserSession} per browser session.
 *
 * <p>What may change at run time (a reload) is one immutable {@link Live} behind one reference:
 * readers take it once and use that, a reload builds a new one and swaps it.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    static final String QUIT_MESSAGE = "Web chat session ended";

    /**
     * The parts that a reload replaces together.
     *
     * @param config the config in force
     * @param bridges the networks offered, by name
     * @param quitMessages what each network is told when a browser session ends (QUIT on IRC)
     * @param networksJson what the connect screen gets from {@code /api/networks}
     */
    record Live(HalleyConfig config, Map<String, Bridge> bridges, Map<String, String> quitMessages, String networksJson) {
        static Live of(HalleyConfig config, Map<String, Bridge> bridges) {
            return new Live(config, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bridges)), Gateway.quitMessages(config),
                    Gateway.networksJson(config));
        }
    }

    private final AtomicReference<Live> live;
    private final @Nullable Path configFile;
    private final ConfigReload.@Nullable Runner reloads;
    /** Networks removed by a reload: no longer offered, closed once their last person leaves. */
    private final List<Bridge> retired = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final BridgeStates states = new BridgeStates();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Readiness readiness;
    private final HalleyMetrics metrics;
    private final AdminHandler admin;
    private final PushServer push;

    private Gateway(HalleyConfig config, @Nullable Path configFile) {
        Map<String, Bridge> bridges = new LinkedHashMap<>();
        for (BridgeConfig b : config.bridges()) {
            bridges.put(b.name(), newBridge(b));
            states.network(b.name());
        }
        this.live = new AtomicReference<>(Live.of(config, bridges));
        this.configFile = configFile;
        this.readiness = new Readiness(this::config, states, draining::get, this::sessionsOpen);
        this.metrics = new HalleyMetrics(this);
        this.reloads = configFile == null ? null : new ConfigReload.Runner(configFile, this::apply, metrics.reloadsFailed::increment);
        this.admin = new AdminHandler(this, metrics, () -> config().admin());
        StaticFiles files = StaticFiles.load();
        WebHandler web = new WebHandler(files, () -> live.get().networksJson(),
                WebHandler.contentSecurityPolicy(config.server().publicUrl(), config.server().allowedOrigins()), this, admin);
        this.push = PushServer.builder()
                .server(config.server())
                .limits(config.limits())
                .node(config.cluster().node())
                .nodes(config.cluster().nodes().stream().map(n -> n.name()).toList())
                .listener(new Listener())
                .application(() -> web)
                // sessions-per-ip counts browsers, not the load balancer they all come through (with
                // the trusted proxies in force: a reload may change them)
                .clientKey(c -> ClientAddresses.resolve(c.remote(), c.forwardedFor(), config().server().trustedProxies()).ip())
                .build();
    }

    /** Starts Halley with {@code config}; returns once it listens. */
    public static Gateway start(HalleyConfig config) throws InterruptedException {
        return start(config, null);
    }

    /** Starts Halley with {@code config}, read from {@code file} (which a reload reads again). */
    public static Gateway start(HalleyConfig config, @Nullable Path file) throws InterruptedException {
        LogSetup.apply(config.logging());
        Gateway g = new Gateway(config, file);
        g.push.start();
        g.readiness.start();
        log.info("Halley {} listening on {}:{} for {} with networks {} (config {})", version(), config.server().bind(), g.port(),
                config.server().publicUrl(), g.bridges().keySet(), config.source());
        return g;
    }

    /** Browser sessions open now (0 while the push server is being built). Any thread. */
    private int sessionsOpen() {
        PushServer p = push;
        return p == null ? 0 : p.sessions();
    }

    public int port() {
        return push.port();
    }

    public PushServer push() {
        return push;
    }

    /** The config in force now. */
    public HalleyConfig config() {
        return live.get().config();
    }

    Live live() {
        return live.get();
    }

    /** The networks offered now, by name. */
    Map<String, Bridge> bridges() {
        return live.get().bridges();
    }

    BridgeStates states() {
        return states;
    }

    HalleyMetrics metrics() {
        return metrics;
    }

    Readiness.Status readiness() {
        return readiness.status();
    }

    boolean reachable(String network) {
        return readiness.reachable(network);
    }

    boolean draining() {
        return draining.get();
    }

    /** What {@code network} is told when a browser session ends. */
    String quitMessage(String network) {
        return live.get().quitMessages().getOrDefault(network, QUIT_MESSAGE);
    }

    /** Connections to any network, including networks a reload removed. */
    int bridgeConnections() {
        int n = 0;
        for (Bridge b : bridges().values()) {
            n += b.connections();
        }
        for (Bridge b : retired) {
            n += b.connections();
        }
        return n;
    }

    /**
     * Leaves gracefully (SIGTERM): not ready at once and no new sessions; after {@code
     * server.drain.delay} every browser is told to reconnect (and lands on another node); every
     * network is left with the drain's QUIT message; returns once all connections to the networks
     * are closed, or when {@code deadline} ({@link System#nanoTime()}) is near. Blocks; call it on
     * a thread of its own. True when everything closed in time.
     */
    public boolean drain(long deadlineNanos) throws InterruptedException {
        if (!draining.compareAndSet(false, true)) {
            return false;
        }
        long start = System.nanoTime();
        DrainConfig d = config().server().drain();
        int sessions = push.sessions();
        log.info("drain started: not ready, no new sessions; {} sessions will be told to reconnect in {} ms; exit within {} ms",
                sessions, d.delay().toMillis(), TimeUnit.NANOSECONDS.toMillis(deadlineNanos - start));
        push.drain();
        long tellAt = start + d.delay().toNanos();
        while (System.nanoTime() < Math.min(tellAt, deadlineNanos)) {
            TimeUnit.NANOSECONDS.sleep(Math.min(tellAt, deadlineNanos) - System.nanoTime());
        }
        // Leave a little of the deadline for stopping the server itself.
        long giveUpAt = deadlineNanos - Math.min(TimeUnit.SECONDS.toNanos(1), (deadlineNanos - System.nanoTime()) / 5);
        int moved;
        try {
            moved = push.goAway().get(Math.max(1, giveUpAt - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("drain: the shards did not all end their sessions in time", e);
            moved = -1;
        }
        log.info("drain: told {} browsers to reconnect elsewhere; leaving the networks", moved);
        while (bridgeConnections() > 0 && System.nanoTime() < giveUpAt) {
            Thread.sleep(20);
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int open = bridgeConnections();
        if (open == 0) {
            log.info("drain finished in {} ms: {} sessions moved, every network left", took, moved);
            return true;
        }
        log.warn("drain stopped at its deadline after {} ms: {} sessions moved, {} network connections still open", took,
                moved, open);
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        close(5_000);
    }

    /** Stops, waiting at most about {@code timeoutMillis} for the server's loops. Idempotent. */
    public void close(long timeoutMillis) throws InterruptedException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        readiness.close();
        admin.close();
        if (reloads != null) {
            reloads.close();
        }
        push.stop("shutdown", timeoutMillis); // ends every session left: each UserSession QUITs its networks
        bridges().values().forEach(Bridge::close);
        retired.forEach(Bridge::close);
        threads.close();
    }

    /**
     * Reads the config file again and applies what may change at run time (see {@link
     * ConfigReload}); a config with mistakes changes nothing. Answers in bounded time, one reload
     * at a time ({@link ConfigReload.Runner}). Any thread but an event loop.
     */
    ConfigReload.Result reload(String why) {
        if (reloads == null) {
            return ConfigReload.Result.failed(List.of("Halley was started without a config file; nothing to reload"));
        }
        if (draining.get()) {
            return ConfigReload.Result.failed(List.of("Halley is draining; not reloading"));
        }
        return reloads.run(why);
    }

    /** Puts {@code next}, read from the file, into force. On the reloader thread, one at a time. */
    private synchronized ConfigReload.Result apply(String why, HalleyConfig next) {
        Live old = live.get();
        ConfigReload.Plan plan = ConfigReload.plan(old.config(), next);
        // First what can fail (a new XMPP bridge reads its CA file): nothing has changed yet.
        Map<String, Bridge> fresh = new LinkedHashMap<>();
        try {
            for (BridgeConfig b : plan.added()) {
                fresh.put(b.name(), newBridge(b));
            }
            for (BridgeConfig b : plan.replaced()) {
                fresh.put(b.name(), newBridge(b));
            }
        } catch (RuntimeException e) {
            fresh.values().forEach(Bridge::close);
            metrics.reloadsFailed.increment();
            log.warn("config reload ({}) refused: {}; the config in force stays", why, e.getMessage());
            return ConfigReload.Result.failed(List.of(e.getMessage()));
        }
        for (BridgeConfig b : plan.changed()) {
            switch (old.bridges().get(b.name())) {
                case IrcBridge irc -> irc.reconfigure((IrcBridgeConfig) b);
                case XmppBridge xmpp -> xmpp.reconfigure((XmppBridgeConfig) b);
                default -> throw new IllegalStateException("unknown bridge " + b.name());
            }
        }
        Map<String, Bridge> bridges = new LinkedHashMap<>();
        for (BridgeConfig b : plan.effective().bridges()) {
            Bridge kept = fresh.containsKey(b.name()) ? fresh.get(b.name()) : old.bridges().get(b.name());
            bridges.put(b.name(), kept);
            states.network(b.name());
        }
        live.set(Live.of(plan.effective(), bridges)); // the one swap
        push.limits(plan.effective().limits());
        push.nodes(plan.effective().cluster().nodes().stream().map(n -> n.name()).toList());
        LogSetup.apply(plan.effective().logging());
        for (String name : plan.removed()) {
            retire(old.bridges().get(name));
        }
        for (BridgeConfig b : plan.replaced()) {
            retire(old.bridges().get(b.name()));
        }
        metrics.reloadsOk.increment();
        metrics.configLoadedMillis = System.currentTimeMillis();
        if (plan.nothing()) {
            log.info("config reloaded ({}) from {}: nothing changed", why, configFile);
        } else {
            log.info("config reloaded ({}) from {}: applied {}; needs a restart: {}", why, configFile, plan.applied(),
                    plan.needsRestart().isEmpty() ? "nothing" : plan.needsRestart());
        }
        return new ConfigReload.Result(true, plan.applied(), plan.needsRestart(), List.of());
    }

    /** A network no longer offered: closed once its last person has left (checked each second). */
    private void retire(Bridge b) {
        retired.add(b);
        Thread.ofVirtual().name("halley-retire-" + b.name()).start(() -> {
            try {
                while (b.connections() > 0 && !closed.get()) {
                    Thread.sleep(1_000);
                }
            } catch (InterruptedException e) {
                return;
            }
            retired.remove(b);
            b.close();
            log.info("network {} (removed from the config) closed: its last person left", b.name());
        });
    }

    static String version() {
        String v = Gateway.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static Bridge newBridge(BridgeConfig b) {
        return switch (b) {
            case IrcBridgeConfig irc -> new IrcBridge(irc);
            case XmppBridgeConfig xmpp -> new XmppBridge(xmpp);
        };
    }

    private static Map<String, String> quitMessages(HalleyConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (BridgeConfig b : config.bridges()) {
            out.put(b.name(), b instanceof IrcBridgeConfig irc ? irc.quitMessage() : QUIT_MESSAGE);
        }
        return out;
    }

    /** What the connect screen needs to know of each network: never hosts or ports. */
    static String networksJson(HalleyConfig config) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("networks");
            for (BridgeConfig b : config.bridges()) {
                g.writeStartObject();
                g.writeStringField("name", b.name());
                g.writeStringField("kind", b.kind());
                g.writeArrayFieldStart("channels");
                switch (b) {
                    case IrcBridgeConfig irc -> {
                        for (String c : irc.defaultChannels()) {
                            g.writeString(c);
                        }
                    }
                    case XmppBridgeConfig xmpp -> {
                        for (String r : xmpp.defaultRooms()) {
                            g.writeString(r);
                        }
                    }
                }
                g.writeEndArray();
                if (b instanceof IrcBridgeConfig irc) {
                    g.writeStringField("defaultNick", irc.nick().defaultNick());
                    g.writeNumberField("maxNickLength", irc.nick().maxLength());
                }
                if (b instanceof XmppBridgeConfig xmpp) {
                    g.writeStringField("login", xmpp.login().yamlName()); // the connect screen asks for an address and password, or not
                    g.writeStringField("domain", xmpp.domain());
                    g.writeStringField("mucService", xmpp.mucService()); // the page names rooms of it by their local part
                    g.writeStringField("defaultNick", xmpp.nick().defaultNick());
                    g.writeNumberField("maxNickLength", xmpp.nick().maxLength());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Push-core events; on a shard's loop, so each hands work over and returns. */
    private final class Listener implements PushListener {
        @Override
        public void opened(PushSession session) {
            Login.ClientAddress client = ClientAddresses.resolve(session.client().remote(), session.client().forwardedFor(),
                    config().server().trustedProxies());
            session.attach(new UserSession(session, Gateway.this, client, threads));
            log.info("session {} created for {}{}", session.id(), client.ip(), session.user().map(u -> " (prebound)").orElse(""));
        }

        @Override
        public void message(PushSession session, String json) {
            ((UserSession) session.attachment()).received(json);
        }

        @Override
        public void connected(PushSession session, boolean gap) {
            if (gap) { // the browser lost events (a reloaded page has none): its networks say again where it stands
                ((UserSession) session.attachment()).refresh();
            }
        }

        @Override
        public void closed(PushSession session, String reason) {
            log.info("session {} ended ({})", session.id(), reason);
            metrics.ended(reason);
            ((UserSession) session.attachment()).ended(reason);
        }
    }
}

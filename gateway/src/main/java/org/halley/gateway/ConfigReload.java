package org.halley.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.halley.config.AdmissionRules;
import org.halley.config.BridgeConfig;
import org.halley.config.ClusterConfig;
import org.halley.config.ConfigException;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.config.IrcBridgeConfig;
import org.halley.config.ServerConfig;
import org.halley.config.XmppBridgeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reload may change, and what it may not. Pure: it compares two configs and says which keys
 * changed, which of those apply now, and which need a restart (those keep their old values in the
 * config that goes into force, so what runs and what is reported agree). {@link Runner} runs
 * reloads, one at a time and answering in bounded time.
 *
 * <p>Applied at once: {@code limits}, {@code admin}, {@code logging}, {@code server.drain},
 * {@code server.trusted-proxies}; networks added (offered at once) and removed (no longer offered;
 * people connected stay until they leave); for a network that stays, everything but its address
 * and TLS (and an IRC network's admission interval), for connections opened from now on, and its
 * channel or room patterns for everyone's next join. Needing a restart: the rest of {@code
 * server} (where and how Halley listens, the push core), {@code cluster}, a network's {@code
 * host}, {@code port}, {@code tls}, {@code ca-file}, and {@code admission.connect-interval}.
 */
final class ConfigReload {
    private ConfigReload() {}

    /**
     * The outcome of a reload.
     *
     * @param ok whether the new config was taken (else nothing changed)
     * @param applied the keys that changed and now apply (paths like {@code limits.max-sessions})
     * @param needsRestart keys that changed but keep their old values until a restart
     * @param errors why the file was refused (file:line:column: field: what is wrong)
     */
    record Result(boolean ok, List<String> applied, List<String> needsRestart, List<String> errors, boolean busy) {
        Result(boolean ok, List<String> applied, List<String> needsRestart, List<String> errors) {
            this(ok, applied, needsRestart, errors, false);
        }

        static Result failed(List<String> errors) {
            return new Result(false, List.of(), List.of(), List.copyOf(errors));
        }

        /** Nothing was decided now: another reload runs, or this one is still running. */
        static Result busy(String why) {
            return new Result(false, List.of(), List.of(), List.of(why), true);
        }

        String toJson() {
            StringWriter out = new StringWriter();
            try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeBooleanField("ok", ok);
                if (busy) {
                    g.writeBooleanField("busy", true);
                }
                list(g, "applied", applied);
                list(g, "needsRestart", needsRestart);
                list(g, "errors", errors);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }

        private static void list(JsonGenerator g, String name, List<String> items) throws IOException {
            g.writeArrayFieldStart(name);
            for (String s : items) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
    }

    /**
     * Runs reloads one at a time on its own thread ({@code halley-reloader}) and answers every caller
     * in bounded time, whatever the file holds: within {@link #READ_DEADLINE} when the file is
     * refused (reading it is bounded by the loader's limits; the deadline is the net under them),
     * within {@link #APPLY_DEADLINE} once it is taken (building new networks' bridges). A caller
     * that comes while a reload runs is told so at once, and nothing is done for it. Nothing a
     * reload throws escapes: it is logged and answered as refused. A file with mistakes changes
     * nothing; the new config goes into force by one swap, the last step of applying it.
     *
     * <p>Threads: {@link #run} from any thread but an event loop (admin's {@code halley-ops}, a
     * SIGHUP's {@code halley-reload}); the work on {@code halley-reloader}.
     */
    static final class Runner implements AutoCloseable {
        static final Duration READ_DEADLINE = Duration.ofSeconds(1);
        static final Duration APPLY_DEADLINE = Duration.ofSeconds(10);
        private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);

        /** The reload that runs now. */
        private record Running(String why, long startedNanos) {}

        private final Path file;
        private final BiFunction<String, HalleyConfig, Result> apply;
        private final Runnable refused;
        private final Duration readDeadline;
        private final Duration applyDeadline;
        private final AtomicReference<Running> running = new AtomicReference<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("halley-reloader").daemon().factory());

        /**
         * @param apply puts a config read from {@code file} into force (or refuses it, logging why)
         * @param refused counts a refusal decided here (the file has mistakes, or the reload failed)
         */
        Runner(Path file, BiFunction<String, HalleyConfig, Result> apply, Runnable refused) {
            this(file, apply, refused, READ_DEADLINE, APPLY_DEADLINE);
        }

        Runner(Path file, BiFunction<String, HalleyConfig, Result> apply, Runnable refused, Duration readDeadline,
                Duration applyDeadline) {
            this.file = file;
            this.apply = apply;
            this.refused = refused;
            this.readDeadline = readDeadline;
            this.applyDeadline = applyDeadline;
        }

        Result run(String why) {
            Running mine = new Running(why, System.nanoTime());
            Running other = running.compareAndExchange(null, mine);
            if (other != null) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - other.startedNanos());
                log.warn("config reload ({}) refused: the reload asked by {} {} ms ago still runs; nothing was done", why,
                        other.why(), ms);
                return Result.busy("a reload (asked by " + other.why() + " " + ms + " ms ago) still runs; nothing was done;"
                        + " ask again once it has answered");
            }
            CompletableFuture<Boolean> read = new CompletableFuture<>();
            CompletableFuture<Result> done = new CompletableFuture<>();
            try {
                thread.execute(() -> work(mine, read, done));
            } catch (RejectedExecutionException e) {
                running.set(null);
                return Result.failed(List.of("Halley is stopping; not reloading"));
            }
            try {
                read.get(readDeadline.toMillis(), TimeUnit.MILLISECONDS);
                return done.get(applyDeadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                String phase = read.isDone() ? "putting it into force" : "reading " + file;
                String limit = ConfigReload.human(read.isDone() ? applyDeadline : readDeadline);
                log.warn("config reload ({}) not answered: {} takes longer than {}; it goes on, and its outcome will be logged",
                        why, phase, limit);
                return Result.busy(phase + " takes longer than " + limit
                        + "; it goes on, and the log says whether it was taken (metric halley_config_reloads_total)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.busy("interrupted while waiting; the reload goes on, and the log says whether it was taken");
            } catch (ExecutionException e) {
                return Result.failed(List.of("the reload failed; the config in force stays (see the log)")); // work() never fails
            }
        }

        /** On halley-reloader. The runner is free again before the answer is given. */
        private void work(Running mine, CompletableFuture<Boolean> read, CompletableFuture<Result> done) {
            String why = mine.why();
            boolean readOk = false;
            Result result;
            try {
                HalleyConfig next = ConfigLoader.load(file);
                readOk = true;
                read.complete(true);
                result = apply.apply(why, next);
            } catch (ConfigException e) {
                refused.run();
                log.warn("config reload ({}) refused, {} mistake(s); the config in force stays:\n{}", why, e.errors().size(),
                        e.getMessage());
                result = Result.failed(e.errors().stream().map(Object::toString).toList());
            } catch (RuntimeException | Error e) { // a bug of ours: answered and logged, never a silent thread death
                refused.run();
                log.error("config reload ({}) refused: it failed ({}); the config in force stays", why, e.toString(), e);
                result = Result.failed(List.of("the reload failed (" + e.getClass().getSimpleName()
                        + "); the config in force stays; see the log"));
            }
            running.compareAndSet(mine, null);
            read.complete(readOk);
            done.complete(result);
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    /**
     * A reload worked out.
     *
     * @param effective the config that goes into force: the new one, with the keys that need a
     *     restart kept as they were
     * @param added networks new in the file
     * @param removed networks gone from it
     * @param replaced networks whose kind changed (removed and added again)
     * @param changed networks that stay, with their config in force after the reload
     */
    record Plan(HalleyConfig effective, List<String> applied, List<String> needsRestart, List<BridgeConfig> added,
            List<String> removed, List<BridgeConfig> replaced, List<BridgeConfig> changed) {

        boolean nothing() {
            return applied.isEmpty() && needsRestart.isEmpty();
        }
    }

    static Plan plan(HalleyConfig old, HalleyConfig next) {
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();

        for (String path : diff("server", old.server(), next.server())) {
            (path.startsWith("server.drain") || path.equals("server.trusted-proxies") ? applied : restart).add(path);
        }
        ServerConfig o = old.server();
        ServerConfig server = new ServerConfig(o.bind(), o.port(), o.publicUrl(), o.allowedOrigins(), o.push(),
                next.server().trustedProxies(), o.tls(), next.server().drain(), o.probeInterval());
        applied.addAll(diff("limits", old.limits(), next.limits()));
        // The node list may change (a node added): it only decides which node owns a user. This
        // node's own name is in its session ids, so it never changes while it runs.
        ClusterConfig cluster = old.cluster();
        for (String path : diff("cluster", old.cluster(), next.cluster())) {
            if (path.equals("cluster.nodes") && next.cluster().node().equals(old.cluster().node())) {
                applied.add(path);
                cluster = next.cluster();
            } else {
                restart.add(path);
            }
        }
        applied.addAll(diff("admin", old.admin(), next.admin()));
        applied.addAll(diff("logging", old.logging(), next.logging()));

        Map<String, BridgeConfig> before = new LinkedHashMap<>();
        old.bridges().forEach(b -> before.put(b.name(), b));
        List<BridgeConfig> bridges = new ArrayList<>();
        List<BridgeConfig> added = new ArrayList<>();
        List<BridgeConfig> replaced = new ArrayList<>();
        List<BridgeConfig> changed = new ArrayList<>();
        for (BridgeConfig b : next.bridges()) {
            BridgeConfig was = before.remove(b.name());
            String at = "bridges[" + b.name() + "]";
            if (was == null) {
                applied.add(at + ": added");
                added.add(b);
                bridges.add(b);
            } else if (!was.kind().equals(b.kind())) {
                applied.add(at + ": replaced (kind " + was.kind() + " -> " + b.kind() + "; people connected stay until they leave)");
                replaced.add(b);
                bridges.add(b);
            } else {
                BridgeConfig kept = keepFixed(was, b);
                for (String path : diff(at, was, b)) {
                    (fixed(path) ? restart : applied).add(path);
                }
                if (!same(was, kept)) {
                    changed.add(kept);
                }
                bridges.add(kept);
            }
        }
        List<String> removed = new ArrayList<>(before.keySet());
        removed.forEach(n -> applied.add("bridges[" + n + "]: removed (no longer offered; people connected stay until they leave)"));

        HalleyConfig effective = new HalleyConfig(next.source(), server, next.limits(), bridges, cluster, next.admin(),
                next.logging());
        return new Plan(effective, applied, restart, added, removed, replaced, changed);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Keys of a network fixed when its bridge was built. */
    private static boolean fixed(String path) {
        String key = path.substring(path.indexOf("].") + 2);
        return key.equals("host") || key.equals("port") || key.equals("tls") || key.equals("ca-file")
                || key.equals("admission.connect-interval");
    }

    /** {@code next} with the keys fixed at build time taken from {@code was}. */
    private static BridgeConfig keepFixed(BridgeConfig was, BridgeConfig next) {
        return switch (next) {
            case IrcBridgeConfig n -> {
                IrcBridgeConfig w = (IrcBridgeConfig) was;
                yield new IrcBridgeConfig(n.name(), w.host(), w.port(), w.tls(), w.caFile(), n.serverPassword(),
                        n.defaultChannels(), n.allowedChannels(), n.webircPassword(), n.nick(), n.ident(), n.realname(),
                        n.quitMessage(), n.ctcpVersion(),
                        new AdmissionRules(n.admission().maxConnections(), n.admission().connectionsPerIp(),
                                w.admission().connectInterval()),
                        n.reconnect(), n.flood());
            }
            case XmppBridgeConfig n -> {
                XmppBridgeConfig w = (XmppBridgeConfig) was;
                yield new XmppBridgeConfig(n.name(), w.host(), w.port(), w.tls(), n.domain(), n.mucService(), n.login(),
                        n.defaultRooms(), n.allowedRooms(), w.caFile(), n.pingInterval(), n.roomHistory(), n.nick());
            }
        };
    }

    /**
     * The paths of the leaves that differ between two records of one type, in YAML's spelling
     * ({@code limits.max-sessions}). Never their values: some are secrets.
     */
    static List<String> diff(String path, Object a, Object b) {
        List<String> out = new ArrayList<>();
        diff(path, a, b, out);
        return out;
    }

    private static void diff(String path, Object a, Object b, List<String> out) {
        if (a != null && b != null && a.getClass().isRecord() && a.getClass() == b.getClass() && !isLeafRecord(a)) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                if (c.getName().equals("source") || c.getName().equals("name") && path.startsWith("bridges[")) {
                    continue;
                }
                diff(path + "." + yamlName(path, c.getName()), value(c, a), value(c, b), out);
            }
            return;
        }
        if (!same(a, b)) {
            out.add(path);
        }
    }

    /** Records compared as one value (their parts are not keys of their own). */
    private static boolean isLeafRecord(Object o) {
        String n = o.getClass().getSimpleName();
        return n.equals("Secret") || n.equals("ChannelPattern") || n.equals("IpRange") || n.equals("ClusterNode");
    }

    private static String yamlName(String path, String component) {
        if (path.endsWith(".nick")) {
            switch (component) {
                case "defaultNick" -> {
                    return "default";
                }
                case "fallbacks" -> {
                    return "fallback";
                }
                default -> { }
            }
        }
        StringBuilder s = new StringBuilder();
        for (char ch : component.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                s.append('-').append(Character.toLowerCase(ch));
            } else {
                s.append(ch);
            }
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }

    private static Object value(RecordComponent c, Object r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    /** Deep equality over records, lists, optionals and arrays (records holding arrays compare by content). */
    static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass() && !(a instanceof List && b instanceof List)) {
            return false;
        }
        if (a instanceof byte[] x) {
            return Arrays.equals(x, (byte[]) b);
        }
        if (a instanceof List<?> x) {
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Optional<?> x) {
            return same(x.orElse(null), ((Optional<?>) b).orElse(null));
        }
        if (a.getClass().isRecord()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                if (!same(value(c, a), value(c, b))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}

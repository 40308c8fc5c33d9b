package org.halley.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.halley.config.BridgeConfig;
import org.halley.config.HalleyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node should get new sessions ({@code /readyz}): not while it drains, not while it
 * holds {@code limits.max-sessions} (it would refuse a new one with 503), and not while no network
 * can be reached. Not ready is about new sessions only: the load balancer keeps sending a node the
 * requests of its own sessions (HAProxy's {@code option persist}). A network counts as reachable while one of its people's connections
 * is connected (the best evidence, and free); otherwise by a TCP connect to its host and port every
 * {@code server.probe-interval} (no TLS, no registration: the network sees a connection open and
 * close). The answer is computed from memory, so it is fast on any thread.
 *
 * <p>Threads: one platform thread ({@code halley-probe}) schedules the probes; each probe connects
 * on a virtual thread of its own, so a network that never answers delays no other. Nothing here
 * runs on an event loop.
 */
final class Readiness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Readiness.class);

    /** One probe's outcome. */
    record Probe(boolean ok, String detail, long atMillis) {}

    /** The answer of {@code /readyz}: whether ready, and why, one line per network. */
    record Status(boolean ready, String body) {}

    private final Supplier<HalleyConfig> config;
    private final BridgeStates states;
    private final BooleanSupplier draining;
    private final IntSupplier sessions;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> lastReachable = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("halley-probe").daemon().factory());

    Readiness(Supplier<HalleyConfig> config, BridgeStates states, BooleanSupplier draining, IntSupplier sessions) {
        this.config = config;
        this.states = states;
        this.draining = draining;
        this.sessions = sessions;
    }

    /** Probes at once, then every {@code server.probe-interval}. */
    void start() {
        timer.execute(this::probeAll);
        long every = config.get().server().probeInterval().toMillis();
        timer.scheduleWithFixedDelay(this::probeAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Now, from memory. Any thread. */
    Status status() {
        HalleyConfig c = config.get();
        StringBuilder lines = new StringBuilder();
        boolean any = false;
        long now = System.currentTimeMillis();
        for (BridgeConfig b : c.bridges()) {
            long connected = states.network(b.name()).count(BridgeStates.State.CONNECTED);
            Probe p = probes.get(b.name());
            boolean reachable;
            lines.append(b.name()).append(": ");
            if (connected > 0) {
                reachable = true;
                lines.append("reachable (").append(connected).append(" connected)");
            } else if (p == null) {
                reachable = false;
                lines.append("not probed yet");
            } else {
                reachable = p.ok();
                lines.append(p.ok() ? "reachable" : "unreachable").append(" (").append(p.detail()).append(", probed ")
                        .append(Math.max(0, (now - p.atMillis()) / 1000)).append("s ago)");
            }
            lines.append('\n');
            any |= reachable;
        }
        if (draining.getAsBoolean()) {
            return new Status(false, "not ready: draining (this node is shutting down)\n" + lines);
        }
        int open = sessions.getAsInt();
        int max = c.limits().maxSessions();
        if (open >= max) {
            return new Status(false, "not ready: full (" + open + " of limits.max-sessions " + max + ")\n" + lines);
        }
        if (!any) {
            return new Status(false, "not ready: no network reachable\n" + lines);
        }
        return new Status(true, "ready\n" + lines);
    }

    /** Whether {@code network} is reachable now (for metrics). */
    boolean reachable(String network) {
        if (states.network(network).count(BridgeStates.State.CONNECTED) > 0) {
            return true;
        }
        Probe p = probes.get(network);
        return p != null && p.ok();
    }

    private void probeAll() {
        HalleyConfig c = config.get();
        Duration interval = c.server().probeInterval();
        int timeout = (int) Math.min(interval.toMillis(), 5_000);
        probes.keySet().retainAll(c.bridges().stream().map(BridgeConfig::name).toList());
        for (BridgeConfig b : c.bridges()) {
            if (states.network(b.name()).count(BridgeStates.State.CONNECTED) > 0) {
                continue; // people are connected: no need to knock
            }
            Thread.ofVirtual().name("halley-probe-" + b.name()).start(() -> probe(b, timeout));
        }
    }

    private void probe(BridgeConfig b, int timeoutMillis) {
        Probe p;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(b.host(), b.port()), timeoutMillis);
            p = new Probe(true, "TCP connect to " + b.host() + ":" + b.port() + " worked", System.currentTimeMillis());
        } catch (IOException | IllegalArgumentException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            p = new Probe(false, "TCP connect to " + b.host() + ":" + b.port() + " failed: " + why, System.currentTimeMillis());
        }
        probes.put(b.name(), p);
        Boolean before = lastReachable.put(b.name(), p.ok());
        if (before == null ? !p.ok() : before != p.ok()) {
            if (p.ok()) {
                log.info("network {} reachable again ({})", b.name(), p.detail());
            } else {
                log.warn("network {} unreachable: {}", b.name(), p.detail());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package org.halley.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.halley.bridges.Bridge;
import org.halley.bridges.irc.IrcBridge;
import org.halley.push.PushCounters;
import org.halley.push.PushServer;
import org.halley.push.ShardStats;
import org.halley.push.api.ApiCallCounter;

/**
 * Halley's figures in the Prometheus text format ({@code /metrics}). Nothing here counts on the hot
 * path: a scrape reads what the push core, the gateway and the bridges already count (the shards'
 * single-writer counts summed, {@code LongAdder}s, atomics) and builds the snapshot then. Every
 * metric is described in docs/operations.md.
 *
 * <p>A scrape runs on the {@code halley-ops} thread, never on an event loop: some JVM figures
 * cost a little (memory pools, /proc). Thread figures come from counts the JVM keeps, not from a
 * thread dump (the usual {@code jvm_threads_state} needs a safepoint, which would pause the shard
 * loops, and a node holds thousands of threads).
 */
final class HalleyMetrics {
    /** Why sessions end, as counted; anything else is {@code other}. */
    static final List<String> END_REASONS = List.of("expired", "client-closed", "going-away", "shutdown", "closed",
            "closed-by-application", "closed-by-operator", "other");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gateway gateway;
    private final Map<String, LongAdder> ended = new ConcurrentHashMap<>();
    /** Resumes past the buffer that made a session's networks say again where they stand. */
    final LongAdder refreshesDone = new LongAdder();
    /** Resumes past the buffer folded into a refresh done or due (at most one per interval per session). */
    final LongAdder refreshesCoalesced = new LongAdder();
    final LongAdder reloadsOk = new LongAdder();
    final LongAdder reloadsFailed = new LongAdder();
    volatile long configLoadedMillis = System.currentTimeMillis();

    HalleyMetrics(Gateway gateway) {
        this.gateway = gateway;
        END_REASONS.forEach(r -> ended.put(r, new LongAdder()));
        JvmMemoryMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        registry.register((MultiCollector) this::collect);
    }

    /** A session ended with {@code reason} (on a shard loop: one add, no lock). */
    void ended(String reason) {
        LongAdder a = ended.get(reason);
        (a != null ? a : ended.get("other")).increment();
    }

    /** The whole exposition, in the Prometheus text format 0.0.4. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    private MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        PushServer push = gateway.push();
        PushCounters.Snapshot c = push.counters().snapshot();
        ShardStats.Snapshot s = push.stats();

        out.add(gauge("halley_info", "This Halley: version and node name (always 1).",
                point(1, "version", Gateway.version(), "node", gateway.config().cluster().node())));
        out.add(gauge("halley_ready", "1 while /readyz answers ready.", point(gateway.readiness().ready() ? 1 : 0)));
        out.add(gauge("halley_draining", "1 from SIGTERM until the process exits.", point(gateway.draining() ? 1 : 0)));

        // Sessions and connections
        out.add(gauge("halley_sessions", "Browser sessions on this node now.", point(push.sessions())));
        List<GaugeDataPointSnapshot> attached = new ArrayList<>();
        List<CounterDataPointSnapshot> connects = new ArrayList<>();
        List<CounterDataPointSnapshot> disconnects = new ArrayList<>();
        for (int i = 0; i < ShardStats.TRANSPORTS.length; i++) {
            String t = ShardStats.TRANSPORTS[i];
            attached.add(point(s.attached()[i], "transport", t));
            connects.add(count(s.connects()[i], "transport", t));
            disconnects.add(count(s.disconnects()[i], "transport", t));
        }
        out.add(gauge("halley_connections", "Connections carrying a session now, by transport.", attached));
        out.add(counter("halley_connects", "Connections attached to a session, by transport (every long poll counts).", connects));
        out.add(counter("halley_disconnects", "Connections detached from their session, by transport.", disconnects));
        out.add(counter("halley_sessions_created", "Sessions created (by browsers, or prebound through the push API).",
                count(c.sessionsOpened())));
        List<CounterDataPointSnapshot> ends = new ArrayList<>();
        ended.forEach((reason, n) -> ends.add(count(n.sum(), "reason", reason)));
        out.add(counter("halley_sessions_ended", "Sessions ended, by reason.", ends));
        out.add(counter("halley_resumes", "Connections that continued a session after a lost one, without a gap.", count(s.resumes())));
        out.add(counter("halley_resets", "Connections told reset: they had missed events older than the buffer.", count(c.resets())));
        out.add(counter("halley_refreshes", "Resumes past the buffer, by what the gateway did: done (the session's networks said "
                + "again where they stand) or coalesced (folded into a refresh done or due; at most one per "
                + UserSession.REFRESH_INTERVAL.toSeconds() + " s per session).",
                List.of(count(refreshesDone.sum(), "result", "done"), count(refreshesCoalesced.sum(), "result", "coalesced"))));
        out.add(counter("halley_slow_consumer_cuts", "Connections cut for taking nothing for slow-consumer-timeout.",
                count(c.slowConsumerCuts())));
        out.add(counter("halley_overrun_cuts", "Connections cut because the buffer dropped events they had not been sent.",
                count(c.overrunCuts())));
        out.add(counter("halley_going_away", "Sessions ended by a drain, their browsers told to reconnect elsewhere.",
                count(s.goneAway())));
        out.add(counter("halley_rejected_too_large", "Browser messages refused for their size (WebSocket 1009, HTTP 413).",
                count(c.rejectedTooLarge())));
        out.add(counter("halley_forbidden", "Requests for an unknown session or with a wrong token (403, 4403).", count(c.forbidden())));
        out.add(counter("halley_misdirected", "Requests for another node's session or user (421, 4421).", count(c.misdirected())));

        // Events and bytes
        out.add(counter("halley_events_published", "Events queued for browser sessions (from networks and the push API).",
                count(c.eventsPublished())));
        out.add(counter("halley_events_out", "Events written to browser connections (a replay after a resume counts again).",
                count(s.eventsOut())));
        out.add(counter("halley_event_bytes_out", "Bytes of those events' envelopes, before the transport's framing.",
                count(s.bytesOut())));
        out.add(counter("halley_messages_in", "Messages from browsers handled (each once, however often resent).",
                count(s.messagesIn())));
        out.add(counter("halley_message_bytes_in", "Bytes of the WebSocket frames and POST bodies that carried them.",
                count(s.bytesIn())));
        out.add(latency(s));

        // Push API
        List<CounterDataPointSnapshot> api = new ArrayList<>();
        for (Map.Entry<ApiCallCounter.Key, Long> e : push.apiCalls().entrySet()) {
            api.add(count(e.getValue(), "operation", e.getKey().operation(), "code", String.valueOf(e.getKey().status())));
        }
        out.add(counter("halley_push_api_requests", "Push-API requests, by operation and HTTP status.", api));

        // Shards
        int[] pending = push.pendingTasks();
        List<GaugeDataPointSnapshot> tasks = new ArrayList<>();
        for (int i = 0; i < pending.length; i++) {
            tasks.add(point(pending[i], "shard", String.valueOf(i)));
        }
        out.add(gauge("halley_shard_pending_tasks", "Tasks waiting on each shard's event loop (a loop falling behind shows here).",
                tasks));

        // Networks
        bridges(out);

        // Config, admin
        out.add(counter("halley_config_reloads", "Config reloads, by result (a failed one changed nothing).",
                List.of(count(reloadsOk.sum(), "result", "ok"), count(reloadsFailed.sum(), "result", "failed"))));
        out.add(gauge("halley_config_loaded_timestamp_seconds", "When the config in force was loaded (Unix time).",
                point(configLoadedMillis / 1000.0)));

        // Netty and JVM figures the standard collectors do not give
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        if (alloc instanceof ByteBufAllocatorMetricProvider p) {
            ByteBufAllocatorMetric m = p.metric();
            out.add(gauge("halley_netty_allocator_used_bytes", "Memory Netty's default allocator holds, heap and direct.",
                    List.of(point(m.usedHeapMemory(), "memory", "heap"), point(m.usedDirectMemory(), "memory", "direct"))));
        }
        long direct = PlatformDependent.usedDirectMemory();
        if (direct >= 0) {
            out.add(gauge("halley_netty_direct_memory_used_bytes", "Direct memory Netty has allocated itself (without a Cleaner).",
                    point(direct)));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.add(gauge("jvm_threads_current", "Platform threads alive now (virtual threads are not counted).",
                point(threads.getThreadCount())));
        out.add(gauge("jvm_threads_daemon", "Daemon platform threads alive now.", point(threads.getDaemonThreadCount())));
        out.add(gauge("jvm_threads_peak", "Most platform threads alive at once since start.", point(threads.getPeakThreadCount())));
        return new MetricSnapshots(out);
    }

    private void bridges(List<MetricSnapshot> out) {
        List<GaugeDataPointSnapshot> conns = new ArrayList<>();
        List<GaugeDataPointSnapshot> reachable = new ArrayList<>();
        List<CounterDataPointSnapshot> events = new ArrayList<>();
        List<CounterDataPointSnapshot> connected = new ArrayList<>();
        List<CounterDataPointSnapshot> lost = new ArrayList<>();
        List<CounterDataPointSnapshot> throttles = new ArrayList<>();
        List<CounterDataPointSnapshot> bans = new ArrayList<>();
        List<GaugeDataPointSnapshot> queued = new ArrayList<>();
        List<CounterDataPointSnapshot> admitted = new ArrayList<>();
        List<GaugeDataPointSnapshot> interval = new ArrayList<>();
        for (Map.Entry<String, Bridge> e : gateway.bridges().entrySet()) {
            String name = e.getKey();
            String kind = e.getValue() instanceof IrcBridge ? "irc" : "xmpp";
            BridgeStates.Network n = gateway.states().network(name);
            for (BridgeStates.State st : BridgeStates.COUNTED) {
                conns.add(point(n.count(st), "network", name, "kind", kind, "state", st.label()));
            }
            reachable.add(point(gateway.reachable(name) ? 1 : 0, "network", name));
            events.add(count(n.events.sum(), "network", name));
            connected.add(count(n.connectedTotal.sum(), "network", name));
            lost.add(count(n.lostTotal.sum(), "network", name));
            if (e.getValue() instanceof IrcBridge irc) {
                IrcBridge.Stats st = irc.stats();
                throttles.add(count(st.throttles(), "network", name));
                bans.add(count(st.bans(), "network", name));
                queued.add(point(st.queued(), "network", name));
                admitted.add(count(st.admitted(), "network", name));
                interval.add(point(st.connectInterval().toNanos() / 1e9, "network", name));
            } else {
                throttles.add(count(n.rateLimited.sum(), "network", name));
            }
        }
        out.add(gauge("halley_bridge_connections", "People's connections to each network now, by state.", conns));
        out.add(gauge("halley_network_reachable", "1 while the network counts as reachable for /readyz.", reachable));
        out.add(counter("halley_bridge_events", "Events from each network to browsers.", events));
        out.add(counter("halley_bridge_connected", "Connections that reached the network (logged in), reconnections included.",
                connected));
        out.add(counter("halley_bridge_lost", "Connected connections lost (Halley reconnects them).", lost));
        out.add(counter("halley_upstream_throttles", "Times a network throttled Halley (IRC: a throttle error on connect; "
                + "XMPP: a rate-limit error).", throttles));
        out.add(counter("halley_upstream_bans", "Times an IRC network banned or refused a connection for its address.", bans));
        out.add(gauge("halley_irc_admission_queue", "People waiting in each IRC network's admission queue.", queued));
        out.add(counter("halley_irc_admitted", "Connection attempts each IRC network's admission queue has started.", admitted));
        out.add(gauge("halley_irc_connect_interval_seconds", "Each IRC network's admission interval now (longer after throttles).",
                interval));
    }

    private static HistogramSnapshot latency(ShardStats.Snapshot s) {
        long[] bounds = ShardStats.LATENCY_BOUNDS_NANOS;
        double[] upper = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            upper[i] = bounds[i] / 1e9;
        }
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder()
                .name("halley_network_to_browser_latency_seconds")
                .help("From a network's event reaching the gateway to its write on the browser's connection.")
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, s.latencyBuckets()))
                        .sum(s.latencySumNanos() / 1e9)
                        .build())
                .build();
    }

    private static GaugeSnapshot gauge(String name, String help, GaugeDataPointSnapshot p) {
        return gauge(name, help, List.of(p));
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, CounterDataPointSnapshot p) {
        return counter(name, help, List.of(p));
    }

    private static CounterSnapshot counter(String name, String help, List<CounterDataPointSnapshot> points) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }

    private static CounterDataPointSnapshot count(double value, String... labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }
}

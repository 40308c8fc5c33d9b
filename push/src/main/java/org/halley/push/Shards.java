package org.halley.push;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.halley.cluster.Owners;
import org.halley.config.LimitsConfig;
import org.halley.push.wire.Envelopes;
import org.jspecify.annotations.Nullable;

/**
 * All shards, and the admission counts that span them (sessions in all, and per client). The
 * counts are only touched when a session is created or ends, never on the delivery path.
 */
public final class Shards {
    private final Shard[] shards;
    private final PushListener listener;
    private volatile LimitsConfig limits; // swapped whole by a config reload
    private volatile boolean draining;
    private final Duration heartbeat;
    private final String node;
    /** Replaced whole by a config reload (a node added); read by any thread. */
    private volatile List<String> nodes;
    private final PushCounters counters = new PushCounters();
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();

    /**
     * Shards over the loops of {@code group} (one shard per loop). {@link PushServer} makes its own;
     * this is for embedding the core in another server, and for tests ({@code EmbeddedChannel}'s
     * loop is a group of one).
     */
    public static Shards of(EventLoopGroup group, PushListener listener, LimitsConfig limits, Duration heartbeat, String node) {
        return new Shards(group, listener, limits, heartbeat, node, List.of(node));
    }

    Shards(EventLoopGroup group, PushListener listener, LimitsConfig limits, Duration heartbeat, String node, List<String> nodes) {
        List<Shard> list = new ArrayList<>();
        for (EventExecutor e : group) {
            list.add(new Shard(list.size(), (EventLoop) e, this));
        }
        this.shards = list.toArray(new Shard[0]);
        this.listener = listener;
        this.limits = limits;
        this.heartbeat = heartbeat;
        this.node = node;
        this.nodes = List.copyOf(nodes);
        if (!this.nodes.contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not in the cluster's nodes " + nodes);
        }
    }

    /** The shard that owns session {@code id}: a hash of the id, so every request finds it. */
    public Shard shardFor(String id) {
        return shards[Math.floorMod(id.hashCode(), shards.length)];
    }

    public int count() {
        return shards.length;
    }

    public Shard get(int i) {
        return shards[i];
    }

    /** This node's name: the prefix of every session id it creates. */
    public String node() {
        return node;
    }

    /** Every node of the cluster, in the configured order (just this one when alone). */
    public List<String> nodes() {
        return nodes;
    }

    /** A new node list (a reload added or removed a node); this node must be in it. Any thread. */
    void nodes(List<String> nodes) {
        List<String> copy = List.copyOf(nodes);
        if (!copy.contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not in the cluster's nodes " + nodes);
        }
        this.nodes = copy;
    }

    /** The node that owns {@code user} ({@link Owners#nodeOfUser}): only it prebinds and pushes to the user. */
    public String ownerOfUser(String user) {
        return nodes.size() == 1 ? node : Owners.nodeOfUser(user, nodes);
    }

    PushListener listener() {
        return listener;
    }

    LimitsConfig limits() {
        return limits;
    }

    /**
     * Takes new limits (a config reload). Admission uses them at once; the resume buffer sizes
     * apply to sessions created from now on, {@code linger} to each session's next linger. Any
     * thread.
     */
    public void limits(LimitsConfig limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    /** From now on new sessions are refused ({@code draining}, 503). Any thread; not undone. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Ends every session because this server is going away ({@link Session#goAway0}): each browser
     * is told to reconnect, and lands on another node. Any thread; completes with the number of
     * sessions ended, once every shard has done its part.
     */
    public CompletableFuture<Integer> goAway() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(shards.length);
        AtomicInteger ended = new AtomicInteger();
        for (Shard shard : shards) {
            shard.execute(() -> {
                try {
                    shard.forEach0(s -> {
                        s.goAway0();
                        ended.incrementAndGet();
                    });
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        done.complete(ended.get());
                    }
                }
            });
        }
        return done;
    }

    /**
     * Every session as an operator sees it, each taken on its own shard. Any thread; a shard that
     * has stopped leaves the future incomplete, so callers wait with a timeout.
     */
    public CompletableFuture<List<SessionSummary>> summaries() {
        CompletableFuture<List<SessionSummary>> done = new CompletableFuture<>();
        ConcurrentLinkedQueue<SessionSummary> out = new ConcurrentLinkedQueue<>();
        AtomicInteger pending = new AtomicInteger(shards.length);
        for (Shard shard : shards) {
            shard.execute(() -> {
                shard.forEach0(s -> out.add(s.summary0()));
                if (pending.decrementAndGet() == 0) {
                    done.complete(List.copyOf(out));
                }
            });
        }
        return done;
    }

    /** The shards' own counts, summed (events and bytes out, latency, connections by transport). Any thread. */
    public ShardStats.Snapshot stats() {
        List<ShardStats> all = new ArrayList<>(shards.length);
        for (Shard s : shards) {
            all.add(s.stats());
        }
        return ShardStats.sum(all);
    }

    public PushCounters counters() {
        return counters;
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    /** Why a new session for {@code clientKey} is refused, or null when it may be created. */
    public @Nullable String admit(String clientKey) {
        if (draining) {
            return "draining";
        }
        LimitsConfig limits = this.limits;
        if (total.incrementAndGet() > limits.maxSessions()) {
            total.decrementAndGet();
            return "server-full";
        }
        AtomicInteger mine = perClient.computeIfAbsent(clientKey, k -> new AtomicInteger());
        if (mine.incrementAndGet() > limits.sessionsPerIp()) {
            mine.decrementAndGet();
            total.decrementAndGet();
            return "too-many-sessions";
        }
        return null;
    }

    /** Creates a session for an admitted client. Any thread; the shard registers it. */
    public Session create(ClientInfo client, String clientKey) {
        return create(client, clientKey, null);
    }

    /**
     * Creates a session for an admitted client, bound to {@code user} when not null (prebind). Any
     * thread; the shard registers it, before any request naming it can reach the shard.
     */
    public Session create(ClientInfo client, String clientKey, @Nullable String user) {
        String id = SessionIds.newId(node);
        Shard shard = shardFor(id);
        LimitsConfig limits = this.limits;
        Session s = new Session(shard, id, SessionIds.newToken(), client, clientKey, user,
                new EventBuffer(limits.sessionBufferEvents(), limits.sessionBufferBytes()));
        shard.execute(() -> shard.add0(s));
        return s;
    }

    /**
     * Queues {@code json} for session {@code id}. Any thread. Completes (on the shard's loop) with
     * the event's sequence number, or -1 when there is no such session.
     */
    public CompletableFuture<Long> publish(String id, String json) {
        byte[] safe = Envelopes.safeJson(json);
        Shard shard = shardFor(id);
        CompletableFuture<Long> done = new CompletableFuture<>();
        shard.execute(() -> {
            Session s = shard.get0(id);
            done.complete(s == null ? -1L : s.publish0(safe));
        });
        return done;
    }

    /**
     * Queues {@code event} for each of {@code sessions} (a room, a broadcast) with one task per
     * shard rather than one per session. Any thread; never blocks.
     */
    public void send(Iterable<? extends PushSession> sessions, PushEvent event) {
        java.util.Map<Shard, List<Session>> byShard = new java.util.HashMap<>();
        for (PushSession p : sessions) {
            Session s = (Session) p;
            byShard.computeIfAbsent(s.shard(), k -> new ArrayList<>()).add(s);
        }
        byShard.forEach((shard, list) -> shard.execute(() -> {
            for (Session s : list) {
                s.publish0(event.safeJson);
            }
        }));
    }

    /** One event queued for one session: its sequence number there. */
    public record Delivery(String session, long seq) {}

    /**
     * Queues {@code json} for every session bound to {@code user} on this node. Any thread. Each
     * shard indexes its own sessions by user, so this asks every shard; completes with one {@link
     * Delivery} per session (empty when the user has none).
     */
    public CompletableFuture<List<Delivery>> publishToUser(String user, String json) {
        byte[] safe = Envelopes.safeJson(json);
        CompletableFuture<List<Delivery>> done = new CompletableFuture<>();
        ConcurrentLinkedQueue<Delivery> out = new ConcurrentLinkedQueue<>();
        AtomicInteger pending = new AtomicInteger(shards.length);
        for (Shard shard : shards) {
            shard.execute(() -> {
                for (Session s : shard.ofUser0(user)) {
                    long seq = s.publish0(safe);
                    if (seq > 0) {
                        out.add(new Delivery(s.id(), seq));
                    }
                }
                if (pending.decrementAndGet() == 0) {
                    done.complete(List.copyOf(out));
                }
            });
        }
        return done;
    }

    /** Ends session {@code id}. Any thread. Completes with whether there was such a session. */
    public CompletableFuture<Boolean> close(String id, String reason) {
        Shard shard = shardFor(id);
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        shard.execute(() -> {
            Session s = shard.get0(id);
            if (s != null) {
                s.close0(reason);
            }
            done.complete(s != null);
        });
        return done;
    }

    void released(Session s) {
        total.decrementAndGet();
        perClient.computeIfPresent(s.clientKey(), (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    public int sessions() {
        return total.get();
    }
}

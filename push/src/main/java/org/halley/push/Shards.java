package org.halley.push;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.halley.config.LimitsConfig;

/**
 * All shards, and the admission counts that span them (sessions in all, and per client). The
 * counts are only touched when a session is created or ends, never on the delivery path.
 */
public final class Shards {
    private final Shard[] shards;
    private final PushListener listener;
    private final LimitsConfig limits;
    private final Duration heartbeat;
    private final String node;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> clientOf = new ConcurrentHashMap<>();

    Shards(EventLoopGroup group, PushListener listener, LimitsConfig limits, Duration heartbeat, String node) {
        List<Shard> list = new ArrayList<>();
        for (EventExecutor e : group) {
            list.add(new Shard(list.size(), (EventLoop) e, this));
        }
        this.shards = list.toArray(new Shard[0]);
        this.listener = listener;
        this.limits = limits;
        this.heartbeat = heartbeat;
        this.node = node;
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

    PushListener listener() {
        return listener;
    }

    LimitsConfig limits() {
        return limits;
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    /** Why a new session for {@code clientKey} is refused, or null when it may be created. */
    public String admit(String clientKey) {
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
        String id = SessionIds.newId(node);
        Shard shard = shardFor(id);
        Session s = new Session(shard, id, SessionIds.newToken(), client,
                new EventBuffer(limits.sessionBufferEvents(), limits.sessionBufferBytes()));
        clientOf.put(id, clientKey);
        shard.execute(() -> shard.add0(s));
        return s;
    }

    void released(Session s) {
        total.decrementAndGet();
        String key = clientOf.remove(s.id());
        if (key != null) {
            perClient.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    public int sessions() {
        return total.get();
    }
}

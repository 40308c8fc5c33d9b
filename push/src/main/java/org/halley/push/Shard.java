package org.halley.push;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop and the sessions hashed to it. The loop alone touches them: other threads hand
 * work over with {@link #execute}, and a connection for one of its sessions is first moved onto
 * the loop ({@link #adopt}), so a session and its connection share one thread and no lock.
 *
 * <p>Methods ending in 0 run only on {@link #loop()}.
 */
public final class Shard {
    private static final Logger log = LoggerFactory.getLogger(Shard.class);

    private final int index;
    private final EventLoop loop;
    private final Shards shards;
    private final Map<String, Session> sessions = new HashMap<>(); // owned by loop
    private final Map<String, List<Session>> byUser = new HashMap<>(); // prebound sessions; owned by loop
    /** Sessions a drain sent away (id to token), so a late request is told to move, not that it was lost; owned by loop. */
    private final Map<String, String> wentAway = new HashMap<>();
    private final ShardStats stats = new ShardStats(); // written by loop, read by anyone

    Shard(int index, EventLoop loop, Shards shards) {
        this.index = index;
        this.loop = loop;
        this.shards = shards;
    }

    public int index() {
        return index;
    }

    public EventLoop loop() {
        return loop;
    }

    public boolean inLoop() {
        return loop.inEventLoop();
    }

    /**
     * Runs {@code task} on this shard's loop (now, if already there). Any thread. After the server
     * has stopped the task is dropped: there is no session left to run it for.
     */
    public void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("shard {} stopped; dropping a task", index);
        }
    }

    /**
     * Moves {@code channel} onto this shard's loop, then runs {@code then} there. Called on the
     * channel's current loop. Reading pauses during the move so no message is handled on the
     * wrong thread.
     */
    public void adopt(Channel channel, Runnable then) {
        if (channel.eventLoop() == loop) {
            then.run();
            return;
        }
        boolean autoRead = channel.config().isAutoRead();
        channel.config().setAutoRead(false);
        channel.deregister().addListener(d -> {
            if (!d.isSuccess()) {
                channel.close();
                return;
            }
            loop.register(channel).addListener(r -> {
                if (!r.isSuccess()) {
                    log.debug("could not move a connection to shard {}", index, r.cause());
                    channel.close();
                    return;
                }
                channel.config().setAutoRead(autoRead);
                then.run();
            });
        });
    }

    PushListener listener() {
        return shards.listener();
    }

    PushCounters counters() {
        return shards.counters();
    }

    /** This shard's own counts (written by its loop only). */
    public ShardStats stats() {
        return stats;
    }

    Duration linger() {
        return shards.limits().linger();
    }

    public Duration heartbeat() {
        return shards.heartbeat();
    }

    /** Registers a new session and tells the application. */
    void add0(Session s) {
        assert inLoop();
        sessions.put(s.id(), s);
        s.user().ifPresent(u -> byUser.computeIfAbsent(u, k -> new ArrayList<>(1)).add(s));
        counters().sessionsOpened.increment();
        try {
            listener().opened(s);
        } catch (RuntimeException e) {
            log.warn("application failed to open {}", s, e);
        }
        s.startLinger0(); // until a transport connects
    }

    /** The session with this id, if its token matches; null otherwise (the caller says 403). */
    public @Nullable Session find0(String id, String token) {
        assert inLoop();
        Session s = sessions.get(id);
        if (s == null || !SessionIds.tokenMatches(s.token(), token)) {
            return null;
        }
        return s;
    }

    /**
     * Whether a drain sent this session away (and the token is its own): its client missed the
     * {@code going-away} (it was between two polls, or reconnecting) and is told now (410, 4410).
     * Kept until the process exits, which a drain ends with.
     */
    public boolean wentAway0(String id, String token) {
        assert inLoop();
        String t = wentAway.get(id);
        return t != null && SessionIds.tokenMatches(t, token);
    }

    void rememberWentAway0(Session s) {
        assert inLoop();
        wentAway.put(s.id(), s.token());
    }

    /** The session with this id, for the application (no token). */
    @Nullable Session get0(String id) {
        assert inLoop();
        return sessions.get(id);
    }

    /** This shard's sessions bound to {@code user}; empty when none. */
    List<Session> ofUser0(String user) {
        assert inLoop();
        List<Session> list = byUser.get(user);
        return list == null ? List.of() : List.copyOf(list);
    }

    void remove0(Session s, String reason) {
        assert inLoop();
        if (sessions.remove(s.id(), s)) {
            s.user().ifPresent(u -> {
                List<Session> list = byUser.get(u);
                if (list != null && list.remove(s) && list.isEmpty()) {
                    byUser.remove(u);
                }
            });
            counters().sessionsClosed.increment();
            shards.released(s);
            try {
                listener().closed(s, reason);
            } catch (RuntimeException e) {
                log.warn("application failed on close of {}", s, e);
            }
        }
    }

    /** Applies {@code action} to every session of this shard. */
    void forEach0(Consumer<Session> action) {
        assert inLoop();
        for (Session s : sessions.values().toArray(new Session[0])) {
            action.accept(s);
        }
    }

    int size0() {
        return sessions.size();
    }
}

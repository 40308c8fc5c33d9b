package org.halley.gateway;

import com.google.common.util.concurrent.MoreExecutors;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.halley.bridges.Bridge;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.push.PushSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One person: their browser session and their connections, one per network. What the browser
 * sends is handled in order on a sequential executor of virtual threads (never on the push
 * core's loop); what the networks say is encoded on the bridge's thread and handed to the push
 * session, which hands it to its shard.
 */
final class UserSession {
    private static final Logger log = LoggerFactory.getLogger(UserSession.class);

    private final PushSession push;
    private final Gateway gateway;
    private final Login.ClientAddress client;
    private final Executor ops;
    private final Map<String, BridgeConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<BridgeStates.State>> states = new ConcurrentHashMap<>();
    private final Map<String, String> nicks = new ConcurrentHashMap<>(); // for operators: the nick on each network
    /** Networks whose connection ended while the session went on (the person quit, a ban). */
    private final java.util.Set<String> left = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;
    /** At most one refresh per this interval per session (see {@link #refresh}). */
    static final java.time.Duration REFRESH_INTERVAL = java.time.Duration.ofSeconds(3);
    // On the ops lane only:
    private boolean refreshed;
    private long lastRefresh;
    private boolean refreshDue;

    UserSession(PushSession push, Gateway gateway, Login.ClientAddress client, ExecutorService threads) {
        this.push = push;
        this.gateway = gateway;
        this.client = client;
        this.ops = MoreExecutors.newSequentialExecutor(threads);
    }

    PushSession push() {
        return push;
    }

    /** One of this person's connections, as an operator sees it. */
    record NetworkView(String state, String nick) {}

    /** The networks this person has a connection to: each connection's state and nick. */
    Map<String, NetworkView> networks() {
        Map<String, NetworkView> out = new java.util.TreeMap<>();
        connections.keySet().forEach(n -> {
            AtomicReference<BridgeStates.State> st = states.get(n);
            BridgeStates.State s = st == null ? null : st.get();
            out.put(n, new NetworkView(s == null ? "new" : s.label(), nicks.getOrDefault(n, "")));
        });
        return out;
    }

    /** From the push core's loop: queue and return. */
    void received(String json) {
        ops.execute(() -> handle(json));
    }

    /**
     * From the push core's loop: the browser session is over; leave every network (for a drain,
     * with the drain's QUIT message).
     */
    void ended(String reason) {
        ended = true;
        boolean drain = reason.equals(org.halley.push.Session.GOING_AWAY);
        ops.execute(() -> {
            connections.forEach((network, c) -> {
                c.close(drain ? gateway.config().server().drain().quitMessage() : gateway.quitMessage(network));
                AtomicReference<BridgeStates.State> st = states.get(network);
                if (st != null) {
                    gateway.states().gone(network, st);
                }
            });
            connections.clear();
        });
    }

    /**
     * From the push core's loop: the browser resumed without the events its buffer no longer holds
     * (it was told {@code reset}); every connection says again where it stands. A network this
     * person was connected to and is no more is said to be disconnected, so a reloaded page does
     * not wait for it.
     *
     * <p>A refresh costs the networks something (IRC: a NAMES per channel), and a browser decides
     * how often it resumes with a stale {@code last}. So a session refreshes at most once per
     * {@link #REFRESH_INTERVAL}: the first at once, any asked for within the interval after it
     * folded into one at the interval's end (the newest page gets the picture, a little later).
     */
    void refresh() {
        ops.execute(() -> {
            if (ended) {
                return;
            }
            long now = System.nanoTime();
            if (refreshDue) {
                gateway.metrics().refreshesCoalesced.increment();
                return;
            }
            long wait = lastRefresh + REFRESH_INTERVAL.toNanos() - now;
            if (refreshed && wait > 0) {
                refreshDue = true;
                gateway.metrics().refreshesCoalesced.increment();
                java.util.concurrent.CompletableFuture.delayedExecutor(wait, java.util.concurrent.TimeUnit.NANOSECONDS, ops)
                        .execute(this::refreshNow);
                return;
            }
            refreshNow();
        });
    }

    /** On the ops lane. */
    private void refreshNow() {
        refreshDue = false;
        refreshed = true;
        lastRefresh = System.nanoTime();
        if (ended) {
            return;
        }
        gateway.metrics().refreshesDone.increment();
        log.debug("session {} resumed past its buffer: refreshing {} networks", push.id(), connections.size());
        for (String network : left) {
            if (!connections.containsKey(network)) {
                push.send(EventJson.encode(network, new ChatEvent.Disconnected(java.time.Instant.now(), "quit", "", 0)));
            }
        }
        connections.values().forEach(BridgeConnection::refresh);
    }

    private void handle(String json) {
        if (ended) {
            return;
        }
        ClientOp op;
        try {
            op = ClientOp.parse(json);
        } catch (CommandRejectedException e) {
            push.send(EventJson.problem("", e.code(), e.field(), e.reason()));
            return;
        }
        switch (op) {
            case ClientOp.Connect c -> {
                log.debug("session {}: connect to {}", push.id(), c.network());
                connect(c);
            }
            case ClientOp.Command c -> {
                log.debug("session {}: {} on {}", push.id(), c.command().getClass().getSimpleName(), c.network()); // never its fields
                BridgeConnection conn = connections.get(c.network());
                if (conn == null) {
                    push.send(gateway.bridges().containsKey(c.network())
                            ? EventJson.problem(c.network(), "not-connected", "network", "not connected to " + c.network())
                            : unknownNetwork(c.network()));
                    return;
                }
                try {
                    conn.send(c.command());
                } catch (CommandRejectedException e) {
                    push.send(EventJson.problem(c.network(), e.code(), e.field(), e.reason()));
                }
            }
        }
    }

    /** The same answer to every op that names a network this gateway does not bridge. */
    private String unknownNetwork(String network) {
        return EventJson.problem(network, "unknown-network", "network",
                "no network called '" + network + "' (choose one of " + List.copyOf(gateway.bridges().keySet()) + ")");
    }

    private void connect(ClientOp.Connect c) {
        Map<String, Bridge> bridges = gateway.bridges();
        Bridge bridge = bridges.get(c.network());
        if (bridge == null) {
            push.send(unknownNetwork(c.network()));
            return;
        }
        if (connections.containsKey(c.network())) {
            push.send(EventJson.problem(c.network(), "already-connected", "network", "already connected to " + c.network()));
            return;
        }
        Login login = new Login(c.nick(), c.account(), c.password(), c.channels(), client);
        String network = c.network();
        BridgeConnection[] self = new BridgeConnection[1];
        AtomicReference<BridgeStates.State> state = BridgeStates.newConnection();
        try {
            self[0] = bridge.connect(login, event -> onEvent(network, self, state, event));
            states.put(network, state);
            connections.put(network, self[0]);
            left.remove(network);
            if (ended) {
                self[0].close(gateway.quitMessage(network));
                gateway.states().gone(network, state);
            }
        } catch (CommandRejectedException e) {
            push.send(EventJson.problem(network, e.code(), e.field(), e.reason()));
        }
    }

    /** On the bridge's thread: encode and hand over; the arrival time goes along for the latency figure. */
    private void onEvent(String network, BridgeConnection[] conn, AtomicReference<BridgeStates.State> state, ChatEvent event) {
        long arrived = System.nanoTime();
        push.send(EventJson.encode(network, event), arrived);
        BridgeStates.State before = state.get();
        gateway.states().on(network, state, event);
        boolean moved = state.get() != before; // not a refresh saying again what is known
        switch (event) {
            case ChatEvent.Connected c -> {
                nicks.put(network, c.nick());
                if (moved) {
                    log.info("session {} connected to {}", push.id(), network);
                }
            }
            case ChatEvent.NickChanged n when n.self() && n.channel().isEmpty() -> nicks.put(network, n.newNick());
            case ChatEvent.Disconnected d -> {
                if (d.retryInMillis() > 0) {
                    if (!moved) {
                        return;
                    }
                    log.info("session {} lost {} ({}); reconnecting in {} ms", push.id(), network, d.code(), d.retryInMillis());
                } else { // the reason may be the person's own quit message: not logged
                    log.info("session {} left {}", push.id(), network);
                    if (conn[0] != null && connections.remove(network, conn[0])) {
                        left.add(network);
                    }
                }
            }
            default -> { }
        }
    }
}

package org.halley.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.halley.bridges.ChatEvent;

/**
 * What the people's connections to each network are doing, as their events tell it: how many are
 * queued, connecting, connected or waiting to reconnect, how many events they carried, and when
 * one last reached the network. Works the same for every kind of bridge. Thread-safe: each
 * connection moves its own state with a compare-and-set on the bridge's thread, never on a shard
 * loop.
 */
final class BridgeStates {

    /** A person's connection to one network, as counted. */
    enum State {
        /** Waiting in the network's admission queue behind others. */
        QUEUED,
        /** Connecting or logging in now. */
        CONNECTING,
        CONNECTED,
        /** Lost; Halley reconnects by itself after a delay. */
        WAITING,
        /** Ended; no longer counted. */
        GONE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final State[] COUNTED = {State.QUEUED, State.CONNECTING, State.CONNECTED, State.WAITING};

    /** One network's figures. */
    static final class Network {
        private final AtomicLongArray now = new AtomicLongArray(COUNTED.length);
        final LongAdder events = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder connectedTotal = new LongAdder();
        final LongAdder lostTotal = new LongAdder();
        volatile long lastConnectedMillis;

        long count(State s) {
            return now.get(s.ordinal());
        }
    }

    private final Map<String, Network> networks = new ConcurrentHashMap<>();

    Network network(String name) {
        return networks.computeIfAbsent(name, k -> new Network());
    }

    /** Networks seen so far (configured ones are added at start-up and reload). */
    Map<String, Network> all() {
        return networks;
    }

    /** The state of one connection; starts uncounted. */
    static AtomicReference<State> newConnection() {
        return new AtomicReference<>(null);
    }

    /** Moves one connection's state as {@code event} says (other events change nothing but counts). */
    void on(String network, AtomicReference<State> state, ChatEvent event) {
        Network n = network(network);
        n.events.increment();
        switch (event) {
            case ChatEvent.Connecting c -> move(n, state, c.ahead() > 0 ? State.QUEUED : State.CONNECTING);
            case ChatEvent.Connected c -> {
                if (move(n, state, State.CONNECTED)) {
                    n.connectedTotal.increment();
                    n.lastConnectedMillis = System.currentTimeMillis();
                }
            }
            case ChatEvent.Disconnected d -> {
                State before = state.get();
                if (move(n, state, d.retryInMillis() > 0 ? State.WAITING : State.GONE) && before == State.CONNECTED) {
                    n.lostTotal.increment();
                }
            }
            case ChatEvent.Problem p when p.code().equals("rate-limited") -> n.rateLimited.increment();
            default -> { }
        }
    }

    /** The connection was closed by Halley (the session ended): it is no longer counted. */
    void gone(String network, AtomicReference<State> state) {
        move(network(network), state, State.GONE);
    }

    /** True when the state changed; GONE is final. */
    private static boolean move(Network n, AtomicReference<State> state, State to) {
        for (;;) {
            State from = state.get();
            if (from == State.GONE || from == to) {
                return false;
            }
            if (state.compareAndSet(from, to)) {
                if (from != null) {
                    n.now.decrementAndGet(from.ordinal());
                }
                if (to != State.GONE) {
                    n.now.incrementAndGet(to.ordinal());
                }
                return true;
            }
        }
    }
}

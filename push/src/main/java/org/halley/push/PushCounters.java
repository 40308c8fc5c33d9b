package org.halley.push;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the push core has done since it started, for the application and for metrics. Counters
 * only grow; increments are {@link LongAdder}s, so the shard loops never contend on them. Any
 * thread may read a {@link #snapshot()}.
 */
public final class PushCounters {
    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder sessionsClosed = new LongAdder();
    final LongAdder connections = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder eventsPublished = new LongAdder();
    final LongAdder slowConsumerCuts = new LongAdder();
    final LongAdder overrunCuts = new LongAdder();
    final LongAdder rejectedTooLarge = new LongAdder();
    final LongAdder forbidden = new LongAdder();
    final LongAdder misdirected = new LongAdder();

    /**
     * The counts at one moment (each read separately: they need not add up exactly).
     *
     * @param sessionsOpened sessions created (by browsers or prebound by the application)
     * @param sessionsClosed sessions ended, for any reason
     * @param connections transport connections attached to a session (every poll counts)
     * @param resets connections told {@code reset}: their gap was older than the buffer
     * @param eventsPublished events queued for sessions
     * @param slowConsumerCuts connections cut because they took nothing for {@code
     *     slow-consumer-timeout}
     * @param overrunCuts connections cut because the buffer dropped events they had not yet been
     *     sent
     * @param rejectedTooLarge messages refused for their size (WebSocket 1009, HTTP 413)
     * @param forbidden requests refused for an unknown session or a wrong token
     * @param misdirected requests for another node's session or user, answered 421 (from browsers:
     *     their node was down when the load balancer routed them, or the balancer is misconfigured)
     */
    public record Snapshot(long sessionsOpened, long sessionsClosed, long connections, long resets,
            long eventsPublished, long slowConsumerCuts, long overrunCuts, long rejectedTooLarge, long forbidden,
            long misdirected) {}

    public Snapshot snapshot() {
        return new Snapshot(sessionsOpened.sum(), sessionsClosed.sum(), connections.sum(), resets.sum(),
                eventsPublished.sum(), slowConsumerCuts.sum(), overrunCuts.sum(), rejectedTooLarge.sum(), forbidden.sum(),
                misdirected.sum());
    }

    /** A message was too large (any thread). */
    public void tooLarge() {
        rejectedTooLarge.increment();
    }

    /** A request named an unknown session or carried a wrong token (any thread). */
    public void forbidden() {
        forbidden.increment();
    }

    /** A request named another node's session or user (any thread). */
    public void misdirected() {
        misdirected.increment();
    }

    /** A connection was cut as a slow consumer (any thread). */
    public void slowConsumer() {
        slowConsumerCuts.increment();
    }
}

package org.halley.bridges.irc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.halley.config.AdmissionRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ban-safe admission to one network: connection attempts (first ones and reconnects alike) wait
 * in one queue and start at most one per connect interval, so a restarted gateway comes back as a
 * steady trickle instead of a burst that gets it K-lined. Each waiting person is told their place
 * (when it has moved by a tenth, so a long queue does not flood anyone with updates). When the
 * network says it is throttling or banning, the interval doubles (up to {@link #MAX_INTERVAL}, at
 * least {@link #SLOWDOWN_AT_LEAST}); after each quiet minute it halves, back to the configured one.
 *
 * <p>Threads: any thread may enqueue or remove; attempts start on the bridge's timer thread.
 * State is guarded by this object's monitor, never held while calling out.
 */
final class IrcAdmission {
    private static final Logger log = LoggerFactory.getLogger(IrcAdmission.class);
    static final Duration MAX_INTERVAL = Duration.ofMinutes(5);
    static final Duration SLOWDOWN_AT_LEAST = Duration.ofSeconds(2);
    static final Duration QUIET = Duration.ofMinutes(1);

    /** One waiting attempt. Callbacks come on the timer thread, never under the queue's lock. */
    interface Ticket {
        /** The place in the queue changed: {@code ahead} attempts start first. */
        void position(int ahead);

        /** May connect now. */
        void admitted();
    }

    private final String network;
    private final ScheduledExecutorService timer;
    private final LongSupplier clock;
    private final long baseNanos;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private long intervalNanos;
    private long lastStart;
    private long lastSignal;
    private long lastDoubled;
    private boolean slowed;
    private boolean tickScheduled;
    private long admitted;
    private long throttles;
    private long bans;

    private static final class Waiting {
        final Ticket ticket;
        int told;

        Waiting(Ticket ticket, int told) {
            this.ticket = ticket;
            this.told = told;
        }
    }

    IrcAdmission(String network, AdmissionRules rules, ScheduledExecutorService timer, LongSupplier clock) {
        this.network = network;
        this.timer = timer;
        this.clock = clock;
        this.baseNanos = rules.connectInterval().toNanos();
        this.intervalNanos = baseNanos;
        long now = clock.getAsLong();
        this.lastStart = now - intervalNanos;
        this.lastSignal = now;
    }

    /** Queues {@code t}; its first {@link Ticket#position} is called before this returns. */
    void enqueue(Ticket t) {
        int ahead;
        synchronized (this) {
            ahead = queue.size();
            queue.add(new Waiting(t, ahead));
        }
        t.position(ahead);
        schedule();
    }

    /** Takes {@code t} out of the queue (the person left while waiting). */
    void remove(Ticket t) {
        synchronized (this) {
            queue.removeIf(w -> w.ticket == t);
        }
    }

    /**
     * The network throttled us or banned someone: slow everyone down. A burst of such answers
     * (many connections told at once) doubles the interval once: it doubles at most once per
     * interval.
     */
    void slowDown(boolean ban, String why) {
        Duration changed = null;
        synchronized (this) {
            if (ban) {
                bans++;
            } else {
                throttles++;
            }
            long now = clock.getAsLong();
            if (!slowed || now - lastDoubled >= intervalNanos) {
                long min = SLOWDOWN_AT_LEAST.toNanos();
                long next = Math.min(MAX_INTERVAL.toNanos(), Math.max(min, Math.max(baseNanos, intervalNanos) * 2));
                if (next != intervalNanos) {
                    intervalNanos = next;
                    changed = Duration.ofNanos(next);
                }
                lastDoubled = now;
                slowed = true;
            }
            lastSignal = now;
        }
        if (changed != null) {
            log.warn("network {} {} ({}); admitting one connection every {} ms from now on",
                    network, ban ? "banned a connection" : "is throttling connections", why, changed.toMillis());
        } else {
            log.info("network {} {} ({})", network, ban ? "banned a connection" : "is throttling connections", why);
        }
    }

    private void schedule() {
        long delay;
        synchronized (this) {
            if (tickScheduled || queue.isEmpty()) {
                return;
            }
            tickScheduled = true;
            delay = Math.max(0, lastStart + intervalNanos - clock.getAsLong());
        }
        try {
            timer.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (this) {
                tickScheduled = false; // the bridge is closing: nobody is admitted any more
            }
        }
    }

    /** On the timer thread: start the first waiting attempt if its time has come. */
    private void tick() {
        Ticket start = null;
        List<Waiting> moved = new ArrayList<>();
        synchronized (this) {
            tickScheduled = false;
            long now = clock.getAsLong();
            recover(now);
            if (!queue.isEmpty() && now - lastStart >= intervalNanos) {
                start = queue.poll().ticket;
                lastStart = now;
                admitted++;
                int ahead = 0;
                for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ahead++) {
                    Waiting w = it.next();
                    if (ahead <= w.told - Math.max(1, w.told / 10)) {
                        w.told = ahead;
                        moved.add(w);
                    }
                }
            }
        }
        try {
            for (Waiting w : moved) {
                w.ticket.position(w.told);
            }
            if (start != null) {
                start.admitted();
            }
        } catch (RuntimeException e) {
            log.error("admission to {} failed to start a connection", network, e);
        } finally {
            schedule();
        }
    }

    /** After a quiet minute, halve a learned interval (never below the configured one). */
    private void recover(long now) {
        if (intervalNanos > baseNanos && now - lastSignal >= QUIET.toNanos()) {
            intervalNanos = Math.max(baseNanos, intervalNanos / 2);
            lastSignal = now;
            slowed = intervalNanos > baseNanos;
            log.info("network {}: admitting one connection every {} ms again", network, intervalNanos / 1_000_000);
        }
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    synchronized long admittedCount() {
        return admitted;
    }

    synchronized long throttleCount() {
        return throttles;
    }

    synchronized long banCount() {
        return bans;
    }
}

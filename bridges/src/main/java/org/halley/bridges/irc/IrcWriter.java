package org.halley.bridges.irc;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.halley.bridges.ChatEvent;
import org.halley.config.FloodRules;

/**
 * The writing side of one connection attempt: a queue of lines drained by one virtual thread at
 * the pace {@link FloodControl} allows, so a pasted paragraph goes out as fast as the server
 * tolerates and no faster. Lines the protocol needs at once (PONG, registration, QUIT) skip the
 * queue but still count against the bucket. A line may carry the event to deliver once it is
 * written (the person's own message, where the server does not echo it).
 *
 * <p>Threads: {@link #offer} and {@link #sendNow} from any thread; the queue and the bucket are
 * guarded by this object's monitor, never held while writing; at most one drainer runs.
 */
final class IrcWriter {
    /** Lines waiting at most; more is refused (the person is told to slow down). */
    static final int MAX_QUEUED = 200;

    /** A line and what to tell the person once it has been written (or null). */
    record Out(String line, ChatEvent written) {}

    private final HalleyBot bot;
    private final FloodControl flood;
    private final Executor executor;
    private final Consumer<ChatEvent> events;
    private final Consumer<IOException> failed;
    private final ArrayDeque<Out> queue = new ArrayDeque<>(4);
    private boolean draining;
    private boolean closed;

    IrcWriter(HalleyBot bot, FloodRules rules, Executor executor, Consumer<ChatEvent> events, Consumer<IOException> failed) {
        this.bot = bot;
        this.flood = new FloodControl(rules, System.nanoTime());
        this.executor = executor;
        this.events = events;
        this.failed = failed;
    }

    /** Queues {@code lines} in order; false (nothing queued) when closed or too much is waiting. */
    boolean offer(List<Out> lines) {
        synchronized (this) {
            if (closed || queue.size() + lines.size() > MAX_QUEUED) {
                return false;
            }
            queue.addAll(lines);
            if (draining) {
                return true;
            }
            draining = true;
        }
        executor.execute(this::drain);
        return true;
    }

    /**
     * Queues those of {@code lines} that are not waiting already: a question asked again before
     * the first went out gets one answer, which serves both (refreshes in quick succession cost
     * the flood budget once). False when closed or too much is waiting.
     */
    boolean offerUnlessWaiting(List<Out> lines) {
        List<Out> fresh;
        synchronized (this) {
            fresh = lines.stream().filter(l -> queue.stream().noneMatch(q -> q.line().equals(l.line()))).toList();
        }
        return fresh.isEmpty() || offer(fresh);
    }

    /** Writes {@code line} now on the caller's thread, ahead of the queue. */
    void sendNow(String line) {
        synchronized (this) {
            if (closed) {
                return;
            }
            flood.take(System.nanoTime());
        }
        write(line);
    }

    /** Writes {@code line} only if nothing waits and the bucket has room now; else drops it. */
    void sendIfIdle(String line) {
        synchronized (this) {
            long now = System.nanoTime();
            if (closed || !queue.isEmpty() || flood.waitNanos(now) > 0) {
                return;
            }
            flood.take(now);
        }
        write(line);
    }

    /** Lines waiting now. */
    synchronized int queued() {
        return queue.size();
    }

    /** Drops what waits and writes nothing more. Returns how many lines were dropped. */
    synchronized int close() {
        closed = true;
        int dropped = queue.size();
        queue.clear();
        return dropped;
    }

    private void drain() {
        while (true) {
            Out next;
            long wait;
            synchronized (this) {
                next = queue.peek();
                if (closed || next == null) {
                    draining = false;
                    return;
                }
                long now = System.nanoTime();
                wait = flood.waitNanos(now);
                if (wait == 0) {
                    queue.poll();
                    flood.take(now);
                }
            }
            if (wait > 0) {
                LockSupport.parkNanos(wait); // a virtual thread: parking costs no carrier
                continue;
            }
            if (write(next.line()) && next.written() != null) {
                events.accept(next.written());
            }
        }
    }

    private boolean write(String line) {
        try {
            bot.writeLine(line);
            return true;
        } catch (IOException e) {
            close();
            failed.accept(e);
            return false;
        }
    }
}

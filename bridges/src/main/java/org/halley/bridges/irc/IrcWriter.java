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
 * <p>Two queues share the one bucket: the person's own lines (and the joins of registration) go
 * first; background lines the gateway asks for by itself (a refresh's NAMES) go only when no own
 * line waits, and one already waiting is not queued twice. So the gateway's chores never delay
 * what the person typed, and nothing, own or background, leaves faster than the bucket allows.
 * Registration is the server's own phase (servers pace unregistered clients apart from
 * registered ones): once it completes, {@link #registered} starts the bucket full.
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
    private final FloodRules rules;
    private FloodControl flood;
    private final Executor executor;
    private final Consumer<ChatEvent> events;
    private final Consumer<IOException> failed;
    private final ArrayDeque<Out> queue = new ArrayDeque<>(4);
    private final ArrayDeque<Out> background = new ArrayDeque<>(0);
    private boolean draining;
    private boolean closed;

    IrcWriter(HalleyBot bot, FloodRules rules, Executor executor, Consumer<ChatEvent> events, Consumer<IOException> failed) {
        this.bot = bot;
        this.rules = rules;
        this.flood = new FloodControl(rules, System.nanoTime());
        this.executor = executor;
        this.events = events;
        this.failed = failed;
    }

    /** Queues the person's {@code lines} in order; false (nothing queued) when closed or too much is waiting. */
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
     * Queues, behind every line of the person's, those of {@code lines} that are not waiting
     * already: a question asked again before the first went out gets one answer, which serves
     * both. False when closed or too much is waiting.
     */
    boolean offerBackground(List<Out> lines) {
        synchronized (this) {
            List<Out> fresh = lines.stream().filter(l -> background.stream().noneMatch(q -> q.line().equals(l.line()))).toList();
            if (closed || background.size() + fresh.size() > MAX_QUEUED) {
                return false;
            }
            background.addAll(fresh);
            if (draining || fresh.isEmpty()) {
                return true;
            }
            draining = true;
        }
        executor.execute(this::drain);
        return true;
    }

    /** Registration is complete: the bucket starts full, whatever registration took of it. */
    synchronized void registered() {
        flood = new FloodControl(rules, System.nanoTime());
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
            if (closed || !queue.isEmpty() || !background.isEmpty() || flood.waitNanos(now) > 0) {
                return;
            }
            flood.take(now);
        }
        write(line);
    }

    /** Lines waiting now. */
    synchronized int queued() {
        return queue.size() + background.size();
    }

    /** Drops what waits and writes nothing more. Returns how many of the person's lines were dropped. */
    synchronized int close() {
        closed = true;
        int dropped = queue.size();
        queue.clear();
        background.clear();
        return dropped;
    }

    private void drain() {
        while (true) {
            Out next;
            long wait;
            synchronized (this) {
                ArrayDeque<Out> from = queue.isEmpty() ? background : queue; // the person's lines first
                next = from.peek();
                if (closed || next == null) {
                    draining = false;
                    return;
                }
                long now = System.nanoTime();
                wait = flood.waitNanos(now);
                if (wait == 0) {
                    from.poll();
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

package org.halley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer: a platform thread ({@code halley-history-writer}) that alone writes to
 * the database. Callers only {@link #offer} into a bounded queue (never blocking, never logging);
 * this thread takes up to {@code batchSize} lines or waits {@code batchDelay} after the first, and
 * commits them in one transaction. It also migrates the schema (again and again while the
 * database is down at start), deletes expired lines in small chunks between batches, and probes
 * the database when idle so {@link HistoryStore#health()} tells the truth.
 *
 * <p>When the database fails, the batch in hand is kept and retried with a backoff (up to 2 s)
 * while the queue keeps filling; past its bound {@code append} drops and counts, and this thread
 * logs the count once per 10 s. A line the database refuses for itself (not for being down) is
 * written alone, and if it still fails it is counted as rejected and logged. Inserts ignore a
 * line whose (network, owner, target, dedup key) is there already, so a batch retried after a
 * commit whose answer was lost stores nothing twice.
 */
final class LineWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LineWriter.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int EXPIRE_CHUNK = 2_000;

    private final StoreSettings settings;
    private final DataSource pool;
    private final Clock clock;
    private final Runnable migrate;
    private final ArrayBlockingQueue<LineRecord> queue;
    private final ConcurrentLinkedQueue<Waiter> flushes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Long>> expiries = new ConcurrentLinkedQueue<>();

    final AtomicLong accepted = new AtomicLong();
    final AtomicLong processed = new AtomicLong();
    final LongAdder dropped = new LongAdder();
    final AtomicLong written = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong writeNanos = new AtomicLong();
    final AtomicLong maxWriteNanos = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicLong failedAttempts = new AtomicLong();

    private volatile Health health = Health.down("starting");
    private volatile boolean migrated;
    private volatile boolean closing;
    private volatile long closeDeadline;

    // Writer thread only.
    private long droppedLogged;
    private long lastDropLog = System.nanoTime() - LOG_EVERY_NANOS;
    private long lastRejectLog = System.nanoTime() - LOG_EVERY_NANOS;
    private long lastProbe = System.nanoTime();
    private long nextRetention = System.nanoTime();
    private boolean retentionRunning;
    private long backoffMillis;

    LineWriter(StoreSettings settings, DataSource pool, Clock clock, Runnable migrate) {
        this.settings = settings;
        this.pool = pool;
        this.clock = clock;
        this.migrate = migrate;
        this.queue = new ArrayBlockingQueue<>(settings.queueBound());
    }

    /** Any thread: queues the line, or counts it as dropped. Never blocks. */
    boolean offer(LineRecord line) {
        if (!closing && queue.offer(line)) {
            accepted.incrementAndGet();
            return true;
        }
        dropped.increment();
        return false;
    }

    int queued() {
        return queue.size();
    }

    Health health() {
        return health;
    }

    boolean migrated() {
        return migrated;
    }

    /** Any thread: completes once every line accepted before this call is written or rejected. */
    CompletableFuture<Void> flush() {
        Waiter w = new Waiter(accepted.get(), new CompletableFuture<>());
        flushes.add(w);
        if (processed.get() >= w.target) {
            w.future.complete(null);
        }
        return w.future;
    }

    /** Any thread: asks for a retention pass now; completes with the lines deleted. */
    CompletableFuture<Long> expireNow() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        expiries.add(f);
        return f;
    }

    /** Any thread: stop accepting, write what is queued for up to {@code grace}, then stop. */
    void close(long graceNanos) {
        closeDeadline = System.nanoTime() + graceNanos;
        closing = true;
    }

    @Override
    public void run() {
        List<LineRecord> batch = new ArrayList<>(settings.batchSize());
        while (true) {
            if (closing && (System.nanoTime() > closeDeadline || (batch.isEmpty() && queue.isEmpty()))) {
                break;
            }
            logDrops();
            if (!migrated) {
                tryMigrate();
                if (!migrated) {
                    pause();
                    continue;
                }
            }
            if (batch.isEmpty()) {
                fill(batch);
            }
            if (!batch.isEmpty()) {
                if (!write(batch)) {
                    pause();
                    continue;
                }
                batch.clear();
                completeFlushes();
            } else {
                probeIfIdle();
            }
            retentionStep();
        }
        int lost = batch.size() + queue.size();
        if (lost > 0) {
            dropped.add(lost);
            log.error("history: closed with {} lines not written (database: {})", lost, health.reason());
        }
        logDrops();
    }

    private void tryMigrate() {
        try {
            migrate.run();
            markUp();
            migrated = true;
        } catch (RuntimeException e) {
            markDown("schema migration failed: " + rootMessage(e), e);
        }
    }

    private void fill(List<LineRecord> batch) {
        try {
            LineRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            batch.add(first);
            long deadline = System.nanoTime() + settings.batchDelay().toNanos();
            while (batch.size() < settings.batchSize()) {
                queue.drainTo(batch, settings.batchSize() - batch.size());
                long left = deadline - System.nanoTime();
                if (batch.size() >= settings.batchSize() || left <= 0 || closing) {
                    break;
                }
                LineRecord next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
                batch.add(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Writes the batch in one transaction; false if the database is down (the batch is kept). */
    private boolean write(List<LineRecord> batch) {
        long start = System.nanoTime();
        try {
            insert(batch);
            long took = System.nanoTime() - start;
            batches.incrementAndGet();
            writeNanos.addAndGet(took);
            maxWriteNanos.accumulateAndGet(took, Math::max);
            written.addAndGet(batch.size());
            processed.addAndGet(batch.size());
            markUp();
            return true;
        } catch (SQLException e) {
            failedAttempts.incrementAndGet();
            if (!reachable()) {
                markDown("writing " + batch.size() + " lines failed: " + rootMessage(e), e);
                return false;
            }
            // The database answers: this batch holds a line it refuses. Write each alone.
            for (LineRecord line : batch) {
                try {
                    insert(List.of(line));
                    written.incrementAndGet();
                } catch (SQLException one) {
                    if (!reachable()) {
                        markDown("writing failed: " + rootMessage(one), one);
                        return false; // the whole batch again later; dedup makes that safe
                    }
                    rejected.incrementAndGet();
                    if (System.nanoTime() - lastRejectLog > LOG_EVERY_NANOS) {
                        lastRejectLog = System.nanoTime();
                        log.error("history: the database refused a line in {} ({} refused so far): {}",
                                line.conversation(), rejected.get(), rootMessage(one));
                    }
                }
            }
            processed.addAndGet(batch.size());
            return true;
        }
    }

    private void insert(List<LineRecord> batch) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(Dialect.INSERT)) {
                for (LineRecord l : batch) {
                    Conversation cv = l.conversation();
                    s.setString(1, cv.network());
                    s.setString(2, cv.owner());
                    s.setString(3, cv.target());
                    s.setLong(4, l.time().toEpochMilli());
                    s.setString(5, l.msgid());
                    s.setString(6, l.dedupKey());
                    s.setString(7, l.from());
                    s.setString(8, l.kind().dbName());
                    s.setString(9, l.text());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the pool evicts it
                }
                throw e;
            }
        }
    }

    private boolean reachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void probeIfIdle() {
        if (System.nanoTime() - lastProbe < PROBE_EVERY_NANOS) {
            return;
        }
        lastProbe = System.nanoTime();
        if (reachable()) {
            markUp();
        } else {
            markDown("the database does not answer", null);
        }
    }

    private void retentionStep() {
        CompletableFuture<Long> asked = expiries.peek();
        if (settings.keep().isZero() && asked == null) {
            return;
        }
        long now = System.nanoTime();
        if (!retentionRunning && asked == null && now < nextRetention) {
            return;
        }
        retentionRunning = true;
        long cutoff = clock.millis() - settings.keep().toMillis();
        if (settings.keep().isZero()) {
            cutoff = Long.MIN_VALUE; // asked for a pass with nothing to expire
        }
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(Dialect.EXPIRE)) {
            c.setAutoCommit(true);
            s.setLong(1, cutoff);
            s.setInt(2, EXPIRE_CHUNK);
            int n = s.executeUpdate();
            expired.addAndGet(n);
            if (n < EXPIRE_CHUNK) {
                retentionRunning = false;
                nextRetention = now + settings.retentionEvery().toNanos();
                CompletableFuture<Long> f;
                while ((f = expiries.poll()) != null) {
                    f.complete(expired.get());
                }
            }
        } catch (SQLException e) {
            retentionRunning = false;
            nextRetention = now + settings.retentionEvery().toNanos();
            log.warn("history: retention pass failed, next in {}: {}", settings.retentionEvery(), rootMessage(e));
        }
    }

    private void completeFlushes() {
        long done = processed.get();
        flushes.removeIf(w -> {
            if (w.target <= done) {
                w.future.complete(null);
                return true;
            }
            return false;
        });
    }

    private void logDrops() {
        long d = dropped.sum();
        if (d != droppedLogged && System.nanoTime() - lastDropLog > LOG_EVERY_NANOS) {
            log.warn("history: {} lines dropped (queue of {} full; database: {}), {} in all",
                    d - droppedLogged, settings.queueBound(), health.available() ? "up" : health.reason(), d);
            droppedLogged = d;
            lastDropLog = System.nanoTime();
        }
    }

    private void pause() {
        backoffMillis = backoffMillis == 0 ? 100 : Math.min(2_000, backoffMillis * 2);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        while (!closing && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closing = true;
            }
        }
    }

    private void markUp() {
        backoffMillis = 0;
        lastProbe = System.nanoTime();
        if (!health.available()) {
            if (migrated) {
                log.info("history: database available ({})", settings.database());
            }
            health = Health.UP;
        }
    }

    private void markDown(String reason, Exception e) {
        lastProbe = System.nanoTime();
        if (health.available() || health.reason().equals("starting")) {
            log.warn("history: database unavailable, {} lines queued: {}", queue.size(), reason);
        }
        health = Health.down(reason);
        if (e != null && log.isDebugEnabled()) {
            log.debug("history: database failure", e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private record Waiter(long target, CompletableFuture<Void> future) {}
}

package org.halley.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;

/**
 * Halley's history: chat lines kept in SQLite (a file, the default) or PostgreSQL (shared by the
 * nodes of a cluster), one schema migrated by Flyway, read back in pages by opaque cursors and
 * searched with each database's full-text index. See {@code docs/history.md}.
 *
 * <pre>{@code
 * HistoryStore store = HistoryStore.open(StoreSettings.sqlite(dataDir.resolve("history.db")));
 * store.append(LineRecord.message(Conversation.channel("libera", "#halley"), now, msgid, "ann", "hi"));
 * store.latestAsync(Conversation.channel("libera", "#halley"), 100).thenAccept(page -> ...);
 * }</pre>
 *
 * <p><b>Threads.</b>
 * <ul>
 *   <li><b>Callers, any thread (event loops, bridge readers included):</b> {@link #append} only
 *       validates (in {@link LineRecord}'s constructor) and offers to a bounded queue: it never
 *       blocks, never does I/O, never logs. A full queue drops the line and counts it.
 *   <li><b>The writer ({@code halley-history-writer}, one platform thread):</b> the only thread that
 *       writes. Migrates the schema, commits batches, deletes expired lines, probes the database;
 *       see {@link LineWriter}.
 *   <li><b>Reads:</b> {@link #latest}, {@link #before}, {@link #after}, {@link #around},
 *       {@link #search} are blocking JDBC calls on the caller's thread: never call them on an event
 *       loop. The {@code ...Async} variants run them on {@code halley-history-read-*}, a pool of
 *       {@code poolSize} platform threads with a queue of 1,000 (past it the future fails at once
 *       with {@link HistoryUnavailableException}). Platform, not virtual, threads: SQLite runs in
 *       native code, which pins a virtual thread's carrier, and two slow searches would otherwise
 *       hold every carrier of a two-core machine and stall every bridge.
 *   <li><b>Counters</b> ({@link #written()}, {@link #dropped()}, ...) may be read from any thread.
 * </ul>
 *
 * <p>Every read names its conversation (or a {@link SearchScope}); no query reads across
 * conversations, so one account's private lines never reach another. A database that is down at
 * {@link #open} or later makes reads fail fast with {@link HistoryUnavailableException} and
 * {@link #health()} say why; appends queue up to the bound and are written once it is back.
 */
public final class HistoryStore implements AutoCloseable {
    /** The largest page (and search page) a caller may ask for. */
    public static final int MAX_PAGE = 500;

    private final StoreSettings settings;
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final LineWriter writer;
    private final Thread writerThread;
    private final ThreadPoolExecutor reads;
    /** PostgreSQL's first search window, in ids (see {@link Dialect#searchesByWindow()}); tests make it small. */
    volatile long searchWindow = 2_000;

    private HistoryStore(StoreSettings settings, Clock clock) {
        this.settings = settings;
        this.dialect = Dialect.of(settings.database());
        this.pool = new HikariDataSource(poolConfig(settings));
        this.writer = new LineWriter(settings, pool, clock, this::migrate);
        AtomicInteger n = new AtomicInteger();
        this.reads = new ThreadPoolExecutor(settings.poolSize(), settings.poolSize(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1_000), r -> {
                    Thread t = new Thread(r, "halley-history-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        reads.allowCoreThreadTimeOut(true);
        this.writerThread = new Thread(writer, "halley-history-writer");
        writerThread.setDaemon(true);
    }

    /**
     * Opens the store and starts its writer. Never fails for the database being down: the writer
     * keeps trying (migration first), {@link #health()} says why it cannot, and appends queue. It
     * waits up to {@code connectWait} for the first migration so a healthy database is ready when
     * this returns.
     */
    public static HistoryStore open(StoreSettings settings) {
        return open(settings, Clock.systemUTC(), Duration.ofSeconds(30));
    }

    static HistoryStore open(StoreSettings settings, Clock clock, Duration connectWait) {
        if (settings.database() == StoreSettings.Database.SQLITE) {
            Path parent = Path.of(settings.location()).toAbsolutePath().getParent();
            try {
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                // the writer reports it as unavailable
            }
        }
        HistoryStore s = new HistoryStore(settings, clock);
        s.writerThread.start();
        long deadline = System.nanoTime() + connectWait.toNanos();
        while (!s.writer.migrated() && s.writer.health().reason().equals("starting") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return s;
    }

    private static HikariConfig poolConfig(StoreSettings s) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("halley-history");
        // The writer holds one connection while it commits; reads get the others.
        c.setMaximumPoolSize(s.poolSize() + 1);
        c.setMinimumIdle(1);
        c.setInitializationFailTimeout(-1); // a database down at start is not an error here
        c.setConnectionTimeout(2_000);
        c.setValidationTimeout(1_000);
        if (s.database() == StoreSettings.Database.SQLITE) {
            c.setJdbcUrl("jdbc:sqlite:" + s.location());
            c.addDataSourceProperty("journal_mode", "WAL"); // readers never wait for the writer
            c.addDataSourceProperty("synchronous", "NORMAL"); // durable at each WAL checkpoint
            c.addDataSourceProperty("busy_timeout", "5000");
            // 32 MiB of page cache per connection (SQLite's default is 2 MiB): the writer's index
            // pages stay in memory, and so do a busy channel's newest lines for the readers.
            c.addDataSourceProperty("cache_size", "-32768");
        } else {
            c.setJdbcUrl(s.location());
            c.setUsername(s.user());
            c.setPassword(s.password());
            c.addDataSourceProperty("ApplicationName", "halley-history");
            c.addDataSourceProperty("reWriteBatchedInserts", "true"); // one multi-row INSERT per batch
            c.addDataSourceProperty("connectTimeout", "2");
            c.addDataSourceProperty("socketTimeout", "60");
            c.addDataSourceProperty("tcpKeepAlive", "true");
            // Plan each search for its words: a generic plan cannot know a word's frequency.
            c.addDataSourceProperty("options", "-c plan_cache_mode=force_custom_plan");
        }
        return c;
    }

    private void migrate() {
        Flyway.configure(HistoryStore.class.getClassLoader())
                .dataSource(pool)
                .locations("classpath:db/history/" + dialect.location)
                .table("history_schema_version")
                .connectRetries(0)
                .load()
                .migrate();
    }

    /**
     * Any thread, never blocks: queues the line for the writer. False if it was dropped (the
     * queue is full or the store is closing); drops are counted ({@link #dropped()}) and logged.
     */
    public boolean append(LineRecord line) {
        return writer.offer(line);
    }

    /** The newest {@code limit} lines of the conversation, oldest first. Blocking. */
    public Page latest(Conversation c, int limit) {
        checkLimit(limit);
        return readBackward(Dialect.LATEST, c, null, limit);
    }

    /** The {@code limit} lines before {@code cursor} (newest of them last). Blocking. */
    public Page before(Conversation c, Cursor cursor, int limit) {
        checkLimit(limit);
        return readBackward(Dialect.BEFORE, c, cursor, limit);
    }

    /** The {@code limit} lines after {@code cursor}, oldest first. Blocking. */
    public Page after(Conversation c, Cursor cursor, int limit) {
        checkLimit(limit);
        List<StoredLine> rows = query(Dialect.AFTER, c, cursor, limit + 1);
        boolean more = rows.size() > limit;
        List<StoredLine> lines = more ? rows.subList(0, limit) : rows;
        return new Page(lines, lines.isEmpty() ? Optional.empty() : Optional.of(lines.getFirst().cursor()),
                more ? Optional.of(lines.getLast().cursor()) : Optional.empty());
    }

    /**
     * The line at {@code cursor} in its context: up to {@code limit} lines, half of them before
     * it, oldest first (for jumping to a search result). Blocking.
     */
    public Page around(Conversation c, Cursor cursor, int limit) {
        checkLimit(limit);
        int back = limit / 2 + 1;
        List<StoredLine> upTo = query(Dialect.UP_TO, c, cursor, back + 1);
        List<StoredLine> later = query(Dialect.AFTER, c, cursor, limit - back + 1);
        boolean moreOlder = upTo.size() > back;
        boolean moreNewer = later.size() > limit - back;
        List<StoredLine> lines = new ArrayList<>(limit);
        List<StoredLine> older = new ArrayList<>(moreOlder ? upTo.subList(0, back) : upTo);
        Collections.reverse(older);
        lines.addAll(older);
        lines.addAll(moreNewer ? later.subList(0, limit - back) : later);
        return new Page(lines, moreOlder ? Optional.of(lines.getFirst().cursor()) : Optional.empty(),
                moreNewer ? Optional.of(lines.getLast().cursor()) : Optional.empty());
    }

    /**
     * Lines in {@code scope} that contain every word of {@code text} (letters and digits; anything
     * else separates words and is never query syntax), newest first. {@code cursor} (may be null)
     * continues a previous search page from its {@code older}. Blocking.
     */
    public Page search(SearchScope scope, String text, int limit, Cursor cursor) {
        checkLimit(limit);
        List<String> words = FtsQuery.words(text);
        boolean account = !scope.account().isEmpty();
        if (words.isEmpty() || (scope.channels().isEmpty() && !account)) {
            return Page.empty();
        }
        List<String> channels = scope.sortedChannels();
        String sql = dialect.search(channels.size(), account);
        String query = dialect.ftsQuery(words);
        long before = cursor == null ? Long.MAX_VALUE : cursor.id();
        List<StoredLine> rows = run(() -> {
            try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                if (!dialect.searchesByWindow()) {
                    return searchRows(s, query, before, -1, scope, channels, account, limit + 1);
                }
                long hi = before;
                if (hi == Long.MAX_VALUE) {
                    try (PreparedStatement m = c.prepareStatement(Dialect.MAX_ID); ResultSet r = m.executeQuery()) {
                        r.next();
                        hi = r.getLong(1) + 1;
                    }
                }
                List<StoredLine> found = new ArrayList<>();
                for (long width = searchWindow; found.size() <= limit && hi > 0; width *= 8) {
                    long lo = Math.max(0, hi - width);
                    found.addAll(searchRows(s, query, hi, lo, scope, channels, account, limit + 1 - found.size()));
                    hi = lo;
                }
                return found;
            }
        });
        boolean more = rows.size() > limit;
        List<StoredLine> lines = more ? rows.subList(0, limit) : rows;
        return new Page(lines, more ? Optional.of(lines.getLast().cursor()) : Optional.empty(), Optional.empty());
    }

    public CompletableFuture<Page> latestAsync(Conversation c, int limit) {
        return async(() -> latest(c, limit));
    }

    public CompletableFuture<Page> beforeAsync(Conversation c, Cursor cursor, int limit) {
        return async(() -> before(c, cursor, limit));
    }

    public CompletableFuture<Page> afterAsync(Conversation c, Cursor cursor, int limit) {
        return async(() -> after(c, cursor, limit));
    }

    public CompletableFuture<Page> aroundAsync(Conversation c, Cursor cursor, int limit) {
        return async(() -> around(c, cursor, limit));
    }

    public CompletableFuture<Page> searchAsync(SearchScope scope, String text, int limit, Cursor cursor) {
        return async(() -> search(scope, text, limit, cursor));
    }

    /** Completes once every line appended before this call is written (or refused and counted). */
    public CompletableFuture<Void> flush() {
        return writer.flush();
    }

    /** Runs a retention pass now (it also runs every {@code retentionEvery}); completes with the lines deleted so far. */
    public CompletableFuture<Long> expireNow() {
        return writer.expireNow();
    }

    public Health health() {
        return writer.health();
    }

    public StoreSettings settings() {
        return settings;
    }

    /** Lines accepted by {@link #append}. */
    public long appended() {
        return writer.accepted.get();
    }

    /** Lines committed (a duplicate that the database ignored counts: it is kept, once). */
    public long written() {
        return writer.written.get();
    }

    /** Lines waiting for the writer now. */
    public int queued() {
        return writer.queued();
    }

    /** Lines lost: the queue was full, or the store closed before they could be written. */
    public long dropped() {
        return writer.dropped.sum();
    }

    /** Lines the database refused for themselves (not for being down); each is logged. */
    public long rejected() {
        return writer.rejected.get();
    }

    /** Transactions committed, and the time they took in all (for a Micrometer FunctionTimer). */
    public long batches() {
        return writer.batches.get();
    }

    public long writeNanos() {
        return writer.writeNanos.get();
    }

    public long maxWriteNanos() {
        return writer.maxWriteNanos.get();
    }

    /** Write attempts that failed (each batch is retried until the database answers). */
    public long failedWrites() {
        return writer.failedAttempts.get();
    }

    /** Lines deleted by retention. */
    public long expired() {
        return writer.expired.get();
    }

    /** Stops accepting lines, writes what is queued (up to 5 s), stops the threads, closes the pool. */
    @Override
    public void close() {
        writer.close(TimeUnit.SECONDS.toNanos(5));
        try {
            writerThread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reads.shutdownNow();
        pool.close();
    }

    private static List<StoredLine> searchRows(PreparedStatement s, String query, long below, long atLeast,
            SearchScope scope, List<String> channels, boolean account, int limit) throws SQLException {
        int i = 1;
        s.setString(i++, query);
        s.setLong(i++, below);
        if (atLeast >= 0) {
            s.setLong(i++, atLeast);
        }
        s.setString(i++, scope.network());
        for (String ch : channels) {
            s.setString(i++, ch);
        }
        if (account) {
            s.setString(i++, scope.account());
        }
        s.setInt(i, limit);
        return rows(s);
    }

    private Page readBackward(String sql, Conversation c, Cursor cursor, int limit) {
        List<StoredLine> rows = query(sql, c, cursor, limit + 1);
        boolean more = rows.size() > limit;
        List<StoredLine> lines = new ArrayList<>(more ? rows.subList(0, limit) : rows);
        Collections.reverse(lines);
        return new Page(lines, more ? Optional.of(lines.getFirst().cursor()) : Optional.empty(),
                lines.isEmpty() ? Optional.empty() : Optional.of(lines.getLast().cursor()));
    }

    private List<StoredLine> query(String sql, Conversation cv, Cursor cursor, int limit) {
        return run(() -> {
            try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                s.setString(i++, cv.network());
                s.setString(i++, cv.owner());
                s.setString(i++, cv.target());
                if (cursor != null) {
                    s.setLong(i++, cursor.time());
                    s.setLong(i++, cursor.time());
                    s.setLong(i++, cursor.id());
                }
                s.setInt(i, limit);
                return rows(s);
            }
        });
    }

    private static List<StoredLine> rows(PreparedStatement s) throws SQLException {
        List<StoredLine> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Conversation cv = new Conversation(r.getString(2), r.getString(3), r.getString(4));
                out.add(new StoredLine(r.getLong(1), new LineRecord(cv, Instant.ofEpochMilli(r.getLong(5)),
                        r.getString(6), r.getString(7), LineKind.fromDb(r.getString(8)), r.getString(9))));
            }
        }
        return out;
    }

    private interface Sql<T> {
        T run() throws SQLException;
    }

    private <T> T run(Sql<T> sql) {
        if (!writer.migrated()) {
            throw new HistoryUnavailableException("history unavailable: " + writer.health().reason(), null);
        }
        try {
            return sql.run();
        } catch (SQLException e) {
            throw new HistoryUnavailableException("history read failed: " + LineWriter.rootMessage(e), e);
        }
    }

    private <T> CompletableFuture<T> async(Supplier<T> read) {
        try {
            return CompletableFuture.supplyAsync(read, reads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new HistoryUnavailableException("too many history reads waiting", e));
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_PAGE + ")");
        }
    }
}

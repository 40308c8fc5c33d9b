package org.halley.bench.history;

import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.halley.store.Conversation;
import org.halley.store.HistoryStore;
import org.halley.store.LineKind;
import org.halley.store.LineRecord;
import org.halley.store.Page;
import org.halley.store.SearchScope;
import org.halley.store.StoreSettings;
import org.halley.testkit.PostgresFixture;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * The history store's figures (issue 15): fills a database with N chat lines (bulk-loaded, not
 * through the store), then measures through the store's API: the sustained append rate (the real
 * {@code append} path, paced like a busy network, then flat out), {@code latest(100)} over random
 * channels and {@code search} over random words. Prints {@code RESULT} lines and the load average.
 *
 * <pre>
 * bench/history                                   SQLite and PostgreSQL, 10,000,000 lines
 * bench/history --db sqlite --lines 1000000
 * </pre>
 *
 * The fill drops the secondary indexes and the full-text trigger (SQLite) and builds them after
 * the load, reading their definitions from the database so the schema stays the migrations' own.
 */
public final class HistoryBench {
    static final String NETWORK = "libera";

    private final Map<String, String> opts;
    private final long lines;
    private final int channels;
    private final int appendRate;
    private final int appendSeconds;
    private final int latestQueries;
    private final int searchQueries;
    private final ChatText text = new ChatText(6_000, 800, 42);

    HistoryBench(Map<String, String> opts) {
        this.opts = opts;
        this.lines = Long.parseLong(opts.getOrDefault("lines", "10000000"));
        this.channels = Integer.parseInt(opts.getOrDefault("channels", "50"));
        this.appendRate = Integer.parseInt(opts.getOrDefault("append-rate", "5000"));
        this.appendSeconds = Integer.parseInt(opts.getOrDefault("append-seconds", "30"));
        this.latestQueries = Integer.parseInt(opts.getOrDefault("latest-queries", "1000"));
        this.searchQueries = Integer.parseInt(opts.getOrDefault("search-queries", "400"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --db sqlite|postgresql|both --lines N --channels N "
                        + "--append-rate N --append-seconds N --latest-queries N --search-queries N --dir DIR");
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        HistoryBench b = new HistoryBench(opts);
        String db = opts.getOrDefault("db", "both");
        if (db.equals("sqlite") || db.equals("both")) {
            b.sqlite();
        }
        if (db.equals("postgresql") || db.equals("both")) {
            b.postgresql();
        }
    }

    void sqlite() throws Exception {
        Path dir = Path.of(opts.getOrDefault("dir", "bench/target/history-bench"));
        Files.createDirectories(dir);
        Path file = dir.resolve("history-" + lines + ".db");
        StoreSettings settings = StoreSettings.sqlite(file);
        double fillSeconds = 0;
        if (Boolean.parseBoolean(opts.getOrDefault("reuse", "false")) && Files.exists(file)) {
            log("sqlite: reusing %s (filled by an earlier run; fill_s=0)", file);
        } else {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
            HistoryStore.open(settings).close(); // the schema, by the store's migrations
            long start = System.nanoTime();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                fillSqlite(c);
            }
            fillSeconds = (System.nanoTime() - start) / 1e9;
        }
        log("sqlite: %,d lines in %.0f s (%.0f MB)", lines, fillSeconds, Files.size(file) / 1e6);
        measure("sqlite", settings, fillSeconds);
    }

    void postgresql() throws Exception {
        try (PostgresFixture pg = PostgresFixture.start(PostgresFixture.Options.durable("2GB"))) {
            String url = pg.createDatabase("history");
            StoreSettings settings = StoreSettings.postgresql(url, PostgresFixture.USER, "");
            HistoryStore.open(settings).close();
            long start = System.nanoTime();
            try (Connection c = DriverManager.getConnection(url, PostgresFixture.USER, "")) {
                fillPostgresql(c);
            }
            double fillSeconds = (System.nanoTime() - start) / 1e9;
            log("postgresql: %,d lines in %.0f s (%s)", lines, fillSeconds,
                    pg.psql("history", "SELECT pg_size_pretty(pg_database_size('history'))").trim());
            measure("postgresql", settings, fillSeconds);
        }
    }

    /** One generated line, as the row the bulk load writes. */
    private record Row(Conversation c, long at, String msgid, String dedup, String from, String kind, String body) {}

    private final class Rows {
        final SplittableRandom r = new SplittableRandom(7);
        final long startMillis = Instant.now().minus(Duration.ofDays(25)).toEpochMilli();
        final double step = Duration.ofDays(25).toMillis() / (double) Math.max(1, lines);
        long i;

        Row next() {
            long at = startMillis + (long) (i++ * step);
            Conversation c;
            if (r.nextInt(20) == 0) { // 5% private lines, kept for one of 200 accounts
                c = Conversation.ofAccount(NETWORK, "account" + r.nextInt(200), text.nick(r));
            } else {
                c = Conversation.channel(NETWORK, "#channel" + r.nextInt(channels));
            }
            String msgid = r.nextBoolean() ? Long.toHexString(r.nextLong()) : null;
            int k = r.nextInt(100);
            LineKind kind = k < 88 ? LineKind.MESSAGE : k < 93 ? LineKind.ACTION : k < 95 ? LineKind.NOTICE : LineKind.JOIN;
            LineRecord l = new LineRecord(c, Instant.ofEpochMilli(at), msgid, text.nick(r), kind,
                    kind == LineKind.JOIN ? "" : text.line(r));
            return new Row(c, at, msgid, l.dedupKey(), l.from(), kind.name().toLowerCase(Locale.ROOT), l.text());
        }
    }

    private void fillSqlite(Connection c) throws SQLException {
        List<String> ddl = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=OFF");
            s.execute("PRAGMA cache_size=-1000000");
            try (ResultSet r = s.executeQuery("SELECT name, type, sql FROM sqlite_master WHERE tbl_name = 'line'"
                    + " AND type IN ('index', 'trigger') AND sql IS NOT NULL")) {
                while (r.next()) {
                    ddl.add(r.getString(3));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT name, type FROM sqlite_master WHERE tbl_name = 'line'"
                    + " AND type IN ('index', 'trigger') AND sql IS NOT NULL")) {
                List<String> drops = new ArrayList<>();
                while (r.next()) {
                    drops.add("DROP " + r.getString(2).toUpperCase(Locale.ROOT) + " " + r.getString(1));
                }
                for (String d : drops) {
                    s.execute(d);
                }
            }
        }
        c.setAutoCommit(false);
        Rows rows = new Rows();
        long t = System.nanoTime();
        try (PreparedStatement p = c.prepareStatement("INSERT INTO line (network, owner, target, at, msgid, dedup, sender,"
                + " kind, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (long i = 0; i < lines; i++) {
                Row row = rows.next();
                p.setString(1, row.c.network());
                p.setString(2, row.c.owner());
                p.setString(3, row.c.target());
                p.setLong(4, row.at);
                p.setString(5, row.msgid);
                p.setString(6, row.dedup);
                p.setString(7, row.from);
                p.setString(8, row.kind);
                p.setString(9, row.body);
                p.addBatch();
                if (i % 10_000 == 9_999) {
                    p.executeBatch();
                }
                if (i % 500_000 == 499_999) {
                    c.commit();
                    log("sqlite: %,d rows (%.0f/s)", i + 1, (i + 1) / ((System.nanoTime() - t) / 1e9));
                }
            }
            p.executeBatch();
            c.commit();
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (String d : ddl) {
                log("sqlite: %s", d.lines().findFirst().orElse(d));
                s.execute(d);
            }
            log("sqlite: full-text index rebuild");
            s.execute("INSERT INTO line_fts (line_fts) VALUES ('rebuild')");
            s.execute("ANALYZE");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    private void fillPostgresql(Connection c) throws SQLException, IOException {
        List<String> ddl = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'line'"
                    + " AND indexname <> 'line_pkey'")) {
                while (r.next()) {
                    ddl.add(r.getString(2));
                }
            }
            for (String d : ddl) {
                s.execute("DROP INDEX " + d.split(" ")[d.startsWith("CREATE UNIQUE") ? 3 : 2]);
            }
        }
        CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
        Rows rows = new Rows();
        long t = System.nanoTime();
        StringBuilder chunk = new StringBuilder(32 << 20);
        for (long i = 0; i < lines; i++) {
            Row row = rows.next();
            chunk.append(row.c.network()).append('\t').append(row.c.owner()).append('\t').append(row.c.target())
                    .append('\t').append(row.at).append('\t').append(row.msgid == null ? "\\N" : row.msgid).append('\t')
                    .append(row.dedup).append('\t').append(row.from).append('\t').append(row.kind).append('\t')
                    .append(row.body).append('\n'); // generated text has no tab, newline or backslash
            if (i % 200_000 == 199_999 || i == lines - 1) {
                copy.copyIn("COPY line (network, owner, target, at, msgid, dedup, sender, kind, body) FROM STDIN",
                        new StringReader(chunk.toString()));
                chunk.setLength(0);
                if (i % 1_000_000 == 999_999) {
                    log("postgresql: %,d rows (%.0f/s)", i + 1, (i + 1) / ((System.nanoTime() - t) / 1e9));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '1GB'");
            for (String d : ddl) {
                log("postgresql: %s", d);
                s.execute(d);
            }
            s.execute("VACUUM ANALYZE line");
        }
    }

    private void measure(String db, StoreSettings settings, double fillSeconds) throws Exception {
        try (HistoryStore store = HistoryStore.open(settings)) {
            if (!store.health().available()) {
                throw new IllegalStateException(db + ": " + store.health());
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("db", db);
            r.put("lines", lines);
            r.put("channels", channels);
            r.put("fill_s", Math.round(fillSeconds));
            latest(store, r);
            search(store, r);
            System.out.println("RESULT history-reads " + r); // kept even if the append phase fails
            append(store, r);
            r.put("loadavg", loadAverage());
            StringBuilder b = new StringBuilder("RESULT history");
            r.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            System.out.println(b);
        }
    }

    private void latest(HistoryStore store, Map<String, Object> r) {
        SplittableRandom rnd = new SplittableRandom(11);
        Histogram h = time(50, latestQueries, () -> {
            Page p = store.latest(Conversation.channel(NETWORK, "#channel" + rnd.nextInt(channels)), 100);
            return p.lines().size();
        });
        put(r, "latest100", h);
    }

    private void search(HistoryStore store, Map<String, Object> r) {
        SplittableRandom rnd = new SplittableRandom(13);
        // A person's scope: five channels and their own lines. Words as they occur in chat (common)
        // and uniformly from the vocabulary (mostly rare).
        Supplier<SearchScope> scope = () -> new SearchScope(NETWORK, Set.of("#channel" + rnd.nextInt(channels / 5),
                "#channel" + (channels / 5 + rnd.nextInt(channels / 5)), "#channel" + (2 * channels / 5 + rnd.nextInt(channels / 5)),
                "#channel" + (3 * channels / 5 + rnd.nextInt(channels / 5)), "#channel" + (4 * channels / 5 + rnd.nextInt(channels / 5))),
                "account" + rnd.nextInt(200));
        long[] hits = new long[1];
        Histogram common = time(20, searchQueries / 2, () -> {
            Page p = store.search(scope.get(), text.word(rnd), 50, null);
            hits[0] += p.lines().size();
            return p.lines().size();
        });
        put(r, "search_common", common);
        Histogram rare = time(20, searchQueries / 2, () -> {
            Page p = store.search(scope.get(), text.vocabulary.get(rnd.nextInt(text.vocabulary.size())) + " "
                    + text.word(rnd), 50, null);
            hits[0] += p.lines().size();
            return p.lines().size();
        });
        put(r, "search_rare2", rare);
        Histogram all = new Histogram(3);
        all.add(common);
        all.add(rare);
        put(r, "search", all);
        r.put("search_hits_avg", hits[0] / Math.max(1, searchQueries));
    }

    private void append(HistoryStore store, Map<String, Object> r) throws Exception {
        SplittableRandom rnd = new SplittableRandom(17);
        Rows rows = new Rows();
        rows.i = lines; // newer than the fill
        long written0 = store.written();
        long dropped0 = store.dropped();
        long batches0 = store.batches();
        long nanos0 = store.writeNanos();
        int maxQueue = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(appendSeconds);
        long sent = 0;
        // One producer, paced: what the event loops and bridge readers would hand over.
        while (System.nanoTime() < end) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * appendRate);
            while (sent < due) {
                Row row = rows.next();
                store.append(new LineRecord(row.c, Instant.now(), row.msgid, row.from, LineKind.MESSAGE,
                        row.body + " " + rnd.nextInt()));
                sent++;
            }
            maxQueue = Math.max(maxQueue, store.queued());
            LockSupport.parkNanos(1_000_000);
        }
        try {
            store.flush().get(600, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            r.put("append_unflushed_after_600s", store.queued());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long written = store.written() - written0;
        long batches = Math.max(1, store.batches() - batches0);
        r.put("append_offered_per_s", Math.round(sent / (double) appendSeconds));
        r.put("append_written_per_s", Math.round(written / seconds));
        r.put("append_dropped", store.dropped() - dropped0);
        r.put("append_max_queue", maxQueue);
        r.put("append_batch_avg_ms", String.format(Locale.ROOT, "%.1f", (store.writeNanos() - nanos0) / 1e6 / batches));
        r.put("append_batch_max_ms", String.format(Locale.ROOT, "%.1f", store.maxWriteNanos() / 1e6));

        // Flat out: the writer's ceiling (the producer backs off when the queue is half full).
        written0 = store.written();
        start = System.nanoTime();
        end = start + TimeUnit.SECONDS.toNanos(Math.max(5, appendSeconds / 2));
        while (System.nanoTime() < end) {
            if (store.queued() > store.settings().queueBound() / 2) {
                LockSupport.parkNanos(200_000);
                continue;
            }
            Row row = rows.next();
            store.append(new LineRecord(row.c, Instant.now(), row.msgid, row.from, LineKind.MESSAGE, row.body + " " + rnd.nextInt()));
        }
        store.flush().get(120, TimeUnit.SECONDS);
        r.put("append_ceiling_per_s", Math.round((store.written() - written0) / ((System.nanoTime() - start) / 1e9)));
    }

    private static Histogram time(int warmup, int n, Supplier<Integer> query) {
        for (int i = 0; i < warmup; i++) {
            query.get();
        }
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            query.get();
            h.recordValue(Math.max(1, (System.nanoTime() - t) / 1_000));
        }
        return h;
    }

    private static void put(Map<String, Object> r, String name, Histogram us) {
        for (double q : new double[] {50, 95, 99}) {
            r.put(name + "_p" + (int) q + "_ms", String.format(Locale.ROOT, "%.1f", us.getValueAtPercentile(q) / 1000.0));
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf("%tT history-bench: %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }
}

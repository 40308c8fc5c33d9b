package org.halley.store;

import java.util.List;

/**
 * The SQL that differs between SQLite and PostgreSQL; everything else is shared. All values are
 * bound parameters; the only text built here is a list of {@code ?} placeholders.
 */
enum Dialect {
    SQLITE("sqlite") {
        @Override
        String search(int channels, boolean account) {
            return "SELECT " + COLUMNS_L + " FROM line_fts f JOIN line l ON l.id = f.rowid"
                    + " WHERE line_fts MATCH ? AND f.rowid < ? AND l.network = ? AND " + scope(channels, account)
                    + " ORDER BY f.rowid DESC LIMIT ?";
        }

        @Override
        String ftsQuery(List<String> words) {
            return FtsQuery.sqlite(words);
        }
    },
    POSTGRESQL("postgresql") {
        @Override
        String search(int channels, boolean account) {
            return "SELECT " + COLUMNS_L + " FROM line l"
                    + " WHERE l.body_tsv @@ plainto_tsquery('simple', ?) AND l.id < ? AND l.id >= ? AND l.network = ? AND "
                    + scope(channels, account) + " ORDER BY l.id + 0 DESC LIMIT ?"; // + 0: see searchesByWindow
        }

        @Override
        boolean searchesByWindow() {
            return true;
        }

        @Override
        String ftsQuery(List<String> words) {
            return FtsQuery.postgresql(words);
        }
    };

    static final String COLUMNS = "id, network, owner, target, at, msgid, sender, kind, body";
    static final String COLUMNS_L = "l.id, l.network, l.owner, l.target, l.at, l.msgid, l.sender, l.kind, l.body";

    static final String INSERT = "INSERT INTO line (network, owner, target, at, msgid, dedup, sender, kind, body)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (network, owner, target, dedup) DO NOTHING";

    private static final String CONVERSATION = "SELECT " + COLUMNS + " FROM line WHERE network = ? AND owner = ? AND target = ?";
    /** Newest first. */
    static final String LATEST = CONVERSATION + " ORDER BY at DESC, id DESC LIMIT ?";
    /** Strictly before (time, id), newest first; {@code at <= ?} lets the index range on time. */
    static final String BEFORE = CONVERSATION + " AND at <= ? AND (at < ? OR id < ?) ORDER BY at DESC, id DESC LIMIT ?";
    /** At or before (time, id), newest first (around: the line itself and what came before). */
    static final String UP_TO = CONVERSATION + " AND at <= ? AND (at < ? OR id <= ?) ORDER BY at DESC, id DESC LIMIT ?";
    /** Strictly after (time, id), oldest first. */
    static final String AFTER = CONVERSATION + " AND at >= ? AND (at > ? OR id > ?) ORDER BY at ASC, id ASC LIMIT ?";

    /** Expired lines, a chunk at a time so no transaction holds the database long. */
    static final String EXPIRE = "DELETE FROM line WHERE id IN (SELECT id FROM line WHERE at < ? ORDER BY at LIMIT ?)";

    final String location;

    Dialect(String location) {
        this.location = location;
    }

    /**
     * Search over the scope: {@code ?} for the query, the id bound (and, by window, the lower
     * bound), network; then channels, account; then limit.
     */
    abstract String search(int channels, boolean account);

    /**
     * PostgreSQL's GIN index gives a word's matches in no order, so a common word would fetch and
     * sort every matching row before the LIMIT; and ordered by the primary key, the planner
     * believes a LIMIT stops a backward scan early and then tests the tsvector of every row of a
     * mid-frequency word's table (measured: 0.5 s for 50,000 rows). So search the newest ids first,
     * in windows that grow eightfold (2,000 ids, then 16,000, ...), each planned as the GIN bitmap
     * ANDed with the id range ({@code ORDER BY id + 0} hides the key's order from the planner),
     * and stop as soon as a page is full: a common word is answered from the first small window,
     * a rare one costs a few cheap index lookups. SQLite's FTS5 walks a word's rows newest first
     * by itself.
     */
    boolean searchesByWindow() {
        return false;
    }

    static final String MAX_ID = "SELECT COALESCE(MAX(id), 0) FROM line";

    abstract String ftsQuery(List<String> words);

    /** Shared lines of the listed channels, or the account's own lines; never an empty owner by accident. */
    static String scope(int channels, boolean account) {
        StringBuilder b = new StringBuilder("(");
        if (channels > 0) {
            b.append("(l.owner = '' AND l.target IN (").append("?, ".repeat(channels - 1)).append("?))");
        }
        if (account) {
            b.append(channels > 0 ? " OR " : "").append("(l.owner = ? AND l.owner <> '')");
        }
        return b.append(')').toString();
    }

    static Dialect of(StoreSettings.Database d) {
        return d == StoreSettings.Database.SQLITE ? SQLITE : POSTGRESQL;
    }
}

package org.halley.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open a {@link HistoryStore}: which database, where, and the limits of its writer.
 *
 * @param database     SQLite (a file, the default) or PostgreSQL (a server every node of a cluster shares)
 * @param location     for SQLite the database file's path; for PostgreSQL a JDBC URL
 *                     ({@code jdbc:postgresql://host:5432/halley})
 * @param user         PostgreSQL's user (empty for SQLite)
 * @param password     PostgreSQL's password (empty for SQLite); never printed
 * @param poolSize     connections in the pool, and the number of reads that run at once
 * @param keep         lines older than this are deleted; {@link Duration#ZERO} keeps them for ever
 * @param batchSize    the writer commits at most this many lines per transaction
 * @param batchDelay   ...and waits at most this long after a batch's first line for more
 * @param queueBound   lines waiting for the writer; past this {@code append} drops and counts
 * @param retentionEvery how often the writer deletes expired lines (when {@code keep} is set)
 */
public record StoreSettings(
        Database database,
        String location,
        String user,
        String password,
        int poolSize,
        Duration keep,
        int batchSize,
        Duration batchDelay,
        int queueBound,
        Duration retentionEvery) {

    /** The two databases the store runs on, with one schema. */
    public enum Database {
        SQLITE,
        POSTGRESQL
    }

    public StoreSettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(location, "location");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(batchDelay, "batchDelay");
        Objects.requireNonNull(retentionEvery, "retentionEvery");
        if (location.isBlank()) {
            throw new IllegalArgumentException("location: empty (expected: "
                    + (database == Database.SQLITE ? "a file path" : "a jdbc:postgresql:// URL") + ")");
        }
        if (database == Database.POSTGRESQL && !location.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("location: " + location + " (expected: jdbc:postgresql://host:port/database)");
        }
        if (poolSize < 1 || poolSize > 100) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: 1..100)");
        }
        if (keep.isNegative()) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 0, 0 keeps for ever)");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: 1..10000)");
        }
        if (batchDelay.isNegative() || batchDelay.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("batchDelay: " + batchDelay + " (expected: 0..10s)");
        }
        if (queueBound < batchSize) {
            throw new IllegalArgumentException("queueBound: " + queueBound + " (expected: >= batchSize " + batchSize + ")");
        }
        if (retentionEvery.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("retentionEvery: " + retentionEvery + " (expected: >= 10ms)");
        }
    }

    /** SQLite in {@code file} with the defaults: pool 4, keep for ever, 500 lines or 50 ms a batch, 100,000 queued. */
    public static StoreSettings sqlite(Path file) {
        return new StoreSettings(Database.SQLITE, file.toString(), "", "", 4, Duration.ZERO, 500,
                Duration.ofMillis(50), 100_000, Duration.ofMinutes(1));
    }

    /** PostgreSQL at {@code jdbcUrl} with the same defaults and a pool of 8. */
    public static StoreSettings postgresql(String jdbcUrl, String user, String password) {
        return new StoreSettings(Database.POSTGRESQL, jdbcUrl, user, password, 8, Duration.ZERO, 500,
                Duration.ofMillis(50), 100_000, Duration.ofMinutes(1));
    }

    public StoreSettings withKeep(Duration keep) {
        return new StoreSettings(database, location, user, password, poolSize, keep, batchSize, batchDelay,
                queueBound, retentionEvery);
    }

    public StoreSettings withPoolSize(int poolSize) {
        return new StoreSettings(database, location, user, password, poolSize, keep, batchSize, batchDelay,
                queueBound, retentionEvery);
    }

    public StoreSettings withBatch(int batchSize, Duration batchDelay) {
        return new StoreSettings(database, location, user, password, poolSize, keep, batchSize, batchDelay,
                queueBound, retentionEvery);
    }

    public StoreSettings withQueueBound(int queueBound) {
        return new StoreSettings(database, location, user, password, poolSize, keep, batchSize, batchDelay,
                queueBound, retentionEvery);
    }

    public StoreSettings withRetentionEvery(Duration retentionEvery) {
        return new StoreSettings(database, location, user, password, poolSize, keep, batchSize, batchDelay,
                queueBound, retentionEvery);
    }

    @Override
    public String toString() {
        return "StoreSettings[" + database + " " + location + (user.isEmpty() ? "" : " user=" + user)
                + (password.isEmpty() ? "" : " password=***") + " pool=" + poolSize + " keep=" + keep
                + " batch=" + batchSize + "/" + batchDelay.toMillis() + "ms queue=" + queueBound + "]";
    }
}

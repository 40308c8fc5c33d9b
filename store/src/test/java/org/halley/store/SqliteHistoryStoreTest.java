package org.halley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on SQLite (a file in a temporary directory), and what only SQLite shows. */
class SqliteHistoryStoreTest extends HistoryStoreContract {
    @TempDir
    Path dir;

    private int n;

    @Override
    StoreSettings settings() {
        return StoreSettings.sqlite(dir.resolve("data-" + (++n)).resolve("history.db"));
    }

    @Test
    void theDatabaseFileIsMadeInWalMode() throws Exception {
        StoreSettings s = settings();
        open(s);

        assertThat(Path.of(s.location())).exists();
        assertThat(Path.of(s.location() + "-wal")).exists();
    }

    @Test
    void aDatabaseThatCannotOpenIsUnavailableAndAppendsQueueThenDropAndCount() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        StoreSettings s = StoreSettings.sqlite(file.resolve("history.db")).withBatch(10, Duration.ofMillis(5)).withQueueBound(50);
        HistoryStore store = open(s);

        assertThat(store.health().available()).isFalse();
        assertThat(store.health().reason()).contains("schema migration failed");
        assertThatThrownBy(() -> store.latest(PROJECT, 10)).isInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining("history unavailable");
        assertThat(store.latestAsync(PROJECT, 10)).failsWithin(Duration.ofSeconds(10));
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            accepted += store.append(line(PROJECT, i, "ann", "waiting " + i)) ? 1 : 0;
        }

        assertThat(accepted).isEqualTo(50);
        assertThat(store.dropped()).isEqualTo(150);
        assertThat(store.queued()).isEqualTo(50);
    }

    @Test
    void aDatabaseThatAppearsLaterGetsTheQueuedLines() throws Exception {
        Path blocker = dir.resolve("later");
        Files.writeString(blocker, "a file where the directory should be");
        StoreSettings s = StoreSettings.sqlite(blocker.resolve("history.db"));
        HistoryStore store = open(s);
        assertThat(store.health().available()).isFalse();
        for (int i = 0; i < 20; i++) {
            assertThat(store.append(line(PROJECT, i, "ann", "queued " + i))).isTrue();
        }

        Files.delete(blocker);
        Files.createDirectories(blocker);
        store.flush().get(60, TimeUnit.SECONDS);

        assertThat(store.health().available()).isTrue();
        assertThat(pageBackThroughAll(store, PROJECT, 7)).hasSize(20);
        assertThat(store.dropped()).isZero();
    }
}

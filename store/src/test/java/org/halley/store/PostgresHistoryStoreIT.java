package org.halley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.halley.testkit.PostgresFixture;
import org.halley.testkit.Waiting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store on Debian's PostgreSQL 15 (one server for the class, a new database per test), and
 * what only a server shows: a restart and a crash while lines are being recorded, and a server
 * that is down when the store opens.
 */
class PostgresHistoryStoreIT extends HistoryStoreContract {
    static PostgresFixture pg;
    private static int databases;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresFixture.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    StoreSettings settings() {
        return StoreSettings.postgresql(pg.createDatabase("history_" + (++databases)), PostgresFixture.USER, "");
    }

    @Test
    void theSchemaHasTheFullTextIndexAndAVersion() {
        open();
        String db = "history_" + databases;

        assertThat(pg.psql(db, "SELECT indexname FROM pg_indexes WHERE tablename = 'line' ORDER BY 1"))
                .contains("line_fts", "line_dedup", "line_conversation", "line_at");
        assertThat(pg.psql(db, "SELECT max(version) FROM history_schema_version").trim()).isEqualTo("1");
    }

    @Test
    void searchByIdWindowsFindsWhatOneQueryWouldInTheSameOrder() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add(line(i % 2 == 0 ? PROJECT : OTHER, i, "ann", (i % 7 == 0 ? "kiwi " : "plum ") + i));
        }
        write(store, lines);
        SearchScope scope = SearchScope.channels("libera", "#project");
        List<String> whole = texts(store.search(scope, "kiwi", 50, null));

        store.searchWindow = 3; // many windows, most of them empty
        List<String> paged = new java.util.ArrayList<>();
        Page p = store.search(scope, "kiwi", 2, null);
        paged.addAll(texts(p));
        while (p.older().isPresent()) {
            p = store.search(scope, "kiwi", 2, p.older().get());
            paged.addAll(texts(p));
        }

        assertThat(whole).containsExactly("kiwi 56", "kiwi 42", "kiwi 28", "kiwi 14", "kiwi 0");
        assertThat(paged).isEqualTo(whole);
    }

    @Test
    void aRestartMidRecordingLosesNoLineAndDuplicatesNone() throws Exception {
        recordThrough(PostgresFixture::stop);
    }

    @Test
    void aCrashMidRecordingLosesNoLineAndDuplicatesNone() throws Exception {
        recordThrough(PostgresFixture::crash);
    }

    private void recordThrough(Consumer<PostgresFixture> outage) throws Exception {
        HistoryStore store = open(settings().withBatch(50, Duration.ofMillis(10)));
        int total = 3_000;
        Thread producer = Thread.ofPlatform().name("test-producer").start(() -> {
            for (int i = 0; i < total; i++) {
                store.append(line(PROJECT, i, "ann", "recorded " + i));
                if (i % 10 == 0) {
                    try {
                        Thread.sleep(5); // a channel speaking, not a bulk load
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        Waiting.until("500 lines written", Duration.ofSeconds(60), () -> store.written() >= 500, () -> "written " + store.written());

        outage.accept(pg);
        Waiting.until("the store sees the database down", Duration.ofSeconds(60), () -> !store.health().available(),
                () -> "health " + store.health());
        assertThatThrownBy(() -> store.latest(PROJECT, 10)).isInstanceOf(HistoryUnavailableException.class);
        pg.restart();
        producer.join(TimeUnit.SECONDS.toMillis(120));
        store.flush().get(120, TimeUnit.SECONDS);

        List<StoredLine> all = pageBackThroughAll(store, PROJECT, 500);
        Set<String> distinct = new HashSet<>(all.stream().map(l -> l.line().text()).toList());
        assertThat(store.dropped()).isZero();
        assertThat(store.failedWrites()).isPositive();
        assertThat(all).hasSize(total);
        assertThat(distinct).hasSize(total);
        assertThat(store.health().available()).isTrue();
    }

    @Test
    void aDatabaseDownAtStartIsReportedAndTheQueuedLinesAreWrittenWhenItComes() throws Exception {
        StoreSettings s = settings();
        pg.stop();
        try {
            HistoryStore store = open(s);

            assertThat(store.health().available()).isFalse();
            assertThat(store.health().reason()).startsWith("schema migration failed");
            assertThatThrownBy(() -> store.search(SearchScope.channels("libera", "#project"), "x", 10, null))
                    .isInstanceOf(HistoryUnavailableException.class);
            for (int i = 0; i < 100; i++) {
                assertThat(store.append(line(PROJECT, i, "ann", "early " + i))).isTrue();
            }

            pg.restart();
            store.flush().get(120, TimeUnit.SECONDS);

            assertThat(store.health().available()).isTrue();
            assertThat(pageBackThroughAll(store, PROJECT, 30)).hasSize(100);
            assertThat(texts(store.search(SearchScope.channels("libera", "#project"), "early 42", 10, null))).containsExactly("early 42");
        } finally {
            if (!pg.process().isAlive()) {
                pg.restart();
            }
        }
    }
}

package org.halley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the store does on either database. {@code SqliteHistoryStoreTest} runs it on a SQLite file,
 * {@code PostgresHistoryStoreIT} on Debian's PostgreSQL 15 (a fresh database per test).
 */
abstract class HistoryStoreContract {
    static final Instant T0 = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    static final Conversation PROJECT = Conversation.channel("libera", "#project");
    static final Conversation OTHER = Conversation.channel("libera", "#other");

    private final List<HistoryStore> opened = new ArrayList<>();

    /** Settings for a new, empty database. */
    abstract StoreSettings settings();

    HistoryStore open(StoreSettings s) {
        HistoryStore store = HistoryStore.open(s);
        opened.add(store);
        return store;
    }

    HistoryStore open() {
        HistoryStore store = open(settings());
        assertThat(store.health().available()).as("health: %s", store.health()).isTrue();
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(HistoryStore::close);
    }

    static LineRecord line(Conversation c, long second, String from, String text) {
        return new LineRecord(c, T0.plusSeconds(second), null, from, LineKind.MESSAGE, text);
    }

    static void write(HistoryStore store, List<LineRecord> lines) throws Exception {
        for (LineRecord l : lines) {
            assertThat(store.append(l)).isTrue();
        }
        store.flush().get(30, TimeUnit.SECONDS);
    }

    static List<String> texts(Page p) {
        return p.lines().stream().map(l -> l.line().text()).toList();
    }

    /** Every line of the conversation, paging back from the newest {@code pageSize} at a time. */
    static List<StoredLine> pageBackThroughAll(HistoryStore store, Conversation c, int pageSize) {
        List<StoredLine> all = new ArrayList<>();
        Page p = store.latest(c, pageSize);
        all.addAll(0, p.lines());
        while (p.older().isPresent()) {
            p = store.before(c, Cursor.parse(p.older().get().encode()), pageSize);
            all.addAll(0, p.lines());
        }
        return all;
    }

    @Test
    void latestGivesTheNewestLinesOldestFirst() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add(line(PROJECT, i, "ann", "line " + i));
        }
        write(store, lines);

        Page p = store.latest(PROJECT, 10);

        assertThat(texts(p)).containsExactly("line 20", "line 21", "line 22", "line 23", "line 24", "line 25",
                "line 26", "line 27", "line 28", "line 29");
        assertThat(p.older()).isPresent();
        assertThat(p.lines().getFirst().line()).isEqualTo(lines.get(20));
    }

    @Test
    void pagingBackVisitsEveryLineOnceInOrderEvenWithinOneMillisecond() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 47; i++) {
            // three lines share each second: the id breaks the tie
            lines.add(line(PROJECT, i / 3, "ann", "line " + i));
        }
        write(store, lines);

        List<StoredLine> all = pageBackThroughAll(store, PROJECT, 7);

        assertThat(all.stream().map(l -> l.line().text()).toList())
                .isEqualTo(lines.stream().map(LineRecord::text).toList());
    }

    @Test
    void afterPagesForwardFromACursorToTheNewest() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(line(PROJECT, i / 2, "bob", "line " + i));
        }
        write(store, lines);
        Page first = store.latest(PROJECT, 1);
        List<StoredLine> oldest = pageBackThroughAll(store, PROJECT, 500);
        Cursor start = oldest.getFirst().cursor();

        List<String> seen = new ArrayList<>();
        Page p = store.after(PROJECT, start, 6);
        seen.addAll(texts(p));
        while (p.newer().isPresent()) {
            p = store.after(PROJECT, p.newer().get(), 6);
            seen.addAll(texts(p));
        }

        assertThat(seen).isEqualTo(lines.subList(1, 25).stream().map(LineRecord::text).toList());
        assertThat(texts(first)).containsExactly("line 24");
    }

    @Test
    void aLineWithTheSameMsgidIsStoredOnce() throws Exception {
        HistoryStore store = open();
        LineRecord a = new LineRecord(PROJECT, T0, "abc123", "ann", LineKind.MESSAGE, "hello");
        // a second recorder (another node) saw the same line, a little later by its own clock
        LineRecord again = new LineRecord(PROJECT, T0.plusMillis(3), "abc123", "ann", LineKind.MESSAGE, "hello");

        write(store, List.of(a, again, a));

        assertThat(texts(store.latest(PROJECT, 10))).containsExactly("hello");
    }

    @Test
    void aLineWithoutMsgidIsStoredOnceButTheSameWordsLaterAreKept() throws Exception {
        HistoryStore store = open();
        LineRecord a = line(PROJECT, 1, "ann", "ok");
        LineRecord later = line(PROJECT, 2, "ann", "ok");

        write(store, List.of(a, a, later, a));

        assertThat(store.latest(PROJECT, 10).lines()).extracting(l -> l.line().time())
                .containsExactly(a.time(), later.time());
    }

    @Test
    void theSameMsgidInAnotherChannelIsAnotherLine() throws Exception {
        HistoryStore store = open();
        write(store, List.of(new LineRecord(PROJECT, T0, "x1", "ann", LineKind.MESSAGE, "one"),
                new LineRecord(OTHER, T0, "x1", "ann", LineKind.MESSAGE, "two")));

        assertThat(texts(store.latest(PROJECT, 10))).containsExactly("one");
        assertThat(texts(store.latest(OTHER, 10))).containsExactly("two");
    }

    @Test
    void everyFieldComesBackAsWritten() throws Exception {
        HistoryStore store = open();
        Conversation pm = Conversation.ofAccount("jabber", "ann@example.org", "bob@example.org");
        LineRecord l = new LineRecord(pm, T0.plusMillis(123), "stanza-9", "bob@example.org/phone", LineKind.ACTION,
                "waves \uD83D\uDC4B at «everyone» 'quoted' \"double\" \\ %_");

        write(store, List.of(l));

        StoredLine got = store.latest(pm, 1).lines().getFirst();
        assertThat(got.line()).isEqualTo(l);
        assertThat(got.id()).isPositive();
    }

    @Test
    void searchFindsLinesWithEveryWordNewestFirstAndPages() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add(line(PROJECT, i, "ann", (i % 2 == 0 ? "the Release is ready " : "nothing here ") + i));
        }
        lines.add(line(PROJECT, 30, "bob", "release notes are not ready"));
        lines.add(line(OTHER, 31, "bob", "release ready in #other"));
        write(store, lines);
        SearchScope scope = SearchScope.channels("libera", "#project");

        Page first = store.search(scope, "READY release", 4, null);
        Page second = store.search(scope, "READY release", 4, first.older().orElseThrow());
        List<String> all = new ArrayList<>();
        Page p = first;
        all.addAll(texts(p));
        while (p.older().isPresent()) {
            p = store.search(scope, "ready release", 4, p.older().get());
            all.addAll(texts(p));
        }

        assertThat(texts(first)).containsExactly("release notes are not ready", "the Release is ready 18",
                "the Release is ready 16", "the Release is ready 14");
        assertThat(texts(second)).containsExactly("the Release is ready 12", "the Release is ready 10",
                "the Release is ready 8", "the Release is ready 6");
        assertThat(all).hasSize(11).doesNotContain("release ready in #other");
    }

    @Test
    void searchAcrossChannelsAndTheAccountsOwnLines() throws Exception {
        HistoryStore store = open();
        Conversation annWithBob = Conversation.ofAccount("libera", "ann", "bob");
        Conversation carolWithBob = Conversation.ofAccount("libera", "carol", "bob");
        write(store, List.of(line(PROJECT, 1, "x", "kiwi in project"), line(OTHER, 2, "x", "kiwi in other"),
                line(annWithBob, 3, "bob", "kiwi for ann"), line(carolWithBob, 4, "bob", "kiwi for carol"),
                line(Conversation.channel("oftc", "#project"), 5, "x", "kiwi on oftc")));

        Page ann = store.search(SearchScope.channels("libera", "#project").withAccount("ann"), "kiwi", 50, null);
        Page anonymous = store.search(SearchScope.channels("libera", "#project", "#other"), "kiwi", 50, null);
        Page onlyAccount = store.search(new SearchScope("libera", Set.of(), "carol"), "kiwi", 50, null);
        Page nothing = store.search(new SearchScope("libera", Set.of(), ""), "kiwi", 50, null);

        assertThat(texts(ann)).containsExactly("kiwi for ann", "kiwi in project");
        assertThat(texts(anonymous)).containsExactly("kiwi in other", "kiwi in project");
        assertThat(texts(onlyAccount)).containsExactly("kiwi for carol");
        assertThat(nothing.lines()).isEmpty();
    }

    @Test
    void privateLinesAreReadOnlyThroughTheirOwner() throws Exception {
        HistoryStore store = open();
        Conversation annWithBob = Conversation.ofAccount("libera", "ann", "bob");
        write(store, List.of(line(annWithBob, 1, "bob", "secret for ann"), line(PROJECT, 2, "bob", "public")));

        assertThat(texts(store.latest(annWithBob, 10))).containsExactly("secret for ann");
        // the same peer seen from another account, or as a channel, or as a shared conversation
        assertThat(store.latest(Conversation.ofAccount("libera", "carol", "bob"), 10).lines()).isEmpty();
        assertThat(store.latest(Conversation.channel("libera", "bob"), 10).lines()).isEmpty();
        assertThat(store.latest(Conversation.ofAccount("libera", "ann", "#project"), 10).lines()).isEmpty();
        // a cursor taken from ann's conversation reads nothing of it elsewhere
        Cursor annCursor = store.latest(annWithBob, 1).lines().getFirst().cursor();
        assertThat(store.around(Conversation.ofAccount("libera", "carol", "bob"), annCursor, 10).lines()).isEmpty();
        assertThat(store.after(PROJECT, new Cursor(0, 0), 10).lines()).extracting(l -> l.line().text())
                .containsExactly("public");
        assertThat(store.search(SearchScope.channels("libera", "#project", "bob"), "secret", 10, null).lines()).isEmpty();
    }

    @Test
    void hostileSearchTextIsNeverQuerySyntax() throws Exception {
        HistoryStore store = open();
        write(store, List.of(line(PROJECT, 1, "ann", "drop table line; -- AND NEAR or NOT \"quoted\" body:x*"),
                line(PROJECT, 2, "ann", "plain words")));
        SearchScope scope = SearchScope.channels("libera", "#project");
        List<String> hostile = List.of("\"", "\"\"\"", "*", "a*", "NEAR(", "NEAR(drop table)", "AND", "OR NOT",
                "'; DROP TABLE line; --", "body:x", "{body}: x", "^drop", "-drop", "(((", ")", "drop & table | !line",
                "drop <-> table", "'", "\\", "%", "_", "\u0000", "\uD83D", "", "   ", "x".repeat(5_000),
                "a b c d e f g h i j k l m n o p q r s t u v w x y z");

        for (String text : hostile) {
            store.search(scope, text, 10, null); // no exception, whatever it finds
        }

        assertThat(texts(store.search(scope, "\"drop\" TABLE;", 10, null))).hasSize(1);
        assertThat(texts(store.search(scope, "near NOT", 10, null))).hasSize(1);
        assertThat(texts(store.search(scope, "quoted*", 10, null))).hasSize(1);
        assertThat(texts(store.search(scope, "words", 10, null))).containsExactly("plain words");
        assertThat(store.latest(PROJECT, 10).lines()).hasSize(2);
    }

    @Test
    void aForgedCursorIsAClearErrorAndNeverReachesSql() throws Exception {
        HistoryStore store = open();
        write(store, List.of(line(PROJECT, 1, "ann", "hi")));

        for (String forged : List.of("", "abc", "' OR 1=1 --", "AQAAAAAAAAAAAAAAAAAAAAA=", "AgAAAAAAAAAAAAAAAAAAAAA",
                "AP____________________", "A" + "/".repeat(22))) {
            assertThatThrownBy(() -> store.before(PROJECT, Cursor.parse(forged), 10))
                    .isInstanceOf(Cursor.BadCursorException.class)
                    .hasMessageStartingWith("cursor: ");
        }
        assertThat(texts(store.before(PROJECT, new Cursor(Long.MAX_VALUE >> 1, Long.MAX_VALUE >> 1), 10))).containsExactly("hi");
    }

    @Test
    void aroundGivesTheLineInItsContext() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add(line(PROJECT, i, "ann", "word" + i));
        }
        write(store, lines);
        StoredLine hit = store.search(SearchScope.channels("libera", "#project"), "word20", 1, null).lines().getFirst();

        Page p = store.around(hit.conversation(), hit.cursor(), 9);

        assertThat(texts(p)).containsExactly("word16", "word17", "word18", "word19", "word20", "word21",
                "word22", "word23", "word24");
        assertThat(p.older()).isPresent();
        assertThat(p.newer()).isPresent();
    }

    @Test
    void retentionDeletesOnlyLinesOlderThanKeepAndTheirSearchEntries() throws Exception {
        HistoryStore store = open(settings().withKeep(Duration.ofDays(30)).withRetentionEvery(Duration.ofHours(1)));
        Instant now = Instant.now();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) { // more than one deletion chunk
            lines.add(new LineRecord(PROJECT, now.minus(Duration.ofDays(40)).plusSeconds(i), null, "old", LineKind.MESSAGE, "ancient " + i));
        }
        lines.add(new LineRecord(PROJECT, now.minus(Duration.ofDays(29)), null, "new", LineKind.MESSAGE, "recent ancient"));
        lines.add(new LineRecord(OTHER, now, null, "new", LineKind.MESSAGE, "fresh"));
        write(store, lines);

        long deleted = store.expireNow().get(60, TimeUnit.SECONDS);

        assertThat(deleted).isGreaterThanOrEqualTo(2_500);
        assertThat(store.expired()).isEqualTo(2_500);
        assertThat(texts(store.latest(PROJECT, 500))).containsExactly("recent ancient");
        assertThat(texts(store.latest(OTHER, 10))).containsExactly("fresh");
        assertThat(texts(store.search(SearchScope.channels("libera", "#project"), "ancient", 50, null)))
                .containsExactly("recent ancient");
    }

    @Test
    void asyncReadsCompleteOffTheCallersThread() throws Exception {
        HistoryStore store = open();
        write(store, List.of(line(PROJECT, 1, "ann", "async hello")));
        Set<String> threads = new HashSet<>();

        Page p = store.latestAsync(PROJECT, 5).thenApply(page -> {
            threads.add(Thread.currentThread().getName());
            return page;
        }).get(30, TimeUnit.SECONDS);
        Page s = store.searchAsync(SearchScope.channels("libera", "#project"), "hello", 5, null).get(30, TimeUnit.SECONDS);

        assertThat(texts(p)).containsExactly("async hello");
        assertThat(texts(s)).containsExactly("async hello");
        assertThat(threads).allMatch(n -> n.startsWith("halley-history-read-") || n.equals(Thread.currentThread().getName()));
    }

    @Test
    void countersSayWhatWasWritten() throws Exception {
        HistoryStore store = open();
        List<LineRecord> lines = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            lines.add(line(OTHER, i, "ann", "count " + i));
        }
        write(store, lines);

        assertThat(store.appended()).isEqualTo(1_200);
        assertThat(store.written()).isEqualTo(1_200);
        assertThat(store.dropped()).isZero();
        assertThat(store.rejected()).isZero();
        assertThat(store.queued()).isZero();
        assertThat(store.batches()).isBetween(3L, 1_200L); // 500 a batch at most
        assertThat(store.writeNanos()).isPositive();
        assertThat(pageBackThroughAll(store, OTHER, 500)).hasSize(1_200);
    }

    @Test
    void aPageIsBounded() {
        HistoryStore store = open();

        assertThatThrownBy(() -> store.latest(PROJECT, 0)).hasMessage("limit: 0 (expected: 1..500)");
        assertThatThrownBy(() -> store.latest(PROJECT, 501)).hasMessage("limit: 501 (expected: 1..500)");
        assertThatThrownBy(() -> store.search(SearchScope.channels("libera", "#p"), "x", 10_000, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.latest(PROJECT, 500).older()).isEqualTo(Optional.empty());
    }

    @Test
    void linesWrittenBeforeCloseAreThereAfterReopening() throws Exception {
        StoreSettings s = settings();
        HistoryStore first = open(s);
        for (int i = 0; i < 300; i++) {
            first.append(line(PROJECT, i, "ann", "kept " + i));
        }
        first.close(); // writes what is queued

        HistoryStore second = open(s);

        assertThat(first.dropped()).isZero();
        assertThat(pageBackThroughAll(second, PROJECT, 100)).hasSize(300);
    }
}

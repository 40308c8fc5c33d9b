package org.halley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LineRecordTest {
    static final Conversation C = Conversation.channel("libera", "#halley");

    @Test
    void badLinesFailOnTheCallersThreadWithAReason() {
        Instant t = Instant.now();
        assertThatThrownBy(() -> LineRecord.message(C, t, null, "ann", "a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> LineRecord.message(C, t, null, "ann", "x".repeat(20_000)))
                .hasMessage("text: 20000 chars (expected: <= 16384)");
        assertThatThrownBy(() -> LineRecord.message(C, t, "id\r\n", "ann", "x")).hasMessageContaining("msgid: control character U+000D");
        assertThatThrownBy(() -> Conversation.channel("libera", "")).hasMessage("target: empty");
        assertThatThrownBy(() -> Conversation.ofAccount("libera", "", "bob")).hasMessageContaining("anonymous sessions keep nothing");
        assertThatThrownBy(() -> LineRecord.message(C, Instant.EPOCH.minusSeconds(1), null, "ann", "x")).hasMessageContaining("after 1970");
    }

    @Test
    void theDedupKeyIsTheMsgidOrADigestOfTheLine() {
        Instant t = Instant.ofEpochMilli(1_000);
        assertThat(LineRecord.message(C, t, "abc", "ann", "x").dedupKey()).isEqualTo("m:abc");
        String d = LineRecord.message(C, t, null, "ann", "x").dedupKey();
        assertThat(d).startsWith("h:").hasSize(26);
        assertThat(LineRecord.message(C, t, null, "ann", "x").dedupKey()).isEqualTo(d);
        assertThat(LineRecord.message(C, t.plusMillis(1), null, "ann", "x").dedupKey()).isNotEqualTo(d);
        assertThat(LineRecord.message(C, t, null, "bob", "x").dedupKey()).isNotEqualTo(d);
        assertThat(new LineRecord(C, t, null, "ann", LineKind.NOTICE, "x").dedupKey()).isNotEqualTo(d);
    }

    @Test
    void settingsSayWhatIsWrongAndHideThePassword() {
        assertThatThrownBy(() -> StoreSettings.sqlite(Path.of("h.db")).withPoolSize(0)).hasMessage("poolSize: 0 (expected: 1..100)");
        assertThatThrownBy(() -> StoreSettings.sqlite(Path.of("h.db")).withQueueBound(10))
                .hasMessage("queueBound: 10 (expected: >= batchSize 500)");
        assertThatThrownBy(() -> StoreSettings.sqlite(Path.of("h.db")).withKeep(Duration.ofDays(-1))).hasMessageContaining("keep");
        assertThatThrownBy(() -> StoreSettings.postgresql("jdbc:mysql://x/y", "u", "p")).hasMessageContaining("jdbc:postgresql://");
        assertThat(StoreSettings.postgresql("jdbc:postgresql://db/halley", "halley", "s3cret").toString())
                .contains("password=***").doesNotContain("s3cret");
    }
}

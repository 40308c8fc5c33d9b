package org.halley.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FtsQueryTest {
    @Test
    void wordsAreLettersAndDigitsLowerCased() {
        assertThat(FtsQuery.words("Hello, WORLD! it's 2026 — Ünïcode ok"))
                .containsExactly("hello", "world", "it", "s", "2026", "ünïcode", "ok");
    }

    @Test
    void operatorsAndQuotesAreNotWords() {
        assertThat(FtsQuery.words("\"a\" AND b* NEAR(c) -d ^e f:g & | ! <->")).containsExactly("a", "and", "b", "near",
                "c", "d", "e", "f", "g");
        assertThat(FtsQuery.words("\" ' * ( ) : ^ \\")).isEmpty();
    }

    @Test
    void sqliteGetsQuotedStringsSoKeywordsAreText() {
        assertThat(FtsQuery.sqlite(List.of("and", "near", "x"))).isEqualTo("\"and\" \"near\" \"x\"");
        assertThat(FtsQuery.sqlite(List.of("a\"b"))).isEqualTo("\"a\"\"b\"");
    }

    @Test
    void wordsAreBoundedInNumberAndLength() {
        assertThat(FtsQuery.words("w ".repeat(100))).hasSize(FtsQuery.MAX_WORDS);
        assertThat(FtsQuery.words("y".repeat(1_000)).getFirst()).hasSize(FtsQuery.MAX_WORD);
    }
}

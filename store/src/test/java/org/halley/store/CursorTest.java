package org.halley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CursorTest {
    @Test
    void aCursorSurvivesItsString() {
        Cursor c = new Cursor(1_765_000_000_123L, 987_654_321L);

        String s = c.encode();

        assertThat(s).matches("[A-Za-z0-9_-]{23}");
        assertThat(Cursor.parse(s)).isEqualTo(c);
    }

    @Test
    void anythingElseIsRefusedWithAReason() {
        assertThatThrownBy(() -> Cursor.parse("short")).isInstanceOf(Cursor.BadCursorException.class)
                .hasMessage("cursor: 5 chars (expected: 23, the opaque string a history page returned)");
        assertThatThrownBy(() -> Cursor.parse("!!!!!!!!!!!!!!!!!!!!!!!")).hasMessageContaining("not base64url");
        assertThatThrownBy(() -> Cursor.parse("AgAAAAAAAAAAAAAAAAAAAAA")).hasMessageContaining("unknown version");
        // version 1, negative time
        assertThatThrownBy(() -> Cursor.parse("Af____________________8")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Cursor.parse(null)).isInstanceOf(NullPointerException.class);
    }
}

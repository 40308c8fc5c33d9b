package org.halley.push.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsTheApisAnswers() {
        assertThat(Json.parse("{\"seq\":12}")).isEqualTo(Map.of("seq", 12L));
        assertThat(Json.parse(" {\"sessions\":[{\"session\":\"a.x\",\"seq\":1}],\"e\":null,\"ok\":true,\"f\":1.5} "))
                .isEqualTo(new java.util.LinkedHashMap<>(Map.of("sessions", List.of(Map.of("session", "a.x", "seq", 1L)), "ok", true, "f", 1.5)) {
                    {
                        put("e", null);
                    }
                });
        assertThat(Json.parse("\"\\u003cb\\u003e \\\"q\\\"\"")).isEqualTo("<b> \"q\"");
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThatThrownBy(() -> Json.parse("{\"a\":}")).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> Json.parse("[1,2")).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> Json.parse("1 2")).hasMessageStartingWith("not JSON");
    }

    @Test
    void quotesSafely() {
        assertThat(Json.quote("a\"b\\c\n</script>")).isEqualTo("\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e\"");
    }
}

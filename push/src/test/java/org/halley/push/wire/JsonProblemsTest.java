package org.halley.push.wire;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a browser is told (400 bad-message, a WebSocket close reason) for each class of broken JSON. */
class JsonProblemsTest {

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("[".repeat(40) + "]".repeat(40), "nested more than 32 levels deep"),
                Arguments.of("{\"cseq\":" + "1".repeat(50) + ",\"data\":1}", "a number longer than 32 digits"),
                Arguments.of("{\"cseq\":1,\"data\":", "not JSON: it ends inside a value (an object, list or string is not closed)"),
                Arguments.of("{\"cseq\":1,\"data\":\"a\u0001\"}", "not JSON: a control character inside a string must be escaped (at character 20)"),
                Arguments.of("{\"cseq\":1,\"data\":\"\\q\"}", "not JSON: a backslash escape JSON does not have (at character 20)"),
                Arguments.of("{\"cseq\":1,\"data\":tru}", "not JSON: a word that is not true, false or null (at character 18)"),
                Arguments.of("{\"cseq\":1 \"data\":1}", "not JSON: a bracket, comma or quote is missing or extra (at character 11)"),
                Arguments.of("{\"cseq\":1,\"data\":1]", "not JSON: a bracket, comma or quote is missing or extra (at character 19)"),
                Arguments.of("{\"cseq\":01,\"data\":1}", "not JSON: a number is not written as JSON or is out of range (at character 10)"),
                Arguments.of("<xml/>", "not JSON (at character 1)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("broken")
    void brokenJsonIsSaidInHalleysWordsWithoutJacksonsInsides(String text, String message) {
        assertThatThrownBy(() -> ClientMessages.parse(text))
                .hasMessage(message)
                .hasMessageNotContaining("StreamReadConstraints")
                .hasMessageNotContaining("Source:")
                .hasMessageNotContaining("com.fasterxml")
                .hasMessageNotContaining("Exception");
    }
}

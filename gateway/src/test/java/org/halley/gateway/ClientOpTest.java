package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientOpTest {

    @Test
    void readsEachOp() throws CommandRejectedException {
        assertThat(ClientOp.parse("{\"op\":\"connect\",\"network\":\"demo\",\"nick\":\"bob\",\"channels\":[\"#a\"]}"))
                .isEqualTo(new ClientOp.Connect("demo", "bob", "", "", List.of("#a")));
        assertThat(ClientOp.parse("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#a\",\"text\":\"hi\"}"))
                .isEqualTo(new ClientOp.Command("demo", new ChatCommand.Say("#a", "hi")));
        assertThat(ClientOp.parse("{\"op\":\"join\",\"network\":\"demo\",\"channel\":\"#a\"}"))
                .isEqualTo(new ClientOp.Command("demo", new ChatCommand.Join("#a", "")));
    }

    @Test
    void shapeMistakesNameTheField() {
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#a\"}")).hasMessage("text: is missing");
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"say\",\"network\":\"demo\",\"target\":1,\"text\":\"x\"}"))
                .hasMessage("target: must be a string, not a number");
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"raw\",\"network\":\"demo\",\"line\":\"QUIT\"}")).hasMessage("op: unknown operation 'raw'");
        assertThatThrownBy(() -> ClientOp.parse("[]"))
                .hasMessage("expected a JSON object (an operation like {\"op\":\"say\", ...}), not a list");
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"connect\",\"network\":\"d\",\"channels\":\"#a\"}"))
                .hasMessage("channels: must be a list of at most 50 strings");
    }

    /** What a page (or whoever drives it) may send as {@code data}, each class of it, and what it is told. */
    static Stream<Arguments> hostileOps() {
        return Stream.of(
                Arguments.of("too deep", "{\"op\":\"say\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}",
                        "nested more than 8 levels deep"),
                Arguments.of("too long a number", "{\"op\":" + "9".repeat(40) + "}",
                        "a number longer than 32 digits"),
                Arguments.of("not JSON", "{\"op\":", "not JSON: it ends inside a value (an object, list or string is not closed)"),
                Arguments.of("not JSON, a word", "{\"op\":nope}", "not JSON: a word that is not true, false or null (at character 7)"),
                Arguments.of("empty", "", "empty; expected an operation like {\"op\":\"say\", ...}"),
                Arguments.of("a string", "\"say\"", "expected a JSON object (an operation like {\"op\":\"say\", ...}), not a string"),
                Arguments.of("a number", "12", "expected a JSON object (an operation like {\"op\":\"say\", ...}), not a number"),
                Arguments.of("op of a wrong type", "{\"op\":{\"$class\":\"java.lang.Runtime\"}}", "op: must be a string, not an object"),
                Arguments.of("op missing", "{\"network\":\"demo\"}", "op: is missing"),
                Arguments.of("unknown op, long", "{\"op\":\"" + "x".repeat(5000) + "\",\"network\":\"d\"}",
                        "op: unknown operation '" + "x".repeat(40) + "…'"),
                Arguments.of("unknown op, control characters", "{\"op\":\"a\\r\\nb\",\"network\":\"d\"}", "op: unknown operation 'a??b'"),
                Arguments.of("field missing", "{\"op\":\"join\",\"network\":\"d\"}", "channel: is missing"),
                Arguments.of("field of a wrong type", "{\"op\":\"join\",\"network\":\"d\",\"channel\":[\"#a\"]}",
                        "channel: must be a string, not a list"),
                Arguments.of("list of wrong things", "{\"op\":\"connect\",\"network\":\"d\",\"channels\":[1]}",
                        "channels: must be a list of strings"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileOps")
    void hostileOpsAreRefusedInHalleysWordsWithoutJacksonsOrJavas(String what, String json, String message) {
        assertThatThrownBy(() -> ClientOp.parse(json))
                .isInstanceOf(CommandRejectedException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainIgnoringCase("jackson")
                        .doesNotContain("StreamReadConstraints", "com.fasterxml", "Exception", "Source:", "line:", "column:",
                                "java.lang.Runtime", "getMax"));
    }

    @Test
    void eventsBecomeTheDocumentedJson() {
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        assertThat(EventJson.encode("demo", new ChatEvent.Message(t, "#a", "alice", "<b>hi</b>", ChatEvent.Kind.ACTION, false)))
                .isEqualTo("{\"type\":\"message\",\"network\":\"demo\",\"time\":\"2026-11-25T10:00:00Z\",\"conversation\":\"#a\","
                        + "\"from\":\"alice\",\"text\":\"<b>hi</b>\",\"kind\":\"action\",\"self\":false}");
        assertThat(EventJson.encode("demo", new ChatEvent.Problem(t, "invalid", "channel", "one channel at a time", "")))
                .isEqualTo("{\"type\":\"problem\",\"network\":\"demo\",\"time\":\"2026-11-25T10:00:00Z\",\"code\":\"invalid\","
                        + "\"field\":\"channel\",\"message\":\"one channel at a time\",\"conversation\":\"\"}");
    }
}

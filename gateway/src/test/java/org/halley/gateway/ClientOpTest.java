package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import org.junit.jupiter.api.Test;

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
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"say\",\"network\":\"demo\",\"target\":1,\"text\":\"x\"}")).hasMessage("target: must be a string");
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"raw\",\"network\":\"demo\",\"line\":\"QUIT\"}")).hasMessage("op: unknown operation 'raw'");
        assertThatThrownBy(() -> ClientOp.parse("[]")).hasMessage("expected a JSON object");
        assertThatThrownBy(() -> ClientOp.parse("{\"op\":\"connect\",\"network\":\"d\",\"channels\":\"#a\"}"))
                .hasMessage("channels: must be a list of at most 50 strings");
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

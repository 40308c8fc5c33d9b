package org.halley.push.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.halley.push.wire.ClientMessages.BadMessageException;
import org.halley.push.wire.ClientMessages.ClientMessage;
import org.junit.jupiter.api.Test;

class ClientMessagesTest {

    @Test
    void readsOneMessageOrABatch() throws BadMessageException {
        assertThat(ClientMessages.parse("{\"cseq\":1,\"data\":{\"op\":\"x\"}}")).containsExactly(new ClientMessage(1, "{\"op\":\"x\"}"));
        assertThat(ClientMessages.parse("[{\"cseq\":1,\"data\":1},{\"cseq\":2,\"data\":\"two\"}]"))
                .containsExactly(new ClientMessage(1, "1"), new ClientMessage(2, "\"two\""));
    }

    @Test
    void heartbeatIsNoMessage() throws BadMessageException {
        assertThat(ClientMessages.parse("{\"type\":\"hb\"}")).isEmpty();
    }

    @Test
    void malformedInputSaysWhy() {
        assertThatThrownBy(() -> ClientMessages.parse("{")).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> ClientMessages.parse("")).hasMessage("empty message");
        assertThatThrownBy(() -> ClientMessages.parse("3")).hasMessage("a message must be a JSON object");
        assertThatThrownBy(() -> ClientMessages.parse("{\"cseq\":0,\"data\":1}")).hasMessage("cseq must be a whole number >= 1");
        assertThatThrownBy(() -> ClientMessages.parse("{\"cseq\":1.5,\"data\":1}")).hasMessage("cseq must be a whole number >= 1");
        assertThatThrownBy(() -> ClientMessages.parse("{\"cseq\":1}")).hasMessage("data is missing");
        assertThatThrownBy(() -> ClientMessages.parse("{\"cseq\":1,\"data\":1,\"x\":2}")).hasMessage("a message has only cseq and data");
        assertThatThrownBy(() -> ClientMessages.parse("{\"type\":\"evil\"}")).hasMessage("unknown message type");
        assertThatThrownBy(() -> ClientMessages.parse("[" + "[".repeat(100) + "]".repeat(100) + "]"))
                .hasMessage("nested more than 32 levels deep");
    }
}

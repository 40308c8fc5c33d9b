package org.halley.push.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopesTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void scriptUnsafeCharactersAreEscapedInsideJson() {
        String evil = "{\"text\":\"</script><script>alert(1)</script>&\u2028\u2029\"}";
        String safe = s(Envelopes.safeJson(evil));
        assertThat(safe).doesNotContain("<", ">", "&", "\u2028", "\u2029");
        assertThat(safe).isEqualTo("{\"text\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026\\u2028\\u2029\"}");
    }

    @Test
    void plainJsonIsUnchanged() {
        assertThat(s(Envelopes.safeJson("{\"a\":\"ünï\"}"))).isEqualTo("{\"a\":\"ünï\"}");
    }

    @Test
    void eventEnvelopeCarriesTheSequenceNumber() {
        assertThat(s(Envelopes.event(42, "{\"x\":1}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("{\"seq\":42,\"event\":{\"x\":1}}");
    }

    @Test
    void controlMessages() {
        assertThat(s(Envelopes.hello("n.abc", "websocket", 7, 3, 25000)))
                .isEqualTo("{\"type\":\"hello\",\"session\":\"n.abc\",\"transport\":\"websocket\",\"seq\":7,\"ack\":3,\"heartbeat\":25000}");
        assertThat(s(Envelopes.reset(9))).isEqualTo("{\"type\":\"reset\",\"seq\":9}");
        assertThat(s(Envelopes.ack(4))).isEqualTo("{\"type\":\"ack\",\"ack\":4}");
        assertThat(s(Envelopes.close("expired\"<x>"))).isEqualTo("{\"type\":\"close\",\"reason\":\"expired--x-\"}");
        assertThat(s(Envelopes.goingAway())).isEqualTo("{\"type\":\"going-away\"}");
    }
}

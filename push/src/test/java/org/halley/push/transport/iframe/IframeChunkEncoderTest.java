package org.halley.push.transport.iframe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.halley.push.wire.Envelopes;
import org.junit.jupiter.api.Test;

class IframeChunkEncoderTest {
    static final String NONCE = "abcdefghijklmnopqrstuv";

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void callbackMustBeAPlainIdentifier() {
        for (String bad : new String[] {"a.b", "a(1)", "x;alert(1)", "1a", "", "a b", "a".repeat(65), "é"}) {
            assertThatThrownBy(() -> new IframeChunkEncoder(bad, NONCE)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        new IframeChunkEncoder("$halley_1", NONCE);
    }

    @Test
    void preludeBindsTheCallbackAndPadsSoBrowsersRenderAtOnce() {
        String p = text(new IframeChunkEncoder("halley", NONCE).prelude(UnpooledByteBufAllocator.DEFAULT));
        assertThat(p).startsWith("<!DOCTYPE html>").contains("<script nonce=\"" + NONCE + "\">var p=parent.halley;</script>");
        assertThat(p.length()).isGreaterThan(1024);
    }

    @Test
    void eachEnvelopeIsOneScriptThatCannotBeClosedByNetworkText() {
        byte[] evil = Envelopes.event(3, Envelopes.safeJson("{\"t\":\"</script><script>alert(1)</script>\"}"));
        String f = text(new IframeChunkEncoder("halley", NONCE).frame(UnpooledByteBufAllocator.DEFAULT, evil));
        assertThat(f).isEqualTo("<script nonce=\"" + NONCE + "\">p({\"seq\":3,\"event\":{\"t\":\"\\u003c/script\\u003e"
                + "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}})</script>\n");
        assertThat(f.indexOf("</script>")).isEqualTo(f.length() - "</script>\n".length());
    }

    @Test
    void policyRunsOnlyThisResponsesScripts() {
        IframeChunkEncoder e = new IframeChunkEncoder("halley", NONCE);
        assertThat(e.contentSecurityPolicy()).isEqualTo(
                "default-src 'none'; script-src 'nonce-" + NONCE + "'; frame-ancestors 'self'; base-uri 'none'");
        assertThat(e.contentType()).isEqualTo("text/html; charset=utf-8");
    }
}

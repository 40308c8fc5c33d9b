package org.halley.push.transport.longpolling;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.halley.push.transport.EmbeddedSession;
import org.junit.jupiter.api.Test;

class LongPollHandlerTest {
    final AtomicInteger done = new AtomicInteger();

    private LongPollHandler poll(EmbeddedSession e, long last, boolean wait) {
        LongPollHandler h = new LongPollHandler(new DefaultHttpHeaders(), true, wait, done::incrementAndGet, e.session, last,
                e.config, e.shards.counters());
        e.channel.pipeline().addLast(h);
        h.begin0();
        return h;
    }

    private static String body(EmbeddedSession e) {
        FullHttpResponse r = e.channel.readOutbound();
        assertThat(r).as("an answer").isNotNull();
        try {
            assertThat(r.headers().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(r.headers().get("Connection")).isEqualTo("keep-alive");
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void aPollIsHeldUntilAnEventComes() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        poll(e, 0, true);
        assertThat((Object) e.channel.readOutbound()).isNull();
        e.session.send("{\"a\":1}");
        assertThat(body(e)).startsWith("[{\"type\":\"hello\"").endsWith(",{\"seq\":1,\"event\":{\"a\":1}}]");
        assertThat(done).hasValue(1);
        assertThat(e.channel.pipeline().get(LongPollHandler.class)).as("left the pipeline").isNull();
        assertThat(e.session.downstream0()).isNull();
        e.session.send("2");
        assertThat((Object) e.channel.readOutbound()).as("nothing until the next poll").isNull();
        poll(e, 1, true);
        assertThat(body(e)).endsWith(",{\"seq\":2,\"event\":2}]");
    }

    @Test
    void aQuietPollIsAnsweredWithAHeartbeatAfterOneInterval() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        poll(e, 0, true);
        e.advance(EmbeddedSession.HEARTBEAT.minusMillis(1));
        assertThat((Object) e.channel.readOutbound()).isNull();
        e.advance(java.time.Duration.ofMillis(1));
        assertThat(body(e)).endsWith(",{\"type\":\"hb\"}]");
    }

    @Test
    void waitZeroAnswersAtOnce() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        poll(e, 0, false);
        assertThat(body(e)).startsWith("[{\"type\":\"hello\"").doesNotContain("},{");
    }

    @Test
    void aBacklogIsSentInBatchesOfAtMostTheWriteBuffer() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        String pad = "y".repeat(10_000);
        for (int i = 0; i < 20; i++) {
            e.session.send("\"" + pad + "\"");
        }
        poll(e, 0, true);
        String first = body(e);
        assertThat(first.length()).isBetween(64 * 1024, 64 * 1024 + 11_000);
        assertThat(first).doesNotContain("\"seq\":8,");
    }
}

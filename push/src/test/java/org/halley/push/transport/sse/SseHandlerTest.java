package org.halley.push.transport.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import org.halley.push.transport.EmbeddedSession;
import org.junit.jupiter.api.Test;

/** The SSE handler (and so the shared HTTP streaming behaviour) on an EmbeddedChannel. */
class SseHandlerTest {

    private static SseHandler open(EmbeddedSession e, long last) {
        SseHandler h = new SseHandler(new DefaultHttpHeaders(), e.session, last, e.config, e.shards.counters());
        e.channel.pipeline().addLast(h);
        h.begin0();
        return h;
    }

    @Test
    void answersWithAStreamThatStartsWithHelloAndCarriesEvents() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e, 0);
        HttpResponse head = e.channel.readOutbound();
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().get("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(head.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(head.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(head.headers().get("X-Accel-Buffering")).isEqualTo("no");
        assertThat(e.nextContent()).startsWith("data: {\"type\":\"hello\",\"session\":\"" + e.session.id() + "\",\"transport\":\"sse\"");
        e.session.send("{\"x\":1}");
        assertThat(e.nextContent()).isEqualTo("id: 1\ndata: {\"seq\":1,\"event\":{\"x\":1}}\n\n");
    }

    @Test
    void anIdleStreamGetsAHeartbeatEachIntervalAndABusyOneDoesNot() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e, 0);
        e.channel.readOutbound();
        e.nextContent(); // hello
        e.advance(EmbeddedSession.HEARTBEAT); // hello was written in this interval
        assertThat((Object) e.channel.readOutbound()).isNull();
        e.advance(EmbeddedSession.HEARTBEAT);
        assertThat(e.nextContent()).isEqualTo("data: {\"type\":\"hb\"}\n\n");
        e.advance(Duration.ofSeconds(5));
        e.session.send("1");
        e.nextContent();
        e.advance(Duration.ofSeconds(5));
        assertThat((Object) e.channel.readOutbound()).as("an event went out in this interval").isNull();
    }

    @Test
    void resumesAfterLastAndSaysResetWhenTheGapIsGone() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        for (int i = 0; i < 5; i++) {
            e.session.send(Integer.toString(i));
        }
        open(e, 3);
        e.channel.readOutbound();
        assertThat(e.nextContent()).contains("\"seq\":5");
        assertThat(e.nextContent()).startsWith("id: 4\n");
        assertThat(e.nextContent()).startsWith("id: 5\n");
        assertThat((Object) e.channel.readOutbound()).isNull();
    }

    @Test
    void theStreamEndsAfterItsByteLimitAndTheSessionLingers() {
        EmbeddedSession e = new EmbeddedSession(4096);
        open(e, 0);
        e.channel.readOutbound();
        e.nextContent();
        String pad = "x".repeat(1000);
        for (int i = 0; i < 10; i++) {
            e.session.send("\"" + pad + "\"");
        }
        int events = 0;
        Object o;
        while (!((o = e.channel.readOutbound()) instanceof LastHttpContent)) {
            assertThat(o).isNotNull();
            ((io.netty.util.ReferenceCounted) o).release();
            events++;
        }
        assertThat(events).isBetween(3, 5);
        assertThat(e.channel.isOpen()).isFalse();
        assertThat(e.session.downstream0()).isNull();
        assertThat(e.session.isClosed0()).isFalse();
    }

    @Test
    void anEndedSessionSaysCloseAndEndsTheStream() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e, 0);
        e.channel.readOutbound();
        e.nextContent();
        e.session.close("bye");
        assertThat(e.nextContent()).isEqualTo("data: {\"type\":\"close\",\"reason\":\"bye\"}\n\n");
        assertThat((Object) e.channel.readOutbound()).isInstanceOf(LastHttpContent.class);
        assertThat(e.channel.isOpen()).isFalse();
    }
}

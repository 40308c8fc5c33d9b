package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A browser that stops reading is found by writability, cut after {@code slow-consumer-timeout},
 * counted, and can resume everything it missed; the producer never waits. Long polling is left
 * out: a poll's answer is bounded by {@code write-buffer-bytes}, so it cannot fall behind.
 */
class SlowConsumerIT {
    static final int EVENTS = 6000;
    static final String PAD = "p".repeat(4000);
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 5s, write-buffer-bytes: 16KiB, slow-consumer-timeout: 300ms, stream-max-bytes: 1GiB",
                "session-buffer-events: 10000, session-buffer-bytes: 64MiB, linger: 10s");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, mode = EnumSource.Mode.EXCLUDE, names = "LONG_POLLING")
    void aClientThatStopsReadingIsCutCountedAndResumesWithoutLoss(Transport t) throws Exception {
        Created s = push.create();
        try (RawClient raw = new RawClient(push.server.port(), 4096)) {
            if (t == Transport.WEBSOCKET) {
                raw.upgrade(t.path(s.id(), s.token(), 0), false);
            } else {
                raw.request("GET " + t.path(s.id(), s.token(), 0) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            }
            await().until(() -> push.server.counters().snapshot().connections() == 1);
            PushSession session = push.session(s);
            long start = System.nanoTime();
            for (int i = 1; i <= EVENTS; i++) {
                session.send("{\"n\":" + i + ",\"pad\":\"" + PAD + "\"}");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the producer never waits").isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> push.server.counters().snapshot().slowConsumerCuts() == 1);
        }
        // Resume. This reader may itself stall past the 300 ms limit on a busy machine and be cut
        // again: then it resumes again, as a browser would.
        Transport.Connection c = push.connect(t, s, 0);
        long last = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (last < EVENTS) {
            assertThat(System.nanoTime()).as("all events within 60 s; at " + last).isLessThan(deadline);
            JsonNode e = c.received.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (e == null) {
                if (c.ended && c.received.isEmpty()) {
                    c = push.connect(t, s, last);
                }
                continue;
            }
            String type = e.path("type").asText();
            if (type.equals("hello") || type.equals("hb")) {
                continue;
            }
            assertThat(e.has("seq") && type.isEmpty()).as("an event: " + e).isTrue();
            assertThat(e.get("seq").asLong()).isEqualTo(last + 1);
            last++;
        }
        assertThat(push.server.counters().snapshot().overrunCuts()).isZero();
        c.abort();
    }
}

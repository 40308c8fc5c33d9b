package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.halley.config.LimitsConfig;
import org.halley.push.PushFixture.Created;
import org.halley.push.api.ApiCallCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an operator relies on, against a real server over every transport: a drain tells each
 * browser to reconnect (and not that its session ended) and refuses new sessions; the shards'
 * counts move as sessions and events happen; limits change at run time.
 */
class PushOperationsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 5s", "sessions-per-ip: 1000");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aDrainTellsEachBrowserToReconnectElsewhereAndRefusesNewSessions(Transport t) throws Exception {
        Created s = push.create();
        Transport.Connection c = push.connect(t, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        push.session(s).send("{\"n\":1}");
        assertThat(c.nextReal().get("seq").asLong()).isEqualTo(1);

        push.server.drain();
        HttpResponse<String> refused = push.post("/push/session", "{}", Map.of("Origin", PushFixture.ORIGIN));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("\"error\":\"draining\"");
        HttpResponse<String> prebind = push.post("/push/api/sessions", "{\"user\":\"alice\"}",
                Map.of("Authorization", "Bearer " + PushFixture.API_SECRET));
        assertThat(prebind.statusCode()).isEqualTo(503);
        push.session(s).send("{\"n\":2}"); // sessions already open go on until told to leave
        assertThat(c.nextReal().get("seq").asLong()).isEqualTo(2);

        assertThat(push.server.goAway().get(5, TimeUnit.SECONDS)).isEqualTo(1);
        await().atMost(WAIT).until(() -> c.ended);
        if (t == Transport.WEBSOCKET) {
            assertThat(c.status).isEqualTo(1001);
        }
        List<JsonNode> rest = new ArrayList<>(c.received);
        assertThat(rest).noneMatch(m -> m.path("type").asText().equals("close")); // not "ended": reconnect
        if (t != Transport.LONG_POLLING || !rest.isEmpty()) { // between two polls there is no one to tell: the next gets 403
            assertThat(rest).last().as("the last message").satisfies(m -> assertThat(m.path("type").asText()).isEqualTo("going-away"));
        }
        assertThat(push.app.closed).containsEntry(s.id(), Session.GOING_AWAY);
        assertThat(push.server.sessions()).isZero();
        assertThat(push.server.stats().goneAway()).isEqualTo(1);

        // A browser that missed going-away (between two polls, or reconnecting) is told on its
        // next request that the session was sent away, not that it was lost; a wrong token is not.
        Transport.Connection again = push.connect(t, s, 2);
        await().atMost(WAIT).until(() -> again.status != -1);
        assertThat(again.status).isEqualTo(t == Transport.WEBSOCKET ? 4410 : 410);
        again.abort();
        HttpResponse<String> send = push.post("/push/send?session=" + s.id(), "[]", Map.of("X-Halley-Token", s.token()));
        assertThat(send.statusCode()).isEqualTo(410);
        assertThat(send.body()).contains("\"error\":\"going-away\"");
        HttpResponse<String> guess = push.post("/push/send?session=" + s.id(), "[]", Map.of("X-Halley-Token", "x".repeat(22)));
        assertThat(guess.statusCode()).isEqualTo(403);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theShardsCountConnectionsEventsBytesAndLatency(Transport t) throws Exception {
        ShardStats.Snapshot before = push.server.stats();
        Created s = push.create();
        Transport.Connection c = push.connect(t, s, 0);
        c.nextReal();
        int slot = ShardStats.transport(t.wireName);
        await().atMost(WAIT).until(() -> push.server.stats().attached()[slot] == before.attached()[slot] + 1);
        PushSession session = push.session(s);
        for (int i = 1; i <= 20; i++) {
            session.send("{\"n\":" + i + "}", System.nanoTime());
        }
        for (int i = 1; i <= 20; i++) {
            assertThat(c.nextReal().get("seq").asLong()).isEqualTo(i);
        }
        c.send("[{\"cseq\":1,\"data\":\"hi\"},{\"cseq\":2,\"data\":\"there\"}]");
        await().atMost(WAIT).until(() -> push.app.messages.size() == 2);

        ShardStats.Snapshot after = push.server.stats();
        assertThat(after.eventsOut() - before.eventsOut()).isGreaterThanOrEqualTo(20);
        assertThat(after.bytesOut() - before.bytesOut()).isGreaterThanOrEqualTo(20 * "{\"seq\":1,\"event\":{\"n\":1}}".length());
        assertThat(after.messagesIn() - before.messagesIn()).isEqualTo(2);
        assertThat(after.bytesIn() - before.bytesIn()).isGreaterThan(0);
        assertThat(after.latencyCount() - before.latencyCount()).isEqualTo(20);
        assertThat(after.latencySumNanos()).isGreaterThan(before.latencySumNanos());
        assertThat(sum(after.latencyBuckets()) - sum(before.latencyBuckets())).isEqualTo(20);
        assertThat(after.connects()[slot] - before.connects()[slot]).isGreaterThanOrEqualTo(1);

        c.abort();
        await().atMost(WAIT).until(() -> push.server.stats().attached()[slot] == before.attached()[slot]);
        assertThat(push.server.stats().disconnects()[slot]).isGreaterThan(before.disconnects()[slot]);

        if (t != Transport.LONG_POLLING) { // a poll cut between two polls is not told apart from the next poll
            Transport.Connection resumed = push.connect(t, s, 20);
            assertThat(resumed.nextReal().get("type").asText()).isEqualTo("hello");
            await().atMost(WAIT).until(() -> push.server.stats().resumes() == before.resumes() + 1);
            resumed.abort();
        }
    }

    @Test
    void pushApiAnswersAreCountedByOperationAndStatus() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + PushFixture.API_SECRET);
        assertThat(push.post("/push/api/sessions", "{\"user\":\"bob\"}", auth).statusCode()).isEqualTo(201);
        assertThat(push.post("/push/api/users/nobody/events", "{}", auth).statusCode()).isEqualTo(404);
        assertThat(push.post("/push/api/users/bob/events", "{}", Map.of()).statusCode()).isEqualTo(401);
        Map<ApiCallCounter.Key, Long> calls = push.server.apiCalls();
        assertThat(calls).containsEntry(new ApiCallCounter.Key("prebind", 201), 1L)
                .containsEntry(new ApiCallCounter.Key("user-event", 404), 1L)
                .containsEntry(new ApiCallCounter.Key("user-event", 401), 1L);
    }

    @Test
    void limitsChangeAtRunTime() throws Exception {
        push.create();
        push.server.limits(new LimitsConfig(1, 1000, 100, 65536, Duration.ofSeconds(60)));
        HttpResponse<String> full = push.post("/push/session", "{}", Map.of("Origin", PushFixture.ORIGIN));
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.body()).contains("server-full");
        push.server.limits(new LimitsConfig(2, 1000, 100, 65536, Duration.ofSeconds(60)));
        push.create();
        List<SessionSummary> all = push.server.summaries().get(5, TimeUnit.SECONDS);
        assertThat(all).hasSize(2).allMatch(x -> x.transport().isEmpty() && x.createdMillis() > 0);
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) {
            s += x;
        }
        return s;
    }
}

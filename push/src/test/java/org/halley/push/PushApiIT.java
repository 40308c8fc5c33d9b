package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The application push API: prebind, events to sessions and users, and its checks. */
class PushApiIT {
    static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + PushFixture.API_SECRET);
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 5s", "linger: 5s, sessions-per-ip: 3");
    }

    @AfterEach
    void stop() throws Exception {
        if (push != null) {
            push.close();
        }
    }

    Created prebind(String user) throws Exception {
        HttpResponse<String> r = push.post("/push/api/sessions", "{\"user\":\"" + user + "\"}", AUTH);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = Transport.JSON.readTree(r.body());
        String id = n.get("session").asText();
        await().until(() -> push.app.sessions.containsKey(id));
        assertThat(push.app.sessions.get(id).user()).hasValue(user);
        return new Created(id, n.get("token").asText());
    }

    @Test
    void anEventToASessionIsAcceptedWithItsSequenceNumberAndDelivered() throws Exception {
        Created s = prebind("alice");
        Transport.Connection c = push.connect(Transport.SSE, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = push.post("/push/api/sessions/" + s.id() + "/events", "{\"n\": " + i + ", \"t\": \"<b>\"}", AUTH);
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("{\"seq\":" + i + "}");
            JsonNode e = c.nextReal();
            assertThat(e.get("seq").asLong()).isEqualTo(i);
            assertThat(e.get("event").get("t").asText()).isEqualTo("<b>");
        }
        c.abort();
    }

    @Test
    void anEventToAUserReachesEachOfItsSessions() throws Exception {
        Created a1 = prebind("bob");
        Created a2 = prebind("bob");
        prebind("carol");
        long published = push.server.counters().snapshot().eventsPublished();
        push.session(a1).send("{\"before\":1}");
        // A task on a1's loop; the API call below may be read on that loop and run first.
        await().until(() -> push.server.counters().snapshot().eventsPublished() == published + 1);
        HttpResponse<String> r = push.post("/push/api/users/bob/events", "\"hi bob\"", AUTH);
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode sessions = Transport.JSON.readTree(r.body()).get("sessions");
        assertThat(sessions).hasSize(2);
        Map<String, Long> seqs = new java.util.HashMap<>();
        sessions.forEach(n -> seqs.put(n.get("session").asText(), n.get("seq").asLong()));
        assertThat(seqs).containsEntry(a1.id(), 2L).containsEntry(a2.id(), 1L);
        Transport.Connection c = push.connect(Transport.LONG_POLLING, a2, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        assertThat(c.nextReal().get("event").asText()).isEqualTo("hi bob");
        c.abort();
        assertThat(push.post("/push/api/users/nobody/events", "1", AUTH).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownTargetsAre404AndAnotherNodesSessionIs421() throws Exception {
        HttpResponse<String> unknown = push.post("/push/api/sessions/n1." + "Z".repeat(22) + "/events", "1", AUTH);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no-session");
        assertThat(push.post("/push/api/sessions/garbage/events", "1", AUTH).statusCode()).isEqualTo(404);
        HttpResponse<String> other = push.post("/push/api/sessions/n7." + "Z".repeat(22) + "/events", "1", AUTH);
        assertThat(other.statusCode()).isEqualTo(421);
        assertThat(Transport.JSON.readTree(other.body()).get("node").asText()).isEqualTo("n7");
    }

    @Test
    void aUserOfAnotherNodeIsMisdirectedToItsOwnerForPrebindAndEvents() throws Exception {
        push.close();
        List<String> nodes = List.of("n1", "n2", "n3");
        push = new PushFixture("heartbeat: 5s", "linger: 5s", "n1", nodes);
        // Pinned by the cluster rule (OwnersTest): over three nodes alice is n3's, bob n2's, carol n1's.
        Map<String, String> owners = Map.of("alice", "n3", "bob", "n2", "carol", "n1");
        for (Map.Entry<String, String> e : owners.entrySet()) {
            assertThat(org.halley.cluster.Owners.nodeOfUser(e.getKey(), nodes)).isEqualTo(e.getValue());
        }
        for (String user : List.of("alice", "bob")) {
            HttpResponse<String> bind = push.post("/push/api/sessions", "{\"user\":\"" + user + "\"}", AUTH);
            assertThat(bind.statusCode()).as(bind.body()).isEqualTo(421);
            JsonNode answer = Transport.JSON.readTree(bind.body());
            assertThat(answer.get("error").asText()).isEqualTo("wrong-node");
            assertThat(answer.get("node").asText()).isEqualTo(owners.get(user));
            assertThat(answer.get("message").asText()).isEqualTo("this user belongs to node " + owners.get(user));
            HttpResponse<String> event = push.post("/push/api/users/" + user + "/events", "1", AUTH);
            assertThat(event.statusCode()).isEqualTo(421);
            assertThat(Transport.JSON.readTree(event.body()).get("node").asText()).isEqualTo(owners.get(user));
        }
        assertThat(push.app.sessions).as("no session was created for another node's user").isEmpty();
        Created mine = prebind("carol");
        assertThat(mine.id()).startsWith("n1.");
        assertThat(push.post("/push/api/users/carol/events", "1", AUTH).statusCode()).isEqualTo(202);
        assertThat(push.server.counters().snapshot().misdirected()).isEqualTo(4);
    }

    @Test
    void aNodeAddedAtRunTimeTakesItsUsersAndSessionsStayWhereTheyAre() throws Exception {
        push.close();
        List<String> three = List.of("n1", "n2", "n3");
        List<String> four = List.of("n1", "n2", "n3", "n4");
        push = new PushFixture("heartbeat: 5s", "linger: 5s", "n1", three);
        String moving = null;
        String staying = null;
        for (int i = 0; moving == null || staying == null; i++) {
            String u = "user-" + i;
            if (org.halley.cluster.Owners.nodeOfUser(u, three).equals("n1")) {
                if (org.halley.cluster.Owners.nodeOfUser(u, four).equals("n4")) {
                    moving = moving == null ? u : moving;
                } else {
                    staying = staying == null ? u : staying;
                }
            }
        }
        Created before = prebind(moving);

        push.server.nodes(four); // what a config reload does
        HttpResponse<String> bind = push.post("/push/api/sessions", "{\"user\":\"" + moving + "\"}", AUTH);
        assertThat(bind.statusCode()).isEqualTo(421);
        assertThat(Transport.JSON.readTree(bind.body()).get("node").asText()).isEqualTo("n4");
        assertThat(prebind(staying).id()).startsWith("n1.");
        // The session made before stays here, named by its id.
        assertThat(push.post("/push/api/sessions/" + before.id() + "/events", "1", AUTH).statusCode()).isEqualTo(202);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> push.server.nodes(List.of("n2", "n3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n1");
    }

    @Test
    void theApiNeedsTheSecretAndRefusesBrowsersAndBadBodies() throws Exception {
        Created s = prebind("dave");
        String path = "/push/api/sessions/" + s.id() + "/events";
        HttpResponse<String> none = push.post(path, "1", Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"halley\"");
        assertThat(push.post(path, "1", Map.of("Authorization", "Bearer wrong-secret-0123456789")).statusCode()).isEqualTo(401);
        HttpResponse<String> browser = push.post(path, "1", Map.of("Authorization", AUTH.get("Authorization"), "Origin", PushFixture.ORIGIN));
        assertThat(browser.statusCode()).isEqualTo(403);
        HttpResponse<String> bad = push.post(path, "{\"n\":", AUTH);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("not one JSON value");
        HttpResponse<String> deep = push.post(path, "[".repeat(100) + "]".repeat(100), AUTH);
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(deep.body()).contains("the body is not one JSON value: nested more than 64 levels deep")
                .doesNotContain("StreamReadConstraints").doesNotContain("Source:");
        assertThat(push.post("/push/api/sessions", "{\"user\":\"\"}", AUTH).statusCode()).isEqualTo(400);
        assertThat(push.post("/push/api/sessions", "{\"name\":\"x\"}", AUTH).statusCode()).isEqualTo(400);
        assertThat(push.get(path, AUTH).statusCode()).isEqualTo(405);
        assertThat(push.post("/push/api/nothing", "1", AUTH).statusCode()).isEqualTo(404);
    }

    @Test
    void prebindCountsAgainstTheLimitPerUser() throws Exception {
        prebind("erin");
        prebind("erin");
        prebind("erin");
        HttpResponse<String> r = push.post("/push/api/sessions", "{\"user\":\"erin\"}", AUTH);
        assertThat(r.statusCode()).isEqualTo(429);
    }

    @Test
    void closingASessionTellsTheBrowser() throws Exception {
        Created s = prebind("frank");
        Transport.Connection c = push.connect(Transport.XHR_STREAMING, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        HttpResponse<String> r = push.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(push.base
                + "/push/api/sessions/" + s.id() + "?reason=banned")).header("Authorization", AUTH.get("Authorization")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode close = c.nextReal();
        assertThat(close.get("type").asText()).isEqualTo("close");
        assertThat(close.get("reason").asText()).isEqualTo("banned");
        await().until(() -> "banned".equals(push.app.closed.get(s.id())));
    }

    @Test
    void theApiIsOffWithoutASecret() throws Exception {
        push.close();
        org.halley.config.HalleyConfig c = org.halley.config.ConfigLoader.parse("t.yaml",
                "server: {port: 0}\nbridges: [{name: x, kind: irc, host: 127.0.0.1}]\n");
        push = null;
        try (PushServer server = PushServer.builder().server(c.server()).limits(c.limits()).listener(new PushFixture.Recorder()).build().start()) {
            HttpResponse<String> r = Transport.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + server.port() + "/push/api/sessions")).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Authorization", "Bearer x").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("the push API is off");
        }
    }
}

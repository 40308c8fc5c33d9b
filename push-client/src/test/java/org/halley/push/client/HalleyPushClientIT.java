package org.halley.push.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.push.PushListener;
import org.halley.push.PushServer;
import org.halley.push.PushSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against two real push servers, nodes "a" and "b". */
class HalleyPushClientIT {
    static final String SECRET = "client-test-secret-0123";

    final Map<String, PushSession> sessions = new ConcurrentHashMap<>();
    final List<String> ended = new CopyOnWriteArrayList<>();
    PushServer a;
    PushServer b;
    HalleyPushClient client;

    PushServer server(String node) throws Exception {
        HalleyConfig c = ConfigLoader.parse("t.yaml", """
                server: {port: 0, push: {api-secret: %s}}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(SECRET));
        return PushServer.builder().server(c.server()).limits(c.limits()).node(node).nodes(List.of("a", "b")).listener(new PushListener() {
            @Override
            public void opened(PushSession s) {
                sessions.put(s.id(), s);
            }

            @Override
            public void message(PushSession s, String json) {}

            @Override
            public void closed(PushSession s, String reason) {
                ended.add(s.id() + " " + reason);
            }
        }).build().start();
    }

    @BeforeEach
    void start() throws Exception {
        a = server("a");
        b = server("b");
        client = HalleyPushClient.builder()
                .node("a", URI.create("http://127.0.0.1:" + a.port()))
                .node("b", URI.create("http://127.0.0.1:" + b.port()))
                .secret(SECRET)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    /** A user that hashes to {@code node}. */
    String userOn(String node) {
        for (int i = 0; ; i++) {
            if (client.nodeOfUser("user" + i).equals(node)) {
                return "user" + i;
            }
        }
    }

    @Test
    void prebindCreatesTheSessionOnTheUsersNodeAndEventsReachIt() {
        for (String node : List.of("a", "b")) {
            String user = userOn(node);
            HalleyPushClient.Prebound p = client.prebind(user).join();
            assertThat(p.session()).startsWith(node + ".");
            assertThat(p.token()).hasSize(22);
            await().until(() -> sessions.containsKey(p.session()));
            assertThat(sessions.get(p.session()).user()).hasValue(user);
            assertThat(client.sendToSession(p.session(), "{\"n\":1}").join()).isEqualTo(1);
            assertThat(client.sendToSession(p.session(), "{\"n\":2}").join()).isEqualTo(2);
            List<HalleyPushClient.Delivery> d = client.sendToUser(user, "\"all\"").join();
            assertThat(d).containsExactly(new HalleyPushClient.Delivery(p.session(), 3));
        }
    }

    @Test
    void unknownTargetsFailWith404() {
        assertThatThrownBy(() -> client.sendToSession("a." + "Q".repeat(22), "1").join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(PushApiException.class)
                .satisfies(e -> assertThat(((PushApiException) e).status()).isEqualTo(404));
        assertThatThrownBy(() -> client.sendToUser("nobody", "1").join()).cause()
                .satisfies(e -> assertThat(((PushApiException) e).error()).isEqualTo("no-session"));
    }

    @Test
    void aWrongSecretIs401() {
        HalleyPushClient wrong = HalleyPushClient.builder().node("a", URI.create("http://127.0.0.1:" + a.port()))
                .secret("not-the-secret-000000").build();
        assertThatThrownBy(() -> wrong.prebind("x").join()).cause()
                .satisfies(e -> assertThat(((PushApiException) e).status()).isEqualTo(401));
    }

    @Test
    void aWrongNodeNamesTheRightOneAndTheClientFollowsOnce() {
        String user = userOn("b");
        HalleyPushClient.Prebound p = client.prebind(user).join();
        // A client whose list points "b" at node a's address: a answers 421 naming b; following
        // the name leads to a again, which says 421 once more, and the client gives up.
        HalleyPushClient confused = HalleyPushClient.builder()
                .node("a", URI.create("http://127.0.0.1:" + b.port()))
                .node("b", URI.create("http://127.0.0.1:" + a.port()))
                .secret(SECRET).build();
        assertThatThrownBy(() -> confused.sendToSession(p.session(), "1").join()).cause()
                .satisfies(e -> {
                    assertThat(((PushApiException) e).status()).isEqualTo(421);
                    assertThat(((PushApiException) e).node()).hasValue("b");
                });
    }

    @Test
    void aClientWithTheNodesInAnotherOrderIsSentToEachUsersOwnerAndFollows() {
        // The nodes hash users over [a, b]; this client over [b, a], so it asks the wrong node for
        // every user whose index differs. That node names the owner (421) and the client follows.
        HalleyPushClient reordered = HalleyPushClient.builder()
                .node("b", URI.create("http://127.0.0.1:" + b.port()))
                .node("a", URI.create("http://127.0.0.1:" + a.port()))
                .secret(SECRET).build();
        int followed = 0;
        for (int i = 0; i < 6; i++) {
            String user = "mover" + i;
            String owner = client.nodeOfUser(user);
            followed += reordered.nodeOfUser(user).equals(owner) ? 0 : 1;
            HalleyPushClient.Prebound p = reordered.prebind(user).join();
            assertThat(p.session()).as(user).startsWith(owner + ".");
            assertThat(reordered.sendToUser(user, "1").join()).extracting(HalleyPushClient.Delivery::session).containsExactly(p.session());
        }
        assertThat(followed).as("users whose owner the reordered list gets wrong").isPositive();
    }

    @Test
    void closeEndsTheSessionWithTheReason() {
        HalleyPushClient.Prebound p = client.prebind("zoe").join();
        client.close(p.session(), "logged-out").join();
        await().until(() -> ended.contains(p.session() + " logged-out"));
    }
}

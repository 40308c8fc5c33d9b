package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the WebSocket transport does with messages it must not take. */
class WebSocketLimitsIT {
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 300ms, max-message-bytes: 4KiB, compression: true", "linger: 5s");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
    }

    /** A WebSocket that sends no heartbeats: the tests write on its socket directly. */
    private Transport.WsConnection quiet(Created s) {
        Transport.WsConnection c = new Transport.WsConnection();
        c.heartbeats = false;
        c.open(push.http, push.server.port(), s.id(), s.token(), 0);
        return c;
    }

    private String path(Created s) {
        return Transport.WEBSOCKET.path(s.id(), s.token(), 0);
    }

    @Test
    void aMessageOverTheLimitIsClosedWith1009() throws Exception {
        Created s = push.create();
        Transport.WsConnection c = quiet(s);
        c.socket.sendText("{\"cseq\":1,\"data\":\"" + "x".repeat(5000) + "\"}", true);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.status == 1009);
        assertThat(push.app.messages).isEmpty();
    }

    @Test
    void fragmentsThatAddUpPastTheLimitAreClosedWith1009() throws Exception {
        Created s = push.create();
        Transport.WsConnection c = quiet(s);
        for (int i = 0; i < 4; i++) {
            c.socket.sendText("x".repeat(1500), false).join();
        }
        c.socket.sendText("x", true);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.status == 1009);
        assertThat(push.server.counters().snapshot().rejectedTooLarge()).isEqualTo(1);
    }

    @Test
    void aDecompressionBombIsClosedWith1009() throws Exception {
        byte[] bomb = new byte[16 << 20];
        Arrays.fill(bomb, (byte) 'a');
        // Compressed before connecting: on a busy machine, compressing 16 MiB can outlast the
        // three heartbeat intervals after which the server ends a silent WebSocket (4002).
        byte[] compressed = RawClient.deflate(bomb);
        assertThat(compressed.length).as("16 MiB inflate from a few KiB").isLessThan(64 * 1024);
        Created s = push.create();
        try (RawClient raw = new RawClient(push.server.port(), 64 * 1024)) {
            raw.upgrade(path(s), true);
            String head = raw.readHead();
            assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("permessage-deflate");
            raw.frame(1, true, compressed);
            assertThat(raw.awaitClose()).isEqualTo(1009);
        }
        assertThat(push.app.messages).isEmpty();
        await().until(() -> push.server.counters().snapshot().rejectedTooLarge() == 1);
    }

    @Test
    void aCompressedMessageWithinTheLimitIsTaken() throws Exception {
        Created s = push.create();
        try (RawClient raw = new RawClient(push.server.port(), 64 * 1024)) {
            raw.upgrade(path(s), true);
            raw.readHead();
            raw.frame(1, true, RawClient.deflate("{\"cseq\":1,\"data\":\"compressed\"}".getBytes(StandardCharsets.UTF_8)));
            await().until(() -> push.app.messages.contains("\"compressed\""));
        }
    }

    @Test
    void binaryFramesAndMalformedMessagesAreRefused() throws Exception {
        Created s = push.create();
        Transport.WsConnection bin = quiet(s);
        bin.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
        await().atMost(Duration.ofSeconds(5)).until(() -> bin.status == 1003);
        Transport.WsConnection bad = quiet(s);
        bad.socket.sendText("{\"cseq\":\"one\"}", true);
        await().atMost(Duration.ofSeconds(5)).until(() -> bad.status == 1008);
    }

    @Test
    void aClientThatStopsSendingHeartbeatsIsClosedAndMayResume() throws Exception {
        Created s = push.create();
        Transport.WsConnection c = new Transport.WsConnection();
        c.heartbeats = false;
        c.open(push.http, push.server.port(), s.id(), s.token(), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.status == 4002);
        Transport.Connection again = push.connect(Transport.WEBSOCKET, s, 0);
        assertThat(again.nextReal().get("type").asText()).isEqualTo("hello");
    }

    @Test
    void anEndedSessionSaysCloseThen4001() throws Exception {
        Created s = push.create();
        Transport.Connection c = push.connect(Transport.WEBSOCKET, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        push.session(s).close("kicked");
        assertThat(c.nextReal().get("reason").asText()).isEqualTo("kicked");
        await().atMost(Duration.ofSeconds(5)).until(() -> c.status == 4001);
        assertThat(push.app.closed).containsEntry(s.id(), "kicked");
    }
}

package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.halley.push.RawClient.FIN;
import static org.halley.push.RawClient.RSV1;
import static org.halley.push.RawClient.TEXT;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate (RFC 7692) on {@code /push/ws}, in place of Autobahn's 12.* and 13.* cases
 * (the suite on Maven Central, 0.5.6, has none): the offers and parameters the server accepts or
 * declines, context takeover both ways, window bits, messages at the size limit. A raw-socket
 * client compresses with the JDK's Deflater and inflates with its Inflater. Fragmented compressed
 * messages and compressed control frames are in {@link WebSocketRsvIT}.
 */
class WebSocketDeflateIT {
    static final int LIMIT = 64 * 1024;
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 10s, max-message-bytes: 64KiB, compression: true", "linger: 1m");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
    }

    /** Connects offering {@code offer}; returns the client after the 101 and the {@code hello}. */
    private RawClient open(Created s, String offer, StringBuilder head) throws Exception {
        RawClient raw = new RawClient(push.server.port(), 256 * 1024);
        raw.upgrade(Transport.WEBSOCKET.path(s.id(), s.token(), 0), offer);
        head.append(raw.readHead());
        assertThat(head).startsWith("HTTP/1.1 101");
        assertThat(raw.readFrame().text()).contains("\"type\":\"hello\"");
        return raw;
    }

    private static String extensions(StringBuilder head) {
        return head.toString().lines().filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25))
                .map(l -> l.substring(25).replace(" ", "")).findFirst().orElse("");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String message(int cseq, String data) {
        return "{\"cseq\":" + cseq + ",\"data\":\"" + data + "\"}";
    }

    @Test
    void withContextTakeoverManyMessagesInflateAgainstTheWindowOfTheOnesBefore() throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        String text = "the same sentence, over and over, so each message points back into the last one ".repeat(3);
        try (RawClient raw = open(s, "permessage-deflate", head)) {
            assertThat(extensions(head)).isEqualTo("permessage-deflate");
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            List<Integer> sizes = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                byte[] body = RawClient.deflate(d, utf8(message(i, text + i)));
                sizes.add(body.length);
                raw.frame(FIN | RSV1, TEXT, body, false);
            }
            d.end();
            assertThat(sizes.get(1)).as("the second message refers to the first").isLessThan(sizes.get(0) / 3);
            for (int i = 1; i <= 100; i++) {
                assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":" + i + "}");
            }
        }
        assertThat(push.app.messages).hasSize(100).last().isEqualTo("\"" + text + 100 + "\"");
    }

    @Test
    void clientNoContextTakeoverIsAcceptedAndMessagesEachFromAFreshContextInflate() throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        try (RawClient raw = open(s, "permessage-deflate; client_no_context_takeover", head)) {
            assertThat(extensions(head)).startsWith("permessage-deflate");
            for (int i = 1; i <= 3; i++) {
                raw.frame(FIN | RSV1, TEXT, RawClient.deflate(utf8(message(i, "fresh context " + i))), false);
                assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":" + i + "}");
            }
        }
        assertThat(push.app.messages).containsExactly("\"fresh context 1\"", "\"fresh context 2\"", "\"fresh context 3\"");
    }

    @Test
    void serverNoContextTakeoverMakesEveryServerMessageInflateOnItsOwn() throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        String event = "\"" + "an event of more than a kibibyte, sent twice ".repeat(40) + "\"";
        try (RawClient raw = open(s, "permessage-deflate; server_no_context_takeover", head)) {
            assertThat(extensions(head)).isEqualTo("permessage-deflate;server_no_context_takeover");
            push.session(s).send(event);
            push.session(s).send(event);
            for (int i = 0; i < 2; i++) {
                RawClient.Frame f = raw.readFrame();
                assertThat(f.rsv1()).as("compressed").isTrue();
                Inflater fresh = new Inflater(true);
                assertThat(new String(RawClient.inflate(fresh, f.payload()), StandardCharsets.UTF_8)).contains(event);
                fresh.end();
            }
        }
    }

    @Test
    void withServerContextTakeoverTheSecondServerMessageNeedsTheFirstOnesWindow() throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        String event = "\"" + "an event of more than a kibibyte, sent twice ".repeat(40) + "\"";
        try (RawClient raw = open(s, "permessage-deflate", head)) {
            push.session(s).send(event);
            push.session(s).send(event);
            RawClient.Frame first = raw.readFrame();
            RawClient.Frame second = raw.readFrame();
            assertThat(first.rsv1()).isTrue();
            assertThat(second.rsv1()).isTrue();
            Inflater kept = new Inflater(true);
            assertThat(new String(RawClient.inflate(kept, first.payload()), StandardCharsets.UTF_8)).contains(event);
            assertThat(new String(RawClient.inflate(kept, second.payload()), StandardCharsets.UTF_8)).contains(event);
            kept.end();
            Inflater fresh = new Inflater(true);
            assertThatThrownBy(() -> RawClient.inflate(fresh, second.payload())).isInstanceOf(DataFormatException.class);
            fresh.end();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_max_window_bits", "client_max_window_bits=8", "client_max_window_bits=10",
            "client_max_window_bits=15"})
    void clientMaxWindowBitsOffersAreAcceptedAndSmallWindowMessagesInflate(String parameter) throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        try (RawClient raw = open(s, "permessage-deflate; " + parameter, head)) {
            assertThat(extensions(head)).startsWith("permessage-deflate");
            // A short message: every back-reference lies within even an 8-bit (256-byte) window.
            raw.frame(FIN | RSV1, TEXT, RawClient.deflate(utf8(message(1, "small window, small window"))), false);
            assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":1}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"server_max_window_bits=10", "server_max_window_bits=15", "server_max_window_bits",
            "client_max_window_bits=7", "client_max_window_bits=16", "client_max_window_bits=abc",
            "unknown_parameter", "client_no_context_takeover; x=y"})
    void anOfferTheServerCannotHonourIsDeclinedAndTheConnectionGoesOnUncompressed(String parameter) throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        try (RawClient raw = open(s, "permessage-deflate; " + parameter, head)) {
            assertThat(extensions(head)).as("declined").isEmpty();
            raw.frame(FIN, TEXT, utf8(message(1, "uncompressed")), false);
            assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":1}");
            raw.frame(FIN | RSV1, TEXT, RawClient.deflate(utf8(message(2, "compressed anyway"))), false);
            assertThat(raw.awaitClose()).as("RSV1 without the extension").isEqualTo(1002);
        }
        assertThat(push.app.messages).containsExactly("\"uncompressed\"");
    }

    @Test
    void aDeclinedOfferFallsBackToTheNextOne() throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        try (RawClient raw = open(s, "permessage-deflate; server_max_window_bits=9, permessage-deflate", head)) {
            assertThat(extensions(head)).isEqualTo("permessage-deflate");
            raw.frame(FIN | RSV1, TEXT, RawClient.deflate(utf8(message(1, "second offer"))), false);
            assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":1}");
        }
    }

    @Test
    void aCompressedMessageThatInflatesToTheLimitIsTakenAndOneByteMoreIsClosedWith1009() throws Exception {
        Created s = push.create();
        String exactly = message(1, "y".repeat(LIMIT - message(1, "").length()));
        assertThat(utf8(exactly)).hasSize(LIMIT);
        StringBuilder head = new StringBuilder();
        try (RawClient raw = open(s, "permessage-deflate", head)) {
            raw.frame(FIN | RSV1, TEXT, RawClient.deflate(utf8(exactly)), false);
            assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":1}");
            String over = message(2, "y".repeat(LIMIT + 1 - message(2, "").length()));
            raw.frame(FIN | RSV1, TEXT, RawClient.deflate(utf8(over)), false);
            assertThat(raw.awaitClose()).isEqualTo(1009);
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(push.app.messages).hasSize(1);
        await().until(() -> push.server.counters().snapshot().rejectedTooLarge() == 1);
    }

    @Test
    void compressedDataThatDoesNotInflateIsClosedWith1007() throws Exception {
        Created s = push.create();
        StringBuilder head = new StringBuilder();
        try (RawClient raw = open(s, "permessage-deflate", head)) {
            raw.frame(FIN | RSV1, TEXT, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, false); // block type 3
            assertThat(raw.awaitClose()).isEqualTo(1007);
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(push.server.counters().snapshot().rejectedTooLarge()).as("not a message too big").isZero();
    }
}

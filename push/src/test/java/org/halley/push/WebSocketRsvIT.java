package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.halley.push.RawClient.BINARY;
import static org.halley.push.RawClient.CLOSE;
import static org.halley.push.RawClient.CONTINUATION;
import static org.halley.push.RawClient.FIN;
import static org.halley.push.RawClient.PING;
import static org.halley.push.RawClient.PONG;
import static org.halley.push.RawClient.RSV1;
import static org.halley.push.RawClient.RSV2;
import static org.halley.push.RawClient.RSV3;
import static org.halley.push.RawClient.TEXT;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RSV bits on {@code /push/ws} (RFC 6455 5.2, RFC 7692 6): a frame may carry RSV1 only when
 * permessage-deflate was negotiated on that connection, and only on the first frame of a data
 * message; RSV2 and RSV3 never. Anything else fails the connection: a 1002 close frame, then the
 * TCP connection closed, and nothing of the frame processed (no pong, no echoed close, no message).
 * Every combination of server setting, offer, bit and frame type, each frame written a byte at a
 * time.
 */
class WebSocketRsvIT {
    static PushFixture plain;
    static PushFixture deflating;

    @BeforeAll
    static void start() throws Exception {
        String limits = "sessions-per-ip: 1000, linger: 1m";
        plain = new PushFixture("heartbeat: 10s, compression: false", limits);
        deflating = new PushFixture("heartbeat: 10s, compression: true", limits);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (plain != null) {
                plain.close();
            }
        } finally {
            if (deflating != null) {
                deflating.close();
            }
        }
    }

    enum Kind {
        TEXT_FRAME(TEXT), BINARY_FRAME(BINARY), CONTINUATION_FRAME(CONTINUATION), PING_FRAME(PING), PONG_FRAME(PONG),
        CLOSE_FRAME(CLOSE);

        final int opcode;

        Kind(int opcode) {
            this.opcode = opcode;
        }
    }

    static Stream<Arguments> forbidden() {
        List<Arguments> all = new ArrayList<>();
        for (boolean compression : new boolean[] {false, true}) {
            for (boolean offered : new boolean[] {false, true}) {
                for (int rsv : new int[] {RSV1, RSV2, RSV3}) {
                    for (Kind kind : Kind.values()) {
                        boolean compressedMessage = compression && offered && rsv == RSV1
                                && (kind == Kind.TEXT_FRAME || kind == Kind.BINARY_FRAME);
                        if (!compressedMessage) {
                            all.add(Arguments.of(compression, offered, rsv, kind));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "compression {0}, deflate offered {1}, rsv {2}, {3}")
    @MethodSource("forbidden")
    void aFrameWithRsvBitsNoNegotiatedExtensionAllowsFailsTheConnectionWith1002(
            boolean compression, boolean offered, int rsv, Kind kind) throws Exception {
        PushFixture push = compression ? deflating : plain;
        Created s = push.create();
        String message = "{\"cseq\":1,\"data\":\"rsv " + rsv + " " + kind + "\"}";
        try (RawClient raw = new RawClient(push.server.port(), 64 * 1024)) {
            raw.upgrade(Transport.WEBSOCKET.path(s.id(), s.token(), 0), offered);
            String head = raw.readHead();
            assertThat(head).startsWith("HTTP/1.1 101");
            if (compression && offered) {
                assertThat(head).containsIgnoringCase("permessage-deflate");
            } else {
                assertThat(head).doesNotContainIgnoringCase("permessage-deflate");
            }
            assertThat(raw.readFrame().text()).contains("\"type\":\"hello\"");

            byte[] payload = switch (kind) {
                case TEXT_FRAME, CONTINUATION_FRAME -> message.getBytes(StandardCharsets.UTF_8);
                case BINARY_FRAME -> new byte[] {1, 2, 3};
                case PING_FRAME, PONG_FRAME -> "are you there".getBytes(StandardCharsets.US_ASCII);
                case CLOSE_FRAME -> new byte[] {0x03, (byte) 0xe8, 'b', 'y', 'e'}; // 1000
            };
            if (kind == Kind.CONTINUATION_FRAME) {
                raw.frame(0, TEXT, "[".getBytes(StandardCharsets.US_ASCII), true); // a plain first fragment
                raw.frame(FIN | rsv, CONTINUATION, payload, true);
            } else {
                raw.frame(FIN | rsv, kind.opcode, payload, true);
            }

            RawClient.Frame answer = raw.readFrame();
            assertThat(answer.opcode()).as("the first answer is a close frame (no pong, no ack)").isEqualTo(CLOSE);
            assertThat(answer.bits()).as("FIN, no RSV").isEqualTo(FIN);
            byte[] p = answer.payload();
            assertThat(((p[0] & 0xff) << 8) | (p[1] & 0xff)).as(answer.text()).isEqualTo(1002);
            assertThat(raw.closedByServer()).as("the server closes the TCP connection").isTrue();
        }
        assertThat(push.app.messages).noneMatch(m -> m.contains("rsv " + rsv + " " + kind));
    }

    /** The one place RSV1 is allowed: the first frame of a compressed message, and only it. */
    @Test
    void aCompressedMessageInFragmentsHasRsv1OnTheFirstFrameOnly() throws Exception {
        Created s = deflating.create();
        byte[] body = RawClient.deflate("{\"cseq\":1,\"data\":\"in three fragments\"}".getBytes(StandardCharsets.UTF_8));
        int third = body.length / 3;
        try (RawClient raw = new RawClient(deflating.server.port(), 64 * 1024)) {
            raw.upgrade(Transport.WEBSOCKET.path(s.id(), s.token(), 0), true);
            raw.readHead();
            raw.frame(RSV1, TEXT, java.util.Arrays.copyOfRange(body, 0, third), true);
            raw.frame(0, CONTINUATION, java.util.Arrays.copyOfRange(body, third, 2 * third), true);
            raw.frame(FIN, CONTINUATION, java.util.Arrays.copyOfRange(body, 2 * third, body.length), true);
            assertThat(raw.readFrame().text()).contains("\"type\":\"hello\"");
            assertThat(raw.readFrame().text()).isEqualTo("{\"type\":\"ack\",\"ack\":1}");
        }
        assertThat(deflating.app.messages).contains("\"in three fragments\"");
    }
}

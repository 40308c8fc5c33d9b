package org.halley.push.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import org.halley.push.Cut;
import org.halley.push.transport.EmbeddedSession;
import org.junit.jupiter.api.Test;

class WebSocketHandlerTest {

    private static void open(EmbeddedSession e) {
        e.channel.pipeline().addLast(new WebSocketHandler(e.session, 0, e.config, e.shards.counters()));
        e.channel.pipeline().fireUserEventTriggered(new HandshakeComplete("/push/ws", new DefaultHttpHeaders(), null));
    }

    private static String text(EmbeddedSession e) {
        Object o = e.channel.readOutbound();
        assertThat(o).isInstanceOf(TextWebSocketFrame.class);
        TextWebSocketFrame f = (TextWebSocketFrame) o;
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    private static int closeCode(EmbeddedSession e) {
        Object o;
        while ((o = e.channel.readOutbound()) instanceof TextWebSocketFrame t) {
            t.release();
        }
        assertThat(o).isInstanceOf(CloseWebSocketFrame.class);
        CloseWebSocketFrame c = (CloseWebSocketFrame) o;
        try {
            return c.statusCode();
        } finally {
            c.release();
        }
    }

    @Test
    void helloThenEventsAsTextFrames() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e);
        assertThat(text(e)).contains("\"type\":\"hello\"").contains("\"transport\":\"websocket\"");
        e.session.send("[1,2]");
        assertThat(text(e)).isEqualTo("{\"seq\":1,\"event\":[1,2]}");
    }

    @Test
    void clientMessagesReachTheApplicationOnceAndAreAcked() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e);
        text(e);
        e.channel.writeInbound(new TextWebSocketFrame("[{\"cseq\":1,\"data\":\"a\"},{\"cseq\":2,\"data\":\"b\"}]"));
        assertThat(text(e)).isEqualTo("{\"type\":\"ack\",\"ack\":2}");
        e.channel.writeInbound(new TextWebSocketFrame("{\"cseq\":2,\"data\":\"b again\"}"));
        assertThat(text(e)).isEqualTo("{\"type\":\"ack\",\"ack\":2}");
        e.channel.writeInbound(new TextWebSocketFrame("{\"type\":\"hb\"}"));
        assertThat((Object) e.channel.readOutbound()).as("a heartbeat is not acked").isNull();
        assertThat(e.messages).containsExactly("\"a\"", "\"b\"");
    }

    @Test
    void binaryAndMalformedMessagesClose() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e);
        e.channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(closeCode(e)).isEqualTo(1003);
        EmbeddedSession f = new EmbeddedSession(1 << 20);
        open(f);
        f.channel.writeInbound(new TextWebSocketFrame("{\"cseq\":1}"));
        assertThat(closeCode(f)).isEqualTo(1008);
    }

    @Test
    void aClientSilentForThreeHeartbeatsIsCut() {
        EmbeddedSession e = new EmbeddedSession(1 << 20);
        open(e);
        text(e);
        e.advance(EmbeddedSession.HEARTBEAT);
        e.advance(EmbeddedSession.HEARTBEAT);
        e.channel.writeInbound(new TextWebSocketFrame("{\"type\":\"hb\"}"));
        e.advance(EmbeddedSession.HEARTBEAT);
        e.advance(EmbeddedSession.HEARTBEAT);
        assertThat(e.channel.isOpen()).as("a heartbeat came within three intervals").isTrue();
        e.advance(EmbeddedSession.HEARTBEAT);
        assertThat(closeCode(e)).isEqualTo(WebSocketCloseCodes.BEHIND);
        assertThat(e.session.downstream0()).isNull();
    }

    @Test
    void cutsMapToTheDocumentedCloseCodes() {
        assertThat(WebSocketCloseCodes.code(Cut.BEHIND)).isEqualTo(4002);
        assertThat(WebSocketCloseCodes.code(Cut.REPLACED)).isEqualTo(4000);
        assertThat(WebSocketCloseCodes.code(Cut.SESSION_ENDED)).isEqualTo(4001);
        assertThat(WebSocketCloseCodes.code(Cut.GOING_AWAY)).isEqualTo(1001);
    }
}

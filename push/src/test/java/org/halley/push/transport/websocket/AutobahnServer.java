package org.halley.push.transport.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetAddress;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.config.PushConfig;
import org.halley.push.PushListener;
import org.halley.push.PushServer;
import org.halley.push.PushSession;

/**
 * The real push server, for the Autobahn|Testsuite fuzzing client (run by the build, see
 * push/pom.xml): every path outside {@code /push/} is a WebSocket echo endpoint built by {@link
 * WebSocketTransport#install}, the same pipeline (limits, compression, closing handshake) that
 * carries sessions. The fuzzing client passes the port; it connects to this host's address.
 */
public final class AutobahnServer {
    private AutobahnServer() {}

    public static void main(String[] args) throws Exception {
        String host = InetAddress.getLocalHost().getHostAddress(); // where the plugin's client connects
        HalleyConfig c = ConfigLoader.parse("autobahn.yaml", """
                server:
                  bind: %s
                  port: %s
                  push: {max-message-bytes: 16MiB, compression: true}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(host, args[0]));
        PushConfig push = c.server().push();
        PushServer server = PushServer.builder().server(c.server()).limits(c.limits()).listener(new NoSessions())
                .application(() -> new EchoUpgrade(push)).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    /** Upgrades any request to the echo endpoint. */
    static final class EchoUpgrade extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PushConfig config;

        EchoUpgrade(PushConfig config) {
            super(false);
            this.config = config;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            WebSocketTransport.install(ctx, req, "/", config, new Echo());
        }
    }

    /** Sends every message back as it came. */
    @ChannelHandler.Sharable
    static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(frame);
            } else {
                frame.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            WebSocketTransport.closeOnError(ctx, cause, null);
        }
    }

    private static final class NoSessions implements PushListener {
        @Override
        public void opened(PushSession session) {}

        @Override
        public void message(PushSession session, String json) {}

        @Override
        public void closed(PushSession session, String reason) {}
    }
}

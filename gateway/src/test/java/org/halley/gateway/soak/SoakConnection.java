package org.halley.gateway.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One downstream connection of a soak browser, on Netty (so a cut is a real TCP reset, from the
 * browser's side, at a moment the harness chooses). Hands every server message, as JSON text, to
 * its browser, and tells it once how the connection ended: the WebSocket close code or the HTTP
 * status of a refused request, else 0. Owned by its channel's event loop; the browser's methods it
 * calls are synchronized.
 */
final class SoakConnection extends ChannelInboundHandlerAdapter {
    static final ObjectMapper JSON = new ObjectMapper();

    final SoakBrowser browser;
    final SoakTransport transport;
    final long openedNanos = System.nanoTime();
    private final InetSocketAddress lb;
    private final String origin;
    private final StringBuilder lines = new StringBuilder();
    private volatile Channel channel;
    // The session this connection belongs to, for all its requests: a connection never follows
    // the browser to a newer session (it would take that session over from the browser's new
    // connection, and the two would replace each other for ever).
    private volatile String session;
    private volatile String token;
    private int endCode;
    private boolean firstPoll = true;
    private boolean ended;
    private volatile boolean aborted;
    volatile boolean hello;
    volatile long lastReceivedNanos = System.nanoTime();

    SoakConnection(SoakBrowser browser, SoakTransport transport, InetSocketAddress lb, String origin) {
        this.browser = browser;
        this.transport = transport;
        this.lb = lb;
        this.origin = origin;
    }

    void open(EventLoopGroup group, String source, String session, String token, long last) {
        SoakConnection self = this;
        this.session = session;
        this.token = token;
        String uri = transport.uri(session, token, last, true);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_LINGER, 0) // close() is a reset: a cut, not a goodbye
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec());
                        if (transport == SoakTransport.WEBSOCKET) {
                            ch.pipeline().addLast(new HttpObjectAggregator(1 << 16));
                            ch.pipeline().addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                    .webSocketUri(URI.create("ws://" + lb.getHostString() + ":" + lb.getPort() + uri))
                                    .customHeaders(new DefaultHttpHeaders().set(HttpHeaderNames.ORIGIN, origin))
                                    .generateOriginHeader(false).handleCloseFrames(false).dropPongFrames(true)
                                    .maxFramePayloadLength(1 << 20).build()));
                            ch.pipeline().addLast(new WebSocketFrameAggregator(1 << 20));
                        } else if (transport == SoakTransport.LONG_POLLING) {
                            ch.pipeline().addLast(new HttpObjectAggregator(4 << 20));
                        }
                        ch.pipeline().addLast(self);
                    }
                });
        ChannelFuture f = b.connect(lb, new InetSocketAddress(source, 0));
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                ended(); // refused or timed out: ended before its hello
            }
        });
    }

    /** Cuts the connection as a network failure would (TCP reset); the browser hears of it as any end. */
    void abort() {
        aborted = true;
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    boolean aborted() {
        return aborted;
    }

    /** A client message over this WebSocket; false if it is not open. */
    boolean sendText(String json) {
        Channel c = channel;
        if (transport != SoakTransport.WEBSOCKET || c == null || !c.isActive() || !hello) {
            return false;
        }
        c.writeAndFlush(new TextWebSocketFrame(json));
        return true;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (transport != SoakTransport.WEBSOCKET) {
            ctx.writeAndFlush(get(transport.uri(session, token, browser.last(), true)));
        }
        ctx.fireChannelActive();
    }

    private FullHttpRequest get(String uri) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set(HttpHeaderNames.HOST, lb.getHostString() + ":" + lb.getPort());
        r.headers().set(HttpHeaderNames.ORIGIN, origin);
        return r;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            long every = browser.heartbeatMillis();
            ctx.executor().scheduleAtFixedRate(() -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"hb\"}"));
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (aborted) {
                return;
            }
            lastReceivedNanos = System.nanoTime();
            if (msg instanceof TextWebSocketFrame f) {
                message(f.text());
            } else if (msg instanceof CloseWebSocketFrame c) {
                endCode = c.statusCode();
                ctx.close();
            } else if (msg instanceof FullHttpResponse r) {
                if (r.status().code() != 200) {
                    endCode = r.status().code();
                    ctx.close();
                    return;
                }
                JsonNode batch = JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
                for (JsonNode m : batch) {
                    if (!firstPoll && "hello".equals(m.path("type").asText())) {
                        continue; // one logical connection: only the first poll's hello counts
                    }
                    message(m.toString());
                }
                firstPoll = false;
                if (!aborted && ctx.channel().isActive()) {
                    ctx.writeAndFlush(get(transport.uri(session, token, browser.last(), false)));
                }
            } else if (msg instanceof HttpResponse r && r.status().code() != 200) {
                endCode = r.status().code();
                ctx.close();
            } else if (msg instanceof HttpContent c) {
                lines(c.content());
            }
        } catch (Exception e) {
            browser.soak.failure(browser + ": could not read a server message on " + transport.wireName + ": " + e);
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void message(String json) {
        if (!hello && json.contains("\"type\":\"hello\"")) {
            hello = true;
        }
        browser.received(this, json);
    }

    private void lines(ByteBuf content) {
        lines.append(content.toString(StandardCharsets.UTF_8));
        int nl;
        while ((nl = lines.indexOf("\n")) >= 0) {
            String line = lines.substring(0, nl);
            lines.delete(0, nl + 1);
            String json = transport.payload(line);
            if (json != null) {
                message(json);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ended();
        ctx.fireChannelInactive();
    }

    private void ended() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        browser.ended(this, endCode);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

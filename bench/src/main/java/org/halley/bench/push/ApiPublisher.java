package org.halley.bench.push;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls the push API at a high rate over a pool of keep-alive connections (Netty): the server answers
 * one request at a time per connection, so each connection takes the next queued call when its
 * answer comes, and a submitted call wakes one idle connection (never all of them: that would
 * cost the load process more than the server). Any thread may {@link #submit}.
 */
final class ApiPublisher {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private final Queue<String[]> queue = new ConcurrentLinkedQueue<>(); // {path, body}
    private final List<Caller> callers = new ArrayList<>();
    /** Connections waiting for a call; one not here is waiting for its answer. */
    private final Queue<Caller> idle = new ConcurrentLinkedQueue<>();
    private final String authorization;
    private final String host;

    ApiPublisher(EventLoopGroup group, InetSocketAddress target, String source, String secret, int connections) throws InterruptedException {
        this.authorization = "Bearer " + secret;
        this.host = target.getHostString();
        for (int i = 0; i < connections; i++) {
            Caller c = new Caller();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), c);
                        }
                    }).connect(target, new InetSocketAddress(source, 0)).sync().channel();
            c.channel = ch;
            callers.add(c);
            idle.add(c);
        }
    }

    void submit(String path, String body) {
        queue.add(new String[] {path, body});
        wakeOne();
    }

    private void wakeOne() {
        Caller c = idle.poll();
        if (c != null) {
            c.channel.eventLoop().execute(c::next);
        }
    }

    final class Caller extends SimpleChannelInboundHandler<FullHttpResponse> {
        Channel channel;

        /** On this connection's event loop, when it is idle or its answer came. */
        void next() {
            String[] call = queue.poll();
            if (call == null) {
                idle.add(this);
                if (!queue.isEmpty()) { // a call came between poll and add
                    wakeOne();
                }
                return;
            }
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, call[0],
                    Unpooled.wrappedBuffer(call[1].getBytes(StandardCharsets.UTF_8)));
            r.headers().set(HttpHeaderNames.HOST, host).set(HttpHeaderNames.AUTHORIZATION, authorization)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(r, r.content().readableBytes());
            channel.writeAndFlush(r);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            (res.status().code() == 202 ? accepted : failed).incrementAndGet();
            next();
        }
    }
}

package org.halley.push;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.halley.config.LimitsConfig;
import org.halley.config.PushConfig;
import org.halley.push.api.ApiCallCounter;
import org.halley.push.api.PushApiHandler;
import org.jspecify.annotations.Nullable;
import org.halley.push.http.PushObjectAggregator;
import org.halley.config.ServerConfig;
import org.halley.push.http.HttpResponses;
import org.halley.push.http.Origins;
import org.halley.push.http.PushHttpHandler;
import org.halley.push.transport.websocket.WebSocketTransport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push server: one acceptor thread, and one event loop per shard (by default one per core).
 * Requests under {@code /push/} are the push protocol; everything else goes to the application's
 * handler (pages, its own API), installed per connection as {@code "app"}.
 */
public final class PushServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushServer.class);

    private final Builder b;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup loops;
    private final Shards shards;
    private final @Nullable SslContext tls;
    private Channel serverChannel;
    private @Nullable PushApiHandler api;
    /** Every accepted connection until it closes (the group forgets closed ones itself). */
    private final ChannelGroup connections = new DefaultChannelGroup("push-connections", GlobalEventExecutor.INSTANCE);

    private PushServer(Builder b) {
        this.b = b;
        this.tls = b.server.tls().map(ServerTls::context).orElse(null); // first: a bad pair stops us before any thread
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("push-accept"), NioIoHandler.newFactory());
        int n = b.shards > 0 ? b.shards
                : b.server.push().shards() > 0 ? b.server.push().shards() : Runtime.getRuntime().availableProcessors();
        this.loops = new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory("push-shard"), NioIoHandler.newFactory());
        this.shards = new Shards(loops, b.listener, b.limits, b.server.push().heartbeat(), b.node,
                b.nodes == null ? List.of(b.node) : b.nodes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts accepting; returns when listening. */
    public PushServer start() throws InterruptedException {
        Origins origins = new Origins(b.server.allowedOrigins());
        PushConfig push = b.server.push();
        WebSocketTransport websocket = new WebSocketTransport(push, shards.counters(), b.webSocketEndpoint);
        PushApiHandler api = push.apiSecret().map(secret -> new PushApiHandler(shards, secret)).orElse(null);
        this.api = api;
        ServerBootstrap boot = new ServerBootstrap()
                .group(acceptor, loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(push.writeBufferBytes() / 2, push.writeBufferBytes()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                // Events written by several tasks of one loop turn leave in one write
                                // (one system call); flushes wait for the end of a read batch.
                                .addLast("flush", new FlushConsolidationHandler(256, true))
                                .addLast("http", new HttpServerCodec(8192, 16 * 1024, 8192))
                                .addLast("aggregator", new PushObjectAggregator(push.maxMessageBytes(), shards.counters()))
                                .addLast("push", new PushHttpHandler(shards, origins, b.clientKey, push, websocket, api))
                                .addLast("app", b.application.get());
                    }
                });
        serverChannel = boot.bind(b.server.bind(), b.server.port()).sync().channel();
        log.info("push server listening on {} with {} shards", serverChannel.localAddress(), shards.count());
        return this;
    }

    /** The port actually bound (the configured one, or the one chosen for port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public Shards shards() {
        return shards;
    }

    /** What the push core has done so far (slow consumers cut, resets, ...). Any thread. */
    public PushCounters counters() {
        return shards.counters();
    }

    /**
     * Queues {@code event} for each of {@code sessions} (a room, a broadcast), one task per shard.
     * Any thread; never blocks.
     */
    public void send(Iterable<? extends PushSession> sessions, PushEvent event) {
        shards.send(sessions, event);
    }

    /** Sessions open now, on all shards. */
    public int sessions() {
        return shards.sessions();
    }

    /** The shards' own counts, summed: events and bytes, latency, connections by transport. Any thread. */
    public ShardStats.Snapshot stats() {
        return shards.stats();
    }

    /** Push-API answers by operation and status; empty when the API is off. Any thread. */
    public java.util.Map<ApiCallCounter.Key, Long> apiCalls() {
        PushApiHandler a = api;
        return a == null ? java.util.Map.of() : a.calls().snapshot();
    }

    /** Tasks waiting on each shard's loop now (a loop that falls behind shows here first). Any thread. */
    public int[] pendingTasks() {
        int[] out = new int[shards.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = shards.get(i).loop() instanceof SingleThreadEventExecutor e ? e.pendingTasks() : -1;
        }
        return out;
    }

    /** Takes new limits at run time (see {@link Shards#limits(LimitsConfig)}). Any thread. */
    public void limits(LimitsConfig limits) {
        shards.limits(limits);
    }

    /**
     * Replaces the cluster's node list (a node added at the end, or the last removed), for the
     * owner of each user from now on; sessions stay where their id says. Any thread.
     */
    public void nodes(List<String> nodes) {
        shards.nodes(nodes);
    }

    /** Refuses new sessions from now on (503 {@code draining}); sessions open now go on. Any thread. */
    public void drain() {
        shards.drain();
    }

    /**
     * Ends every session because this server is going away: each browser is told to reconnect and
     * lands, through the load balancer, on another node; the application hears {@code closed} with
     * {@code going-away}. Completes with how many sessions were ended. Any thread.
     */
    public CompletableFuture<Integer> goAway() {
        return shards.goAway();
    }

    /** Every session as an operator sees it (see {@link Shards#summaries()}). Any thread. */
    public CompletableFuture<java.util.List<SessionSummary>> summaries() {
        return shards.summaries();
    }

    /** Ends session {@code id} with {@code reason}; completes with whether it existed. Any thread. */
    public CompletableFuture<Boolean> close(String id, String reason) {
        return shards.close(id, reason);
    }

    /**
     * Ends every session with {@code reason} (each browser is told not to resume, and the
     * application hears {@code closed}), then stops. Waits up to {@code timeoutMillis}.
     */
    public void stop(String reason, long timeoutMillis) throws InterruptedException {
        if (serverChannel != null) {
            serverChannel.close().sync();
        }
        CountDownLatch done = new CountDownLatch(shards.count());
        for (int i = 0; i < shards.count(); i++) {
            Shard s = shards.get(i);
            s.execute(() -> {
                s.forEach0(session -> session.close0(reason));
                done.countDown();
            });
        }
        done.await(timeoutMillis, TimeUnit.MILLISECONDS);
        // Close every connection ourselves (idle keep-alive ones too) rather than count on the
        // loops closing what is registered with them when they terminate: seen here, a browser's
        // idle keep-alive connections stayed open after the loops had stopped, and its next
        // request, sent on one of them, hung unread.
        connections.close().await(timeoutMillis);
        acceptor.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        loops.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).await(timeoutMillis);
    }

    @Override
    public void close() throws InterruptedException {
        stop("shutdown", 5_000);
    }

    /** Answers 404 to everything: the application handler when none is given. */
    @ChannelHandler.Sharable
    static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
        static final NotFound INSTANCE = new NotFound();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not-found", "no such page");
        }
    }

    public static final class Builder {
        private ServerConfig server;
        private LimitsConfig limits = LimitsConfig.DEFAULTS;
        private String node = "local";
        private List<String> nodes;
        private PushListener listener;
        private Supplier<ChannelHandler> application = () -> NotFound.INSTANCE;
        private Function<ClientInfo, String> clientKey = c -> c.remote().getAddress().getHostAddress();
        private int shards; // 0: server.push.shards
        private WebSocketTransport.@Nullable Endpoint webSocketEndpoint; // null: the session protocol

        public Builder server(ServerConfig server) {
            this.server = server;
            return this;
        }

        public Builder limits(LimitsConfig limits) {
            this.limits = limits;
            return this;
        }

        /** This node's name; it prefixes every session id so a load balancer can route by it. */
        public Builder node(String node) {
            this.node = node;
            return this;
        }

        /**
         * Every node of the cluster, in the order of {@code cluster.nodes} (the same on every node and
         * in every application's push client): users are owned by consistent hashing over it. Default:
         * this node alone.
         */
        public Builder nodes(List<String> nodes) {
            this.nodes = List.copyOf(nodes);
            return this;
        }

        public Builder listener(PushListener listener) {
            this.listener = listener;
            return this;
        }

        /** A handler per connection for requests outside {@code /push/} (it gets {@link FullHttpRequest}s). */
        public Builder application(Supplier<ChannelHandler> application) {
            this.application = application;
            return this;
        }

        /** What counts as one client for {@code limits.sessions-per-ip} (default: the TCP peer's address). */
        public Builder clientKey(Function<ClientInfo, String> clientKey) {
            this.clientKey = clientKey;
            return this;
        }

        /** Number of shards (event loops); default: {@code server.push.shards}, else one per core. */
        public Builder shards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shards: " + shards + " (expected: > 0)");
            }
            this.shards = shards;
            return this;
        }

        /**
         * For the conformance run only (AutobahnIT): what serves a session's WebSocket in place of
         * the session protocol, behind the real route, session check and pipeline of {@code /push/ws}.
         */
        Builder webSocketEndpoint(WebSocketTransport.Endpoint endpoint) {
            this.webSocketEndpoint = endpoint;
            return this;
        }

        public PushServer build() {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(listener, "listener");
            return new PushServer(this);
        }
    }
}

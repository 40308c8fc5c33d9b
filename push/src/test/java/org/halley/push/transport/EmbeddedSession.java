package org.halley.push.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.LimitsConfig;
import org.halley.config.PushConfig;
import org.halley.push.ClientInfo;
import org.halley.push.PushListener;
import org.halley.push.PushSession;
import org.halley.push.Session;
import org.halley.push.Shards;

/**
 * A session on an {@link EmbeddedChannel}'s loop (a shard of one), for testing a transport's
 * handler without sockets. Time is frozen; tests move it with {@link #advance}.
 */
public final class EmbeddedSession implements PushListener {
    public static final Duration HEARTBEAT = Duration.ofSeconds(10);

    public final EmbeddedChannel channel = new EmbeddedChannel();
    public final List<String> messages = new CopyOnWriteArrayList<>();
    public final Shards shards;
    public final Session session;
    public final PushConfig config;

    public EmbeddedSession(int streamMaxBytes) {
        channel.freezeTime();
        config = new PushConfig(HEARTBEAT, 4096, false, 64 * 1024, Duration.ofSeconds(5), streamMaxBytes, 1, Optional.empty());
        shards = Shards.of(channel.eventLoop(), this, LimitsConfig.DEFAULTS, HEARTBEAT, "t");
        Session s = shards.create(new ClientInfo(new InetSocketAddress("127.0.0.1", 1), List.of(), "", ""), "k");
        session = shards.shardFor(s.id()).find0(s.id(), s.token());
        assertThat(session).isSameAs(s);
    }

    /** Moves the frozen clock and runs what became due. */
    public void advance(Duration d) {
        channel.advanceTimeBy(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** The next outbound HTTP content as text (released). */
    public String nextContent() {
        Object o = channel.readOutbound();
        assertThat(o).as("an outbound message").isInstanceOf(HttpContent.class);
        ByteBuf b = ((HttpContent) o).content();
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            ((HttpContent) o).release();
        }
    }

    @Override
    public void opened(PushSession session) {}

    @Override
    public void message(PushSession session, String json) {
        messages.add(json);
    }

    @Override
    public void closed(PushSession session, String reason) {}
}

package org.halley.push.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.halley.config.PushConfig;
import org.halley.push.Cut;
import org.halley.push.Downstream;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.jspecify.annotations.Nullable;

/**
 * What every held connection does the same way, whatever its framing: attach to the session,
 * write a heartbeat when it has been idle for a heartbeat interval, stop taking events while the
 * socket is not writable (the session pumps again when it is), and cut itself as a slow consumer
 * when it stays not writable for {@code slow-consumer-timeout}. Subclasses add the framing.
 *
 * <p>Not thread-safe; lives in the pipeline of a connection that was moved to the session's shard
 * loop, and runs only there.
 */
public abstract class AbstractDownstream extends ChannelInboundHandlerAdapter implements Downstream {
    protected final Session session;
    protected final long last;
    protected final PushConfig config;
    protected final PushCounters counters;
    protected @Nullable ChannelHandlerContext ctx;
    private @Nullable ScheduledFuture<?> ticker;
    private @Nullable ScheduledFuture<?> slowTimer;
    private boolean wroteSinceTick;
    private boolean ended;

    protected AbstractDownstream(Session session, long last, PushConfig config, PushCounters counters) {
        this.session = session;
        this.last = last;
        this.config = config;
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Attaches to the session once the transport's preamble is written; starts the timers. */
    protected final void start0() {
        ChannelHandlerContext c = context();
        session.attach0(this, last);
        if (ended) {
            return; // the session had ended, or the first flush ended the stream
        }
        long period = config.heartbeat().toMillis();
        ticker = c.executor().scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        if (!c.channel().isWritable()) {
            startSlowTimer(c);
        }
    }

    /** Heartbeat after a quiet interval; subclasses may check the client's liveness first. */
    protected void tick() {
        if (!wroteSinceTick) {
            session.heartbeat0(this);
        }
        wroteSinceTick = false;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            cancelSlowTimer();
            session.resume0(this);
        } else {
            startSlowTimer(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void startSlowTimer(ChannelHandlerContext ctx) {
        if (slowTimer == null && !ended) {
            slowTimer = ctx.executor().schedule(() -> {
                slowTimer = null;
                if (!ctx.channel().isWritable() && !ended) {
                    counters.slowConsumer();
                    session.cut0(this, Cut.BEHIND);
                }
            }, config.slowConsumerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelSlowTimer() {
        if (slowTimer != null) {
            slowTimer.cancel(false);
            slowTimer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimers();
        ended = true;
        session.detach0(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset connection, mostly; the session lingers and the browser resumes
    }

    private void stopTimers() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        cancelSlowTimer();
    }

    protected final ChannelHandlerContext context() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            throw new IllegalStateException("not in a pipeline");
        }
        return c;
    }

    protected final boolean ended() {
        return ended;
    }

    // ---- Downstream ----

    @Override
    public final Channel channel() {
        return context().channel();
    }

    @Override
    public final void write(byte[] envelope) {
        wroteSinceTick = true;
        writeFramed(envelope);
    }

    @Override
    public void flush() {
        context().flush();
    }

    @Override
    public boolean acceptsMore() {
        return !ended && context().channel().isWritable();
    }

    @Override
    public final void close(Cut cut, byte @Nullable [] lastMessage) {
        if (ended) {
            return;
        }
        ended = true;
        stopTimers();
        if (lastMessage != null && context().channel().isActive()) {
            writeFramed(lastMessage);
        }
        end(cut);
    }

    /** Writes one envelope in this transport's framing, without flushing. */
    protected abstract void writeFramed(byte[] envelope);

    /** Ends the connection in this transport's way (flushing what was written). */
    protected abstract void end(Cut cut);

    /** Ends the stream from inside the transport (e.g. it reached its size limit); the browser resumes. */
    protected final void endByItself(Cut cut) {
        if (!ended) {
            session.detach0(this, cut == Cut.COMPLETE);
            close(cut, null);
        }
    }
}

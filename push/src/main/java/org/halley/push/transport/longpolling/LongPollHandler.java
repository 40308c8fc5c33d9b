package org.halley.push.transport.longpolling;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import org.halley.config.PushConfig;
import org.halley.push.Cut;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.halley.push.http.HttpResponses;

/**
 * One held poll of one session. It collects envelopes (hello first) and answers once it holds
 * anything more than the hello, at most {@code write-buffer-bytes} of them; a poll with {@code
 * wait=0} is answered at the first flush. A poll that waits a heartbeat interval is answered with a
 * heartbeat. Then it leaves the pipeline, and the connection (kept alive) is free for the next poll.
 *
 * <p>Not thread-safe; runs on the session's shard loop.
 */
public final class LongPollHandler extends org.halley.push.transport.AbstractDownstream {
    public static final String TRANSPORT = "long-polling";

    private final HttpHeaders extraHeaders;
    private final boolean keepAlive;
    private final boolean wait;
    private final Runnable done;
    private final List<byte[]> batch = new ArrayList<>(4);
    private int bytes;

    /**
     * @param done runs when the poll has been answered (the connection may take another request)
     */
    public LongPollHandler(HttpHeaders extraHeaders, boolean keepAlive, boolean wait, Runnable done, Session session,
            long last, PushConfig config, PushCounters counters) {
        super(session, last, config, counters);
        this.extraHeaders = extraHeaders;
        this.keepAlive = keepAlive;
        this.wait = wait;
        this.done = done;
    }

    /** Attaches to the session; on the shard loop, once in the pipeline. */
    public void begin0() {
        start0();
    }

    @Override
    public String transport() {
        return TRANSPORT;
    }

    @Override
    protected void tick() {
        session.heartbeat0(this); // a poll held for a whole interval is answered with a heartbeat
    }

    @Override
    protected void writeFramed(byte[] envelope) {
        batch.add(envelope);
        bytes += envelope.length;
    }

    @Override
    public boolean acceptsMore() {
        return !ended() && bytes < config.writeBufferBytes();
    }

    @Override
    public void flush() {
        if (batch.size() > 1 || !wait) {
            endByItself(Cut.COMPLETE);
        }
    }

    @Override
    protected void end(Cut cut) {
        ChannelHandlerContext ctx = context();
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                LongPollBatchEncoder.encode(ctx.alloc(), batch));
        batch.clear();
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        HttpResponses.secure(h);
        h.add(extraHeaders);
        HttpUtil.setContentLength(res, res.content().readableBytes());
        boolean keep = keepAlive && cut != Cut.GOING_AWAY;
        h.set(HttpHeaderNames.CONNECTION, keep ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        io.netty.channel.Channel ch = ctx.channel();
        ctx.pipeline().remove(this);
        if (keep) {
            ch.writeAndFlush(res, ch.voidPromise());
            done.run();
        } else {
            ch.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

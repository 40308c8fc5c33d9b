package org.halley.push.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.buffer.ByteBuf;
import org.halley.config.PushConfig;
import org.halley.push.Cut;
import org.halley.push.PushCounters;
import org.halley.push.Session;
import org.halley.push.http.HttpResponses;

/**
 * A chunked HTTP response that stays open and carries envelopes in its transport's framing (SSE,
 * XHR streaming, iframe). It ends after {@code stream-max-bytes} so the browser can free what it
 * kept, and whenever the session cuts it; the connection is then closed (the client opens a new one
 * and resumes).
 *
 * <p>Not thread-safe; runs on the session's shard loop.
 */
public class HttpStreamHandler extends AbstractDownstream {
    private final String transport;
    private final StreamEncoder encoder;
    private HttpHeaders extraHeaders; // dropped once sent: an idle stream keeps as little as it can
    private long bytes;

    public HttpStreamHandler(String transport, StreamEncoder encoder, HttpHeaders extraHeaders, Session session, long last,
            PushConfig config, PushCounters counters) {
        super(session, last, config, counters);
        this.transport = transport;
        this.encoder = encoder;
        this.extraHeaders = extraHeaders;
    }

    /** Sends the response head and prelude, then attaches to the session. On the shard loop, once in the pipeline. */
    public void begin0() {
        ChannelHandlerContext ctx = context();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders h = head.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, encoder.contentType());
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        h.set("X-Accel-Buffering", "no"); // nginx: pass each chunk on at once
        HttpResponses.secure(h);
        h.add(extraHeaders);
        extraHeaders = null;
        ctx.write(head, ctx.voidPromise());
        ByteBuf prelude = encoder.prelude(ctx.alloc());
        if (prelude.isReadable()) {
            bytes += prelude.readableBytes();
            ctx.write(new DefaultHttpContent(prelude), ctx.voidPromise());
        } else {
            prelude.release();
        }
        start0();
        if (!ended()) {
            ctx.flush();
        }
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    protected void writeFramed(byte[] envelope) {
        ChannelHandlerContext ctx = context();
        ByteBuf frame = encoder.frame(ctx.alloc(), envelope);
        bytes += frame.readableBytes();
        ctx.write(new DefaultHttpContent(frame), ctx.voidPromise());
    }

    @Override
    public boolean acceptsMore() {
        return super.acceptsMore() && bytes < config.streamMaxBytes();
    }

    @Override
    public void flush() {
        super.flush();
        if (bytes >= config.streamMaxBytes()) {
            endByItself(Cut.COMPLETE);
        }
    }

    @Override
    protected void end(Cut cut) {
        ChannelHandlerContext ctx = context();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg); // nothing may follow a streaming request
        ctx.close();
    }
}

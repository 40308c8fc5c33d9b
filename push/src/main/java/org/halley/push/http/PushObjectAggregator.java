package org.halley.push.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.halley.push.PushCounters;

/**
 * Aggregates request bodies up to {@code max-message-bytes}; a larger one is answered with 413 and
 * a JSON reason, and the connection is closed (nothing beyond the limit is kept).
 */
public final class PushObjectAggregator extends HttpObjectAggregator {
    private final int maxBytes;
    private final PushCounters counters;

    public PushObjectAggregator(int maxBytes, PushCounters counters) {
        super(maxBytes, true);
        this.maxBytes = maxBytes;
        this.counters = counters;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        counters.tooLarge();
        String body = "{\"error\":\"too-large\",\"message\":\"the body is larger than " + maxBytes
                + " bytes (server.push.max-message-bytes)\"}";
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.US_ASCII)));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpResponses.secure(res.headers());
        HttpUtil.setContentLength(res, res.content().readableBytes());
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}

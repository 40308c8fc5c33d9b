package org.halley.push.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts push-API answers by operation and status code. Put in the pipeline of a connection when
 * it makes its first API request (application servers; browsers never pay for it): the request's
 * operation is noted on the channel, and the answer's status is counted as it is written.
 */
@ChannelHandler.Sharable
public final class ApiCallCounter extends ChannelDuplexHandler {
    static final String NAME = "push-api-count";
    static final AttributeKey<String> OPERATION = AttributeKey.valueOf("halley.push.api.operation");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** One push-API answer: what was asked and how it was answered. */
    public record Key(String operation, int status) {}

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse res) {
            String op = ctx.channel().attr(OPERATION).getAndSet(null);
            if (op != null) {
                counts.computeIfAbsent(op + " " + res.status().code(), k -> new LongAdder()).increment();
            }
        }
        super.write(ctx, msg, promise);
    }

    /** The answers so far. Any thread. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new java.util.HashMap<>();
        counts.forEach((k, v) -> {
            int space = k.lastIndexOf(' ');
            out.put(new Key(k.substring(0, space), Integer.parseInt(k.substring(space + 1))), v.sum());
        });
        return out;
    }
}

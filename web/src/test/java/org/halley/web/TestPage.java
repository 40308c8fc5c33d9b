package org.halley.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.halley.push.http.HttpResponses;

/**
 * The application side of the browser tests: a page that runs {@code halley.js} (the file the
 * chat page ships) and records what the client does in {@code window.t}.
 */
@ChannelHandler.Sharable
final class TestPage extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PAGE = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>halley.js test</title></head><body>
            <script type="module">
            import { HalleyClient } from './halley.js';
            const p = new URLSearchParams(location.search);
            const t = window.t = { seqs: [], events: [], states: [], resets: 0, closed: null };
            t.client = new HalleyClient({
              transports: p.get('transport') ? [p.get('transport')] : undefined,
              helloTimeout: Number(p.get('helloTimeout') || 6000),
              onEvent: (e, seq) => { t.seqs.push(seq); t.events.push(e); },
              onState: s => t.states.push(s.name + ':' + s.transport),
              onReset: d => { t.resets++; t.reset = d; },
              onClosed: r => t.closed = r,
              resume: p.get('resume') ? JSON.parse(p.get('resume')) : undefined,
            });
            t.client.start().then(started => { t.started = started; });
            </script></body></html>
            """;

    private final byte[] script;

    TestPage() {
        try (InputStream in = TestPage.class.getResourceAsStream("/halley-web/halley.js")) {
            script = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        byte[] body;
        String type;
        if (path.equals("/")) {
            body = PAGE.getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
        } else if (path.equals("/halley.js")) {
            body = script;
            type = "text/javascript; charset=utf-8";
        } else {
            HttpResponses.error(ctx, req, HttpResponseStatus.NOT_FOUND, "not-found", "no such page");
            return;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpResponses.send(ctx, req, res);
    }
}

package org.halley.push.transport.iframe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.halley.push.transport.StreamEncoder;

/**
 * Hidden-iframe ("htmlfile") framing: an HTML document that never finishes loading. Its head binds
 * {@code p} to the parent page's callback; each envelope then arrives as {@code <script
 * nonce=N>p(<json>)</script>}, which the browser runs as soon as it has parsed it. A kilobyte of
 * padding after the head makes browsers start rendering (and so running scripts) at once.
 *
 * <p>Safety: the callback name must match {@link #CALLBACK}; envelopes never contain {@code <},
 * {@code >}, {@code &}, U+2028 or U+2029 (see {@link org.halley.push.wire.Envelopes}), so no
 * network text can end a script element; every script carries this response's nonce, and the
 * response's CSP (see {@link #contentSecurityPolicy}) runs no other script.
 */
public final class IframeChunkEncoder implements StreamEncoder {
    /** A plain JavaScript identifier: no dots, brackets or quotes. */
    public static final Pattern CALLBACK = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}");
    static final int PADDING_BYTES = 1024;

    private static final byte[] CLOSE = ")</script>\n".getBytes(StandardCharsets.US_ASCII);

    private final String callback;
    private final String nonce;
    private final byte[] open;

    /**
     * @param callback the parent page's function name; must match {@link #CALLBACK}
     * @param nonce this response's CSP nonce (base64url)
     */
    public IframeChunkEncoder(String callback, String nonce) {
        if (!CALLBACK.matcher(callback).matches()) {
            throw new IllegalArgumentException("callback: " + callback + " (expected: " + CALLBACK + ")");
        }
        if (!nonce.matches("[A-Za-z0-9_-]{16,64}")) {
            throw new IllegalArgumentException("nonce: " + nonce + " (expected: base64url, 16-64 characters)");
        }
        this.callback = callback;
        this.nonce = nonce;
        this.open = ("<script nonce=\"" + nonce + "\">p(").getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code Content-Security-Policy} this response needs: only its own scripts, framed only by its own origin. */
    public String contentSecurityPolicy() {
        return "default-src 'none'; script-src 'nonce-" + nonce + "'; frame-ancestors 'self'; base-uri 'none'";
    }

    @Override
    public String contentType() {
        return "text/html; charset=utf-8";
    }

    @Override
    public ByteBuf prelude(ByteBufAllocator alloc) {
        String head = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>halley</title></head><body>\n"
                + "<script nonce=\"" + nonce + "\">var p=parent." + callback + ";</script>\n<!--"
                + " ".repeat(PADDING_BYTES) + "-->\n";
        byte[] b = head.getBytes(StandardCharsets.US_ASCII);
        return alloc.buffer(b.length).writeBytes(b);
    }

    @Override
    public ByteBuf frame(ByteBufAllocator alloc, byte[] envelope) {
        return alloc.buffer(open.length + envelope.length + CLOSE.length).writeBytes(open).writeBytes(envelope).writeBytes(CLOSE);
    }
}

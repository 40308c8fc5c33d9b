package org.halley.push.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The allow-list of browser origins. A request with an {@code Origin} header must come from one
 * of them; one without (curl, an application server) is let through, since only a browser adds
 * the ambient credentials that origin checks protect and Halley never relies on cookies.
 */
public final class Origins {
    private final Set<String> allowed;

    public Origins(List<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    /** The request's origin, lower case, or null when it sent none. */
    public static String of(HttpRequest req) {
        String o = req.headers().get(HttpHeaderNames.ORIGIN);
        return o == null ? null : o.toLowerCase(Locale.ROOT);
    }

    public boolean allows(HttpRequest req) {
        String o = of(req);
        return o == null || allowed.contains(o);
    }

    /** Whether {@code origin} is listed (for CORS headers). */
    public boolean listed(String origin) {
        return origin != null && allowed.contains(origin);
    }
}

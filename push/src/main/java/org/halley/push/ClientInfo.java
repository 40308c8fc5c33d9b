package org.halley.push;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Who opened a session, as the HTTP request showed it. Forwarded headers are raw: only the
 * application knows which proxies to trust.
 *
 * @param remote the TCP peer (a proxy, when there is one)
 * @param forwardedFor the {@code X-Forwarded-For} hops, left to right as received
 * @param origin the {@code Origin} header, or empty
 * @param userAgent the {@code User-Agent} header, or empty
 */
public record ClientInfo(InetSocketAddress remote, List<String> forwardedFor, String origin, String userAgent) {
    public ClientInfo {
        Objects.requireNonNull(remote, "remote");
        forwardedFor = List.copyOf(forwardedFor);
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(userAgent, "userAgent");
    }
}

package org.halley.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP side: where Halley listens and which pages may talk to it.
 *
 * @param bind address to listen on ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::})
 * @param port TCP port, 0 for any free port (tests)
 * @param publicUrl the URL people open, as the proxy in front presents it
 * @param allowedOrigins browser {@code Origin}s allowed to open sessions ({@code scheme://host[:port]})
 * @param push transport settings of the push core
 * @param trustedProxies proxies whose {@code X-Forwarded-For} is believed: the browser's address is
 *     the right-most hop that is not one of them (empty: the TCP peer is the browser)
 * @param tls the certificate and key when Halley serves HTTPS itself; empty for plain HTTP
 * @param drain how Halley stops on SIGTERM
 * @param probeInterval how often each network without a connected person is probed (a TCP connect)
 *     for readiness
 */
public record ServerConfig(
        String bind, int port, URI publicUrl, List<String> allowedOrigins, PushConfig push, List<IpRange> trustedProxies,
        Optional<TlsConfig> tls, DrainConfig drain, Duration probeInterval) {

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        Objects.requireNonNull(publicUrl, "publicUrl");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(push, "push");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(drain, "drain");
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval: " + probeInterval + " (expected: > 0)");
        }
    }
}

package org.halley.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS served by Halley itself ({@code server.tls}): a PEM certificate chain and its PKCS#8 PEM
 * private key, read once at start-up. Without it Halley speaks plain HTTP and a proxy in front
 * terminates TLS (deploy/).
 *
 * @param certificate the server's certificate, then any intermediates (a {@code fullchain.pem})
 * @param key its private key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----})
 */
public record TlsConfig(Path certificate, Path key) {
    public TlsConfig {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }
}

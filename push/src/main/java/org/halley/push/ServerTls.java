package org.halley.push;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.SSLException;
import org.halley.config.TlsConfig;

/**
 * The server side of TLS from {@code server.tls}: a PEM certificate chain and its unencrypted
 * PKCS#8 PEM key, TLS 1.3 and 1.2 only. The key is checked against the certificate at start-up
 * (a signature made with one must verify with the other), so a mismatched pair stops Halley
 * rather than failing every handshake.
 */
final class ServerTls {
    private ServerTls() {}

    static SslContext context(TlsConfig tls) {
        try {
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(tls.certificate())) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            PrivateKey key = pkcs8(Files.readString(tls.key(), StandardCharsets.US_ASCII), cert.getPublicKey().getAlgorithm());
            if (!org.halley.config.PemFiles.matches(cert, key)) {
                throw new IllegalArgumentException("the key is not the certificate's (" + cert.getSubjectX500Principal() + ")");
            }
            return SslContextBuilder.forServer(tls.certificate().toFile(), tls.key().toFile())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            String why = e instanceof SSLException && e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new IllegalArgumentException("server.tls: cannot serve TLS with " + tls.certificate() + " and " + tls.key()
                    + ": " + why + " (the certificate must be PEM and the key its unencrypted PKCS#8 PEM key)", e);
        }
    }

    private static PrivateKey pkcs8(String pem, String algorithm) throws GeneralSecurityException {
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the key file has no PKCS#8 block (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}

package org.halley.bridges.irc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for IRC connections, verified like a browser verifies HTTPS: the chain must lead to a
 * trusted authority (the JDK's, or those of a configured PEM file) and the certificate must name
 * the configured host. A plain {@code SSLSocket} checks neither name nor, given only an address,
 * whom it is talking to, so the handshake is done here on an already connected socket with the
 * host name for SNI and for the check. Thread-safe.
 */
final class IrcTls {
    private final SSLSocketFactory factory;

    private IrcTls(SSLSocketFactory factory) {
        this.factory = factory;
    }

    /** The JDK's trusted authorities, or only those in {@code caFile}. */
    static IrcTls create(Path caFile) {
        if (caFile == null) {
            return new IrcTls((SSLSocketFactory) SSLSocketFactory.getDefault());
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException(caFile + " has no PEM certificates");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return new IrcTls(ctx.getSocketFactory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + caFile + " as certificate authorities: " + e.getMessage(), e);
        }
    }

    /** Starts TLS on connected {@code plain} and checks the server is {@code host}; closes it on failure. */
    Socket wrap(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true);
        try {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(host)) {
                p.setServerNames(List.of(new SNIHostName(host)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static boolean isIpLiteral(String host) {
        return org.halley.config.IpRange.literal(host) != null;
    }
}

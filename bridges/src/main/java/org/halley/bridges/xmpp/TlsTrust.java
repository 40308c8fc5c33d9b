package org.halley.bridges.xmpp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which servers an XMPP bridge trusts, and the check that the certificate names the XMPP domain.
 *
 * <p>Smack 4.4's reactor transport creates its {@link SSLEngine} with the XMPP domain as peer
 * host but never asks the JDK to check that the certificate names it (its blocking
 * {@code XMPPTCPConnection} has a hostname verifier for that; the reactor has none). A chain
 * check alone would accept any valid certificate for any domain. So Smack gets an {@link
 * SSLContext} whose engines carry endpoint identification ({@code HTTPS}, RFC 2818/6125 DNS-ID
 * matching) and SNI for the domain: the handshake fails unless the certificate names it.
 */
public final class TlsTrust {
    private TlsTrust() {}

    /**
     * The trust manager for {@code caFile} (PEM, one or more certificates), or null for the JDK's
     * default trust store.
     */
    public static X509TrustManager trustManager(Path caFile) throws IOException, GeneralSecurityException {
        if (caFile == null) {
            return null;
        }
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(caFile)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(caFile + " holds no PEM certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager for " + caFile);
    }

    /**
     * A TLS context whose engines check that the peer's certificate names their peer host. One
     * per bridge: Smack initialises the context it is given for every connection, and only the
     * first initialisation counts (the same trust for all), so thousands of connections share one
     * context and its session cache instead of building one each.
     */
    static SSLContext verifyingContext() {
        try {
            SSLContext real = SSLContext.getInstance("TLS");
            return new SSLContext(new VerifyingSpi(real), real.getProvider(), real.getProtocol()) {};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delegates to a real context; adds endpoint identification and SNI to every client engine. */
    private static final class VerifyingSpi extends SSLContextSpi {
        private final SSLContext real;
        private boolean initialised; // guarded by this

        VerifyingSpi(SSLContext real) {
            this.real = real;
        }

        @Override
        protected synchronized void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
            if (!initialised) {
                real.init(km, tm, random);
                initialised = true;
            }
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory(); // XMPPTCPConnection: Smack's hostname verifier checks these
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw new UnsupportedOperationException("an XMPP client engine needs the peer's domain");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = real.createSSLEngine(host, port);
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(List.of(new SNIHostName(host)));
            engine.setSSLParameters(p);
            return engine;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }
    }
}

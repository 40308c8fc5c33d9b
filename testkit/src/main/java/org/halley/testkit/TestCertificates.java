package org.halley.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA and a server certificate for {@code localhost} and {@code 127.0.0.1}, made by
 * Debian's openssl at test time (EC P-256: fast), in the shapes servers want: {@link #certificate()}
 * and {@link #key()} (PEM; the key unencrypted PKCS#8) for Halley and nginx, {@link #combined()}
 * (certificate then key) for HAProxy, and {@link #clientContext()} for Java clients that trust
 * only this CA.
 */
public final class TestCertificates {
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA and the server certificate in a fresh temporary directory. */
    public static TestCertificates create() {
        Path openssl = Binaries.require("openssl", "/usr/bin/openssl");
        try {
            Path dir = Files.createTempDirectory("halley-tls-");
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
            String o = openssl.toString();
            List<List<String>> steps = new ArrayList<>();
            steps.add(List.of(o, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Halley test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
            steps.add(List.of(o, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"));
            steps.add(List.of(o, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "server.pem", "-days", "30", "-extfile", "server.ext"));
            for (List<String> step : steps) {
                run(dir, step);
            }
            Files.writeString(dir.resolve("combined.pem"),
                    Files.readString(dir.resolve("server.pem")) + Files.readString(dir.resolve("server.key")));
            return new TestCertificates(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA's certificate (PEM). */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** The server's certificate (PEM), for localhost and 127.0.0.1. */
    public Path certificate() {
        return dir.resolve("server.pem");
    }

    /** The server's private key (unencrypted PKCS#8 PEM). */
    public Path key() {
        return dir.resolve("server.key");
    }

    /** Certificate and key in one PEM file, as HAProxy's {@code crt} wants. */
    public Path combined() {
        return dir.resolve("combined.pem");
    }

    /** An {@link SSLContext} for clients that trusts this CA and nothing else. */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(ca())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("halley-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

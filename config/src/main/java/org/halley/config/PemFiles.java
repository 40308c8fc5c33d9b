package org.halley.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Reads the PEM files a config names the way start-up will (the push core's TLS, the bridges'
 * {@code ca-file}), so that a file that would stop start-up stops {@code --check} and a reload
 * first, with the line of the key that names it. Each method returns null when the file is fine,
 * else what is wrong. Reads at most {@link #MAX_BYTES} of a file.
 */
public final class PemFiles {
    /** A certificate chain or CA bundle is kilobytes; a system bundle about 250 KiB. */
    static final int MAX_BYTES = 4 << 20;

    private PemFiles() {}

    /** A CA bundle: at least one X.509 certificate, PEM. */
    static String authoritiesProblem(String file) {
        String problem = ConfigLoader.readableFileProblem(file);
        if (problem != null) {
            return problem;
        }
        try {
            if (!new String(read(file), StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
                return "'" + file + "' holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)";
            }
            Collection<? extends Certificate> certs = certificates(file);
            if (certs.isEmpty()) {
                return "'" + file + "' holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)";
            }
            return null;
        } catch (IOException e) {
            return "'" + file + "' cannot be read: " + e.getMessage();
        } catch (GeneralSecurityException | RuntimeException e) {
            return "'" + file + "' is not a PEM certificate bundle (" + reason(e) + ")";
        }
    }

    /** The server's certificate chain: the first certificate is the server's own. */
    static String chainProblem(String file) {
        String problem = ConfigLoader.pemProblem(file, "CERTIFICATE");
        if (problem != null) {
            return problem;
        }
        try {
            if (certificates(file).isEmpty()) {
                return "'" + file + "' holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)";
            }
            return null;
        } catch (IOException e) {
            return "'" + file + "' cannot be read: " + e.getMessage();
        } catch (GeneralSecurityException | RuntimeException e) {
            return "'" + file + "' is not a PEM certificate (" + reason(e) + ")";
        }
    }

    /**
     * The server's key: unencrypted PKCS#8 PEM, of the certificate's algorithm, and the
     * certificate's (a signature made with it verifies with the certificate's public key).
     * {@code certificate} is a file {@link #chainProblem} found fine.
     */
    static String keyProblem(String keyFile, String certificate) {
        String problem = ConfigLoader.pemProblem(keyFile, "PRIVATE KEY");
        if (problem != null) {
            return problem;
        }
        X509Certificate cert;
        try {
            cert = (X509Certificate) certificates(certificate).iterator().next();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null; // reported at the certificate
        }
        PrivateKey key;
        try {
            String pem = new String(read(keyFile), StandardCharsets.US_ASCII);
            int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
            int end = pem.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin) {
                return "'" + keyFile + "' has no complete PKCS#8 block (-----BEGIN/END PRIVATE KEY-----)";
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            return "'" + keyFile + "' cannot be read: " + e.getMessage();
        } catch (GeneralSecurityException | RuntimeException e) {
            return "'" + keyFile + "' is not a " + cert.getPublicKey().getAlgorithm() + " private key like the certificate's ("
                    + reason(e) + ")";
        }
        try {
            if (!matches(cert, key)) {
                return "'" + keyFile + "' is not the key of the certificate in '" + certificate + "' ("
                        + cert.getSubjectX500Principal().getName() + "); give the key the certificate was made for";
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return "'" + keyFile + "' cannot sign with the certificate's algorithm (" + reason(e) + ")";
        }
        return null;
    }

    private static Collection<? extends Certificate> certificates(String file) throws IOException, GeneralSecurityException {
        try (InputStream in = new ByteArrayInputStream(read(file))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            return bytes;
        }
    }

    /**
     * Whether {@code key} is the private key of {@code cert}: sign with the key, verify with the
     * certificate. {@code --check} and the push core's TLS start-up share this one check.
     */
    public static boolean matches(X509Certificate cert, PrivateKey key) throws GeneralSecurityException {
        String alg = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return true; // no cheap check for this key type; the handshake will tell
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature sign = Signature.getInstance(alg);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(alg);
        verify.initVerify(cert.getPublicKey());
        verify.update(probe);
        return verify.verify(signature);
    }

    /** The JDK's reason, without its exception class names. */
    private static String reason(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : e.getMessage();
        if (m == null || m.isBlank()) {
            return "unreadable content";
        }
        m = m.replaceAll("(?:[a-z]+\\.)+[A-Z][A-Za-z]*(?:Exception|Error): ?", "").strip();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }
}

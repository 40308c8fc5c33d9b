package org.halley.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.halley.testkit.TestCertificates;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a config names are read as start-up reads them, so {@code --check} and a reload
 * refuse what start-up would, at the line of the key that names the file. Real certificates and
 * keys from openssl (testkit {@link TestCertificates}).
 */
class CertificateFilesTest {
    private static final TestCertificates CERTS = TestCertificates.create();

    private static final String TLS = "server:\n  tls:\n    certificate: %s\n    key: %s\n" + """
            bridges:
              - {name: demo, kind: irc, host: 127.0.0.1, tls: false}
            """;

    private static final String IRC_CA = """
            bridges:
              - name: demo
                kind: irc
                host: 127.0.0.1
                tls: true
                ca-file: %s
            """;

    private static final String XMPP_CA = """
            bridges:
              - name: chat
                kind: xmpp
                host: 127.0.0.1
                domain: example.org
                ca-file: %s
            """;

    private static String error(String yaml) {
        try {
            ConfigLoader.parse("halley.yaml", yaml, Map.of());
        } catch (ConfigException e) {
            assertThat(e.errors()).as("errors").hasSize(1);
            return e.errors().get(0).toString();
        }
        throw new AssertionError("expected an error for:\n" + yaml);
    }

    @Test
    void goodFilesPass() throws ConfigException {
        assertThat(ConfigLoader.parse("halley.yaml", TLS.formatted(CERTS.certificate(), CERTS.key())).server().tls()).isPresent();
        assertThat(ConfigLoader.parse("halley.yaml", IRC_CA.formatted(CERTS.ca())).bridges()).hasSize(1);
        assertThat(ConfigLoader.parse("halley.yaml", XMPP_CA.formatted(CERTS.ca())).bridges()).hasSize(1);
    }

    @Test
    void keyOfAnotherCertificateIsRefusedAtTheKey() {
        Path otherKey = CERTS.certificate().resolveSibling("ca.key"); // the CA's: also EC P-256, PKCS#8
        assertThat(error(TLS.formatted(CERTS.certificate(), otherKey))).isEqualTo("halley.yaml:4:5: server.tls.key: '"
                + otherKey + "' is not the key of the certificate in '" + CERTS.certificate()
                + "' (CN=localhost); give the key the certificate was made for");
    }

    @Test
    void certificateWithBrokenContentIsRefusedAtTheCertificate(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nMIIBbroken\n-----END CERTIFICATE-----\n");
        String e = error(TLS.formatted(broken, CERTS.key()));
        assertThat(e).startsWith("halley.yaml:3:5: server.tls.certificate: '" + broken + "' is not a PEM certificate (");
        assertThat(e).doesNotContain("Exception").doesNotContain("java.");
    }

    @Test
    void truncatedKeyIsRefusedAtTheKey(@TempDir Path dir) throws IOException {
        String pem = Files.readString(CERTS.key());
        Path truncated = Files.writeString(dir.resolve("key.pem"), pem.substring(0, pem.length() / 2));
        assertThat(error(TLS.formatted(CERTS.certificate(), truncated))).isEqualTo("halley.yaml:4:5: server.tls.key: '"
                + truncated + "' has no complete PKCS#8 block (-----BEGIN/END PRIVATE KEY-----)");
        Path garbled = Files.writeString(dir.resolve("garbled.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThat(error(TLS.formatted(CERTS.certificate(), garbled))).startsWith("halley.yaml:4:5: server.tls.key: '"
                + garbled + "' is not a EC private key like the certificate's (");
    }

    @Test
    void directoryAndMissingFileAreRefusedAtTheirKey(@TempDir Path dir) {
        assertThat(error(TLS.formatted(dir, CERTS.key()))).startsWith("halley.yaml:3:5: server.tls.certificate: '" + dir
                + "' is not a file");
        assertThat(error(TLS.formatted(CERTS.certificate(), dir.resolve("nope.pem"))))
                .startsWith("halley.yaml:4:5: server.tls.key: '" + dir.resolve("nope.pem") + "' is not a file");
    }

    @Test
    void caFileThatIsNoCertificateIsRefusedForIrcAndXmpp(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        Path broken = Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        for (Path bad : List.of(text, broken)) {
            assertThat(error(IRC_CA.formatted(bad))).startsWith("halley.yaml:6:5: bridges[0].ca-file: '" + bad + "' ");
            assertThat(error(XMPP_CA.formatted(bad))).startsWith("halley.yaml:6:5: bridges[0].ca-file: '" + bad + "' ");
        }
        assertThat(error(XMPP_CA.formatted(text))).isEqualTo("halley.yaml:6:5: bridges[0].ca-file: '" + text
                + "' holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
        assertThat(error(XMPP_CA.formatted(dir))).startsWith("halley.yaml:6:5: bridges[0].ca-file: '" + dir + "' is not a file");
        assertThat(error(XMPP_CA.formatted(dir.resolve("missing.pem"))))
                .startsWith("halley.yaml:6:5: bridges[0].ca-file: '" + dir.resolve("missing.pem") + "' is not a file");
    }

    @Test
    void unreadableFileIsRefusedAtItsKey(@TempDir Path dir) throws IOException {
        Path locked = Files.copy(CERTS.ca(), dir.resolve("locked.pem"));
        assertThat(locked.toFile().setReadable(false, false)).isTrue();
        Assumptions.assumeFalse(Files.isReadable(locked), "root reads every file (the container runs tests as root)");
        assertThat(error(XMPP_CA.formatted(locked))).isEqualTo("halley.yaml:6:5: bridges[0].ca-file: '" + locked
                + "' cannot be read by this user");
    }
}

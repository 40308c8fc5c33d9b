package org.halley.bridges;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DisconnectReasonTest {
    /** Every exception message below names an internal address and spans lines, as real ones do. */
    private static final String LEAKY = "127.0.0.1:45123\nat line 2 \u001b[31m";

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new SSLHandshakeException("PKIX path building failed " + LEAKY), "tls-failed"),
                Arguments.of(new SSLPeerUnverifiedException("No subject alternative names matching " + LEAKY), "tls-failed"),
                Arguments.of(new IOException("handshake " + LEAKY, new CertificateException(LEAKY)), "tls-failed"),
                Arguments.of(new IOException(LEAKY, new CertificateException(new CertPathValidatorException(LEAKY))), "tls-failed"),
                Arguments.of(new UnknownHostException("irc.nowhere.invalid " + LEAKY), "server-not-found"),
                Arguments.of(new ConnectException("Connection refused " + LEAKY), "server-unreachable"),
                Arguments.of(new NoRouteToHostException(LEAKY), "server-unreachable"),
                Arguments.of(new PortUnreachableException(LEAKY), "server-unreachable"),
                Arguments.of(new RuntimeException(LEAKY, new ConnectException(LEAKY)), "server-unreachable"),
                Arguments.of(new ExecutionException(new UncheckedIOException(new ConnectException(LEAKY))), "server-unreachable"),
                Arguments.of(new SocketTimeoutException("Read timed out " + LEAKY), "timed-out"),
                Arguments.of(new TimeoutException("no answer to an XMPP ping within 5 s"), "timed-out"),
                Arguments.of(new EOFException(LEAKY), "connection-lost"),
                Arguments.of(new SocketException("Connection reset " + LEAKY), "connection-lost"),
                Arguments.of(new ClosedChannelException(), "connection-lost"),
                Arguments.of(new XMLStreamException("ParseError at [row,col]:[1,2]\nMessage: " + LEAKY), "connection-lost"),
                Arguments.of(new IOException(), "connection-lost"),
                Arguments.of(new IllegalStateException(LEAKY), "connection-lost"),
                Arguments.of(new OutOfMemoryError(LEAKY), "internal-error"),
                Arguments.of(new StackOverflowError(), "internal-error"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void everyFailureBecomesACodeAndNoneOfItsText(Throwable e, String code) {
        DisconnectReason r = DisconnectReason.of(e);
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.text()).isEmpty();
        assertThat(DisconnectReason.code(e)).isEqualTo(code);
    }

    @ParameterizedTest
    @MethodSource("failures")
    void theOperatorsLineIsOneLineWithTheClassAndMessage(Throwable e, String code) {
        String line = DisconnectReason.oneLine(e);
        assertThat(line).doesNotContain("\n", "\r").contains(e.getClass().getName());
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertThat(DisconnectReason.code(a)).isEqualTo("connection-lost");
        assertThat(DisconnectReason.oneLine(a)).contains("java.io.IOException: a");
    }

    @Test
    void networkTextLosesControlCharactersAndLineBreaksAndIsBounded() {
        assertThat(DisconnectReason.clean("Closing Link:\r\n  127.0.0.1 (Ping timeout)\u0000")).isEqualTo("Closing Link: 127.0.0.1 (Ping timeout)");
        assertThat(DisconnectReason.clean("\u0002bold\u000f \u000304red\u0003")).isEqualTo("bold 04red");
        assertThat(DisconnectReason.clean("evil\u202eright-to-left\u2028next")).isEqualTo("evil right-to-left next");
        assertThat(DisconnectReason.clean(null)).isEmpty();
        assertThat(DisconnectReason.clean("   ")).isEmpty();
        assertThat(DisconnectReason.clean("x".repeat(10_000))).hasSize(DisconnectReason.MAX_TEXT);
        String emoji = "a".repeat(DisconnectReason.MAX_TEXT - 1) + "\ud83d\ude00";
        assertThat(DisconnectReason.clean(emoji)).isEqualTo("a".repeat(DisconnectReason.MAX_TEXT - 1)); // no half a surrogate pair
        assertThat(new DisconnectReason("server-closed", "bye\nnow").text()).isEqualTo("bye now");
        assertThat(new ChatEvent.Disconnected(null, "server-closed", "bye\r\nnow", 0).reason()).isEqualTo("bye now");
    }
}

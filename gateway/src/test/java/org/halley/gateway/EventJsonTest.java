package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.xml.stream.XMLStreamException;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.DisconnectReason;
import org.junit.jupiter.api.Test;

/** The state events as docs/protocol.md describes them, and the catalogue's words for every reason code. */
class EventJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void connectedOnXmppSaysTheRoomNicknameAndTheAddressApart() throws Exception {
        JsonNode xmpp = JSON.readTree(EventJson.encode("jabber", ChatEvent.Connected.xmpp(T, "Alice", "example.org", "alice@example.org")));
        assertThat(xmpp.path("nick").asText()).isEqualTo("Alice");
        assertThat(xmpp.path("address").asText()).isEqualTo("alice@example.org");
        JsonNode irc = JSON.readTree(EventJson.encode("libera", ChatEvent.Connected.irc(T, "alice", "irc.example.org", "rfc1459")));
        assertThat(irc.path("nick").asText()).isEqualTo("alice");
        assertThat(irc.has("address")).as("IRC has no address apart from the nick").isFalse();
    }

    @Test
    void disconnectedCarriesACodeAndNoExceptionText() throws Exception {
        for (Throwable e : List.of(new XMLStreamException("ParseError at [row,col]:[1,2]\nMessage: 127.0.0.1:5222"),
                new ConnectException("Connection refused: 127.0.0.1:6667"), new SSLHandshakeException("PKIX path building failed"),
                new SocketTimeoutException("Read timed out"))) {
            JsonNode d = JSON.readTree(EventJson.encode("n", new ChatEvent.Disconnected(T, DisconnectReason.of(e), 1500)));
            assertThat(d.path("type").asText()).isEqualTo("disconnected");
            assertThat(DisconnectReason.CODES).contains(d.path("code").asText());
            assertThat(d.path("reason").asText()).isEmpty();
            assertThat(d.path("retryIn").asLong()).isEqualTo(1500);
        }
        JsonNode said = JSON.readTree(EventJson.encode("n", new ChatEvent.Disconnected(T, "server-closed", "Closing Link:\r\nbye", 0)));
        assertThat(said.path("code").asText()).isEqualTo("server-closed");
        assertThat(said.path("reason").asText()).isEqualTo("Closing Link: bye");
    }

    @Test
    void everyReasonCodeHasItsWordsInEveryCatalogue() throws IOException {
        for (String lang : List.of("en", "de")) {
            JsonNode catalogue;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("halley-web/i18n/" + lang + ".json")) {
                assertThat(in).as(lang).isNotNull();
                catalogue = JSON.readTree(in);
            }
            for (String code : DisconnectReason.CODES) {
                assertThat(catalogue.path("disconnect." + code).asText()).as("%s: disconnect.%s", lang, code).isNotBlank();
            }
            for (String code : List.of("roster-failed", "timed-out", "tls-failed", "tls-required", "bad-password", "not-supported")) {
                assertThat(catalogue.path("problem." + code).asText()).as("%s: problem.%s", lang, code).isNotBlank();
            }
        }
    }
}

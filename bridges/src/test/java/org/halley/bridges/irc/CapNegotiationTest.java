package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapNegotiationTest {
    private final List<String> sent = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> accounts = new ArrayList<>();

    private CapNegotiation caps(String account, String password) {
        CapNegotiation c = new CapNegotiation(account, password, new CapNegotiation.Out() {
            @Override
            public void sendNow(String line) {
                sent.add(line);
            }

            @Override
            public void problem(String code, String message) {
                problems.add(code + ": " + message);
            }

            @Override
            public void loggedIn(String account) {
                accounts.add(account);
            }
        });
        c.start();
        return c;
    }

    private static boolean feed(CapNegotiation c, String line) {
        return c.onLine(IrcMessage.parse(line));
    }

    @Test
    void requestsOnlyWhatIsOfferedAndWantedThenEnds() {
        CapNegotiation c = caps("", "");
        feed(c, ":irc CAP * LS * :account-notify away-notify batch chghost");
        feed(c, ":irc CAP * LS :echo-message multi-prefix sasl=PLAIN server-time draft/foo");
        feed(c, ":irc CAP * ACK :away-notify echo-message multi-prefix server-time account-notify");
        assertThat(sent).containsExactly("CAP LS 302", "CAP REQ :account-notify away-notify echo-message multi-prefix server-time", "CAP END");
        assertThat(c.enabled("echo-message")).isTrue();
        assertThat(c.enabled("sasl")).isFalse();
        assertThat(c.ended()).isTrue();
    }

    @Test
    void nothingWantedEndsAtOnceAndNakEndsToo() {
        CapNegotiation c = caps("", "");
        feed(c, ":irc CAP * LS :draft/foo");
        assertThat(sent).containsExactly("CAP LS 302", "CAP END");
        sent.clear();
        CapNegotiation d = caps("", "");
        feed(d, ":irc CAP * LS :multi-prefix");
        feed(d, ":irc CAP * NAK :multi-prefix");
        assertThat(sent).containsExactly("CAP LS 302", "CAP REQ :multi-prefix", "CAP END");
    }

    @Test
    void saslPlainLogsInWithTheAccount() {
        CapNegotiation c = caps("alice", "pässword");
        feed(c, ":irc CAP * LS :sasl=PLAIN,EXTERNAL multi-prefix");
        feed(c, ":irc CAP * ACK :multi-prefix sasl");
        feed(c, "AUTHENTICATE +");
        feed(c, ":irc 900 alice alice!a@h alice :You are now logged in as alice");
        feed(c, ":irc 903 alice :SASL authentication successful");
        String expected = Base64.getEncoder().encodeToString("alice\0alice\0pässword".getBytes(StandardCharsets.UTF_8));
        assertThat(sent).containsExactly("CAP LS 302", "CAP REQ :multi-prefix sasl", "AUTHENTICATE PLAIN",
                "AUTHENTICATE " + expected, "CAP END");
        assertThat(accounts).containsExactly("alice");
        assertThat(problems).isEmpty();
    }

    @Test
    void failedOrMissingSaslIsReportedAndRegistrationGoesOn() {
        CapNegotiation c = caps("alice", "wrong");
        feed(c, ":irc CAP * LS :sasl");
        feed(c, ":irc CAP * ACK :sasl");
        feed(c, "AUTHENTICATE +");
        feed(c, ":irc 904 * :SASL authentication failed");
        assertThat(sent).last().isEqualTo("CAP END");
        assertThat(problems).singleElement().asString().startsWith("sasl-failed: the network did not log you in as alice");

        problems.clear();
        sent.clear();
        CapNegotiation d = caps("alice", "pw");
        feed(d, ":irc CAP * LS :multi-prefix sasl=EXTERNAL");
        assertThat(sent).containsExactly("CAP LS 302", "CAP REQ :multi-prefix");
        assertThat(problems).singleElement().asString().startsWith("sasl-unavailable");
    }

    @Test
    void serverWithoutCapStillRegisters() {
        CapNegotiation c = caps("", "");
        assertThat(feed(c, ":irc 421 * CAP :Unknown command")).isTrue();
        assertThat(c.ended()).isTrue();
        assertThat(feed(c, ":irc 421 bob FOO :Unknown command")).isFalse();
    }

    @Test
    void capNotifyAddsAndRemovesLater() {
        CapNegotiation c = caps("", "");
        feed(c, ":irc CAP * LS :cap-notify");
        feed(c, ":irc CAP * ACK :cap-notify");
        c.registered();
        sent.clear();
        feed(c, ":irc CAP bob NEW :away-notify sasl");
        assertThat(sent).containsExactly("CAP REQ :away-notify");
        feed(c, ":irc CAP bob ACK :away-notify");
        assertThat(c.enabled("away-notify")).isTrue();
        feed(c, ":irc CAP bob DEL :away-notify");
        assertThat(c.enabled("away-notify")).isFalse();
        assertThat(sent).containsExactly("CAP REQ :away-notify");
    }
}

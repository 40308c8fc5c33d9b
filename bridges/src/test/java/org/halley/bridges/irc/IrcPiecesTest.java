package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.halley.bridges.Login;
import org.halley.config.FloodRules;
import org.halley.config.ReconnectRules;
import org.junit.jupiter.api.Test;

/** The small pure parts of the bridge: line reading, flood control, ISUPPORT, backoff, templates. */
class IrcPiecesTest {

    @Test
    void lineReaderSplitsOnLfDropsCrAndFallsBackToLatin1() throws IOException {
        byte[] bytes = ("one\r\ntwo\n\u00fcber\r\n".getBytes(StandardCharsets.UTF_8));
        byte[] latin1 = "caf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[bytes.length + latin1.length + 4];
        System.arraycopy(bytes, 0, all, 0, bytes.length);
        System.arraycopy(latin1, 0, all, bytes.length, latin1.length);
        System.arraycopy("last".getBytes(StandardCharsets.US_ASCII), 0, all, bytes.length + latin1.length, 4);
        IrcLineReader r = new IrcLineReader(new ByteArrayInputStream(all));
        assertThat(r.readLine()).isEqualTo("one");
        assertThat(r.readLine()).isEqualTo("two");
        assertThat(r.readLine()).isEqualTo("\u00fcber");
        assertThat(r.readLine()).isEqualTo("caf\u00e9");
        assertThat(r.readLine()).isNull(); // an unterminated last line is not a line
    }

    @Test
    void lineReaderGrowsForLongLinesShrinksAfterAndSkipsMonsters() throws IOException {
        String tagged = "@" + "a=b;".repeat(1500) + " :x PRIVMSG #a :hi";
        String monster = "x".repeat(IrcLineReader.MAX_LINE_BYTES + 10);
        IrcLineReader r = new IrcLineReader(new ByteArrayInputStream((tagged + "\r\n" + monster + "\r\nafter\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
        assertThat(r.readLine()).isEqualTo(tagged);
        assertThat(r.readLine()).isEqualTo("after");
        assertThat(r.capacity()).isEqualTo(IrcLineReader.INITIAL_BYTES);
    }

    @Test
    void floodControlAllowsABurstThenOneLinePerInterval() {
        long ms = 1_000_000;
        FloodControl f = new FloodControl(new FloodRules(3, Duration.ofMillis(100)), 0);
        for (int i = 0; i < 3; i++) {
            assertThat(f.waitNanos(0)).isZero();
            f.take(0);
        }
        assertThat(f.waitNanos(0)).isEqualTo(100 * ms);
        assertThat(f.waitNanos(60 * ms)).isEqualTo(40 * ms);
        f.take(100 * ms);
        assertThat(f.waitNanos(100 * ms)).isEqualTo(100 * ms);
        assertThat(f.waitNanos(1000 * ms)).isZero(); // idle long enough: the whole burst again
        FloodControl none = new FloodControl(new FloodRules(1, Duration.ZERO), 0);
        none.take(0);
        none.take(0);
        assertThat(none.waitNanos(0)).isZero();
    }

    @Test
    void isupportDefaultsAndAnnouncements() {
        Isupport s = new Isupport();
        assertThat(s.isChannel("#a")).isTrue();
        assertThat(s.isChannel("&a")).isTrue();
        assertThat(s.isChannel("+a")).isFalse();
        assertThat(s.fold("Bob[]\\~")).isEqualTo("bob{}|^");
        s.parse(List.of("PREFIX=(qaohv)~&@%+", "CHANTYPES=#", "CASEMAPPING=ascii", "CHANMODES=beI,k,l,imnpst", "STATUSMSG=@+"));
        assertThat(s.isChannel("&a")).isFalse();
        assertThat(s.fold("Bob[]")).isEqualTo("bob[]");
        assertThat(s.sortPrefix("+@~")).isEqualTo("~@+");
        assertThat(s.role("%+")).isEqualTo("halfop");
        assertThat(s.takesParameter('l', true)).isTrue();
        assertThat(s.takesParameter('l', false)).isFalse();
        assertThat(s.takesParameter('k', false)).isTrue();
        assertThat(s.takesParameter('b', false)).isTrue();
        assertThat(s.takesParameter('m', true)).isFalse();
        assertThat(s.stripStatus("@#a")).isEqualTo("#a");
        assertThat(s.stripStatus("+")).isEqualTo("+");
    }

    @Test
    void backoffDoublesUpToTheCapWithJitter() {
        ReconnectRules r = new ReconnectRules(Duration.ofSeconds(2), Duration.ofSeconds(60));
        assertThat(IrcConnection.backoff(r, 1, 0.5)).isEqualTo(2_000);
        assertThat(IrcConnection.backoff(r, 2, 0.5)).isEqualTo(4_000);
        assertThat(IrcConnection.backoff(r, 3, 0.0)).isEqualTo(4_000);
        assertThat(IrcConnection.backoff(r, 3, 0.999)).isBetween(11_900L, 12_000L);
        assertThat(IrcConnection.backoff(r, 40, 0.5)).isEqualTo(60_000);
    }

    @Test
    void identAndRealnameTemplates() {
        assertThat(IrcConnection.ident("{hex-ip}", "198.51.100.23")).isEqualTo("c6336417");
        assertThat(IrcConnection.ident("w{hex-ip}", "::ffff:10.0.0.1")).isEqualTo("w0a000001");
        assertThat(IrcConnection.hexIp("2001:db8:1:2:3:4:5:6")).isEqualTo(IrcConnection.hexIp("2001:db8:1:2:ffff::1"))
                .matches("[0-9a-f]{8}").isNotEqualTo(IrcConnection.hexIp("2001:db8:1:3::1"));
        assertThat(IrcConnection.hexIp("not an ip")).isEqualTo("00000000");
        Login.ClientAddress c = new Login.ClientAddress("198.51.100.23", "host.example");
        assertThat(IrcConnection.realname("{nick} via {host} ({ip})", "bob", c)).isEqualTo("bob via host.example (198.51.100.23)");
    }

    @Test
    void incomingTextKeepsFormattingOnly() {
        assertThat(IrcText.clean("plain")).isEqualTo("plain");
        assertThat(IrcText.clean("a\u0002b\u0003c\u000fd\u0016e\u001df\u001fg\u001eh\u0011i\u0004j"))
                .isEqualTo("a\u0002b\u0003c\u000fd\u0016e\u001df\u001fg\u001eh\u0011i\u0004j");
        assertThat(IrcText.clean("a\u0000b\u0007c\u001bd\u007fe\u0085f\u2028g")).isEqualTo("abcdef g");
    }
}

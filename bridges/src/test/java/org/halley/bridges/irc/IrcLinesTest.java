package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrcLinesTest {

    @Test
    void linesWithCrLfOrNulAreRefused() {
        assertThat(IrcLines.problem("PRIVMSG #a :hi")).isNull();
        assertThat(IrcLines.problem("PRIVMSG #a :hi\r\nQUIT")).startsWith("line contains CR, LF or NUL");
        assertThat(IrcLines.problem("PRIVMSG #a :hi\rQUIT")).startsWith("line contains CR, LF or NUL");
        assertThat(IrcLines.problem("PRIVMSG #a :hi\u0000")).startsWith("line contains CR, LF or NUL");
        assertThat(IrcLines.problem("")).isEqualTo("empty line");
        assertThat(IrcLines.problem("x".repeat(511))).isEqualTo("line longer than 510 bytes");
        assertThat(IrcLines.problem("x".repeat(510))).isNull();
    }

    @Test
    void splitNeverBreaksACodePointAndFitsTheBudget() {
        String text = "é😀".repeat(300); // 2- and 4-byte code points
        List<String> parts = IrcLines.split(text, 100);
        assertThat(String.join("", parts)).isEqualTo(text);
        for (String p : parts) {
            assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(100);
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        }
    }

    @Test
    void splitPrefersASpaceNearTheEnd() {
        List<String> parts = IrcLines.split("aaaa bbbb cccc dddd", 12);
        assertThat(parts).containsExactly("aaaa bbbb ", "cccc dddd");
        assertThat(String.join("", IrcLines.split("x".repeat(30), 12))).hasSize(30);
    }

    @Test
    void budgetLeavesRoomForTheServersPrefix() {
        String nick = "bob";
        String command = "PRIVMSG #halley :";
        int budget = IrcLines.textBudget(nick, command);
        String relayed = ":" + nick + "!" + "u".repeat(10) + "@" + "h".repeat(63) + " " + command + "x".repeat(budget);
        assertThat(relayed.length() + 2).isEqualTo(512);
    }
}

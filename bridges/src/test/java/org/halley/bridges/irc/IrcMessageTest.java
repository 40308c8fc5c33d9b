package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IrcMessageTest {

    @Test
    void parsesPrefixCommandAndTrailing() {
        IrcMessage m = IrcMessage.parse(":alice!a@host PRIVMSG #halley :hello there");
        assertThat(m.prefix()).isEqualTo("alice!a@host");
        assertThat(m.nick()).isEqualTo("alice");
        assertThat(m.command()).isEqualTo("PRIVMSG");
        assertThat(m.params()).containsExactly("#halley", "hello there");
        assertThat(m.withoutTags()).isEqualTo(":alice!a@host PRIVMSG #halley :hello there");
    }

    @Test
    void parsesAndUnescapesTags() {
        IrcMessage m = IrcMessage.parse("@time=2026-11-25T10:00:00.000Z;msgid=a\\sb\\:c\\\\;+draft/x :s 001 bob :Welcome");
        assertThat(m.tags()).containsEntry("time", "2026-11-25T10:00:00.000Z").containsEntry("msgid", "a b;c\\").containsEntry("+draft/x", "");
        assertThat(m.command()).isEqualTo("001");
        assertThat(m.withoutTags()).isEqualTo(":s 001 bob :Welcome");
    }

    @Test
    void toleratesOddSpacingAndNoPrefix() {
        IrcMessage m = IrcMessage.parse("PING   :irc.example\r\n");
        assertThat(m.prefix()).isNull();
        assertThat(m.command()).isEqualTo("PING");
        assertThat(m.params()).containsExactly("irc.example");
        assertThat(IrcMessage.parse("join #a").command()).isEqualTo("JOIN");
        assertThat(IrcMessage.parse(":s 353 me = #a :@op +voice plain").params()).containsExactly("me", "=", "#a", "@op +voice plain");
        assertThat(IrcMessage.parse(":s PRIVMSG #a :").last()).isEmpty();
    }

    @Test
    void aLineWithoutACommandIsRefused() {
        assertThatThrownBy(() -> IrcMessage.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IrcMessage.parse(":prefix-only")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutTagsKeepsAColonWhereTheTrailingNeedsIt() {
        assertThat(new IrcMessage(java.util.Map.of(), "s", "TOPIC", List.of("#a", ":starts with colon")).withoutTags())
                .isEqualTo(":s TOPIC #a ::starts with colon");
        assertThat(new IrcMessage(java.util.Map.of(), null, "JOIN", List.of("#a")).withoutTags()).isEqualTo("JOIN #a");
    }

    @Test
    void nickFallbackTemplatesExpand() {
        assertThat(IrcConnection.expand("{nick}_", "bob", 30)).isEqualTo("bob_");
        assertThat(IrcConnection.expand("{nick}??", "bob", 30)).matches("bob\\d\\d");
        assertThat(IrcConnection.expand("{nick}_", "abcdefghij", 8)).isEqualTo("abcdefg_");
        assertThat(IrcConnection.ident("{hex-ip}", "10.1.2.255")).isEqualTo("0a0102ff");
        assertThat(IrcConnection.ident("{hex-ip}", "::1")).matches("[0-9a-f]{8}");
    }
}

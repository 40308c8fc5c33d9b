package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.halley.bridges.CommandRejectedException;
import org.halley.config.ConfigLoader;
import org.halley.config.XmppBridgeConfig;
import org.junit.jupiter.api.Test;

class XmppArgsTest {
    private static final XmppBridgeConfig CONFIG;

    static {
        try {
            CONFIG = (XmppBridgeConfig) ConfigLoader.parse("t.yaml", """
                    bridges:
                      - {name: x, kind: xmpp, host: 127.0.0.1, domain: example.org, allowed-rooms: ["*@conference.example.org"]}
                    """).bridges().get(0);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void textLosesOnlyWhatXmlCannotCarry() throws Exception {
        assertThat(XmppArgs.text("text", "a\u0000b\u0007c\u001bd\uFFFEe\uD800f")).isEqualTo("abcdef");
        assertThat(XmppArgs.text("text", "line one\nline two\ttab \uD83D\uDE00 <b>&amp;</b>")).isEqualTo("line one\nline two\ttab \uD83D\uDE00 <b>&amp;</b>");
        assertThatThrownBy(() -> XmppArgs.text("text", "\u0000\u0001")).hasMessage("text: is empty");
        assertThatThrownBy(() -> XmppArgs.text("text", "é".repeat(XmppArgs.MAX_TEXT_BYTES / 2 + 1)))
                .hasMessage("text: is longer than 16384 bytes");
    }

    @Test
    void aBareRoomNameIsOnTheConfiguredServiceAndPatternsDecide() throws Exception {
        assertThat(XmppArgs.room("channel", "Lobby", CONFIG).toString()).isEqualTo("lobby@conference.example.org");
        assertThat(XmppArgs.room("channel", "dev@conference.example.org", CONFIG).toString()).isEqualTo("dev@conference.example.org");
        assertThatThrownBy(() -> XmppArgs.room("channel", "x@rooms.evil.example", CONFIG))
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-allowed"));
        for (String bad : new String[] {"", "a b", "#halley", "a/b", "x\u0000y", "@conference.example.org"}) {
            assertThatThrownBy(() -> XmppArgs.room("channel", bad, CONFIG)).as(bad)
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("channel"));
        }
    }

    @Test
    void nicknamesMayHaveSpacesButNotControlsOrEdgeSpaces() throws Exception {
        assertThat(XmppArgs.nick("nick", "Anna Maria", 30).toString()).isEqualTo("Anna Maria");
        assertThatThrownBy(() -> XmppArgs.nick("nick", " anna", 30)).hasMessage("nick: may not start or end with spaces");
        assertThatThrownBy(() -> XmppArgs.nick("nick", "a\nb", 30)).hasMessageStartingWith("nick: contains a control character");
        assertThatThrownBy(() -> XmppArgs.nick("nick", "x".repeat(31), 30)).hasMessage("nick: is longer than 30 characters");
    }

    @Test
    void aNicknameTooLongForXmppIsRefusedInOurWordsNotTheLibrarys() throws Exception {
        // 300 characters fit a generous limit, but 1,200 UTF-8 bytes do not fit a JID's resource.
        String nick = "\uD83D\uDE00".repeat(300);
        assertThatThrownBy(() -> XmppArgs.nick("nick", nick, 1000))
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                    assertThat(e.field()).isEqualTo("nick");
                    assertThat(e.reason()).isEqualTo("is longer than 1023 bytes")
                            .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("jxmpp")
                            .doesNotContainIgnoringCase("stringprep").doesNotContain("org.", "java.");
                });
        assertThat(XmppArgs.nick("nick", "\uD83D\uDE00".repeat(255), 1000).toString()).hasSize(510); // 1,020 bytes: fits
    }

    @Test
    void addressesAreBareJidsOrOccupants() throws Exception {
        assertThat(XmppArgs.jid("who", "Bob@Example.org").toString()).isEqualTo("bob@example.org");
        assertThat(XmppArgs.target("target", "lobby@conference.example.org/Anna Maria").toString())
                .isEqualTo("lobby@conference.example.org/Anna Maria");
        assertThatThrownBy(() -> XmppArgs.jid("who", "bob@example.org/phone")).hasMessageStartingWith("who: is not an address");
        assertThatThrownBy(() -> XmppArgs.jid("who", "bob example")).hasMessageStartingWith("who: is not an address");
        assertThatThrownBy(() -> XmppArgs.password("password", "pw\u0000")).hasMessage("password: contains a control character");
    }
}

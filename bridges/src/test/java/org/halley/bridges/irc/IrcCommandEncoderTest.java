package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.CommandRejectedException;
import org.halley.config.ConfigLoader;
import org.halley.config.IrcBridgeConfig;
import org.junit.jupiter.api.Test;

class IrcCommandEncoderTest {
    private final Isupport isupport = new Isupport();
    private final IrcCommandEncoder encoder;

    IrcCommandEncoderTest() throws Exception {
        IrcBridgeConfig config = (IrcBridgeConfig) ConfigLoader.parse("t.yaml", """
                bridges:
                  - {name: t, kind: irc, host: 127.0.0.1, tls: false, allowed-channels: ["#ok*"], nick: {max-length: 20}}
                """).bridges().get(0);
        encoder = new IrcCommandEncoder(config, isupport);
        isupport.parse(List.of("PREFIX=(ov)@+", "CHANMODES=beI,k,l,imnpst", "NICKLEN=16", "MODES=3", "AWAYLEN=50"));
    }

    private List<String> lines(ChatCommand c) throws CommandRejectedException {
        return encoder.encode(c, "bob");
    }

    private void refused(ChatCommand c, String field) {
        assertThatThrownBy(() -> lines(c)).isInstanceOfSatisfying(CommandRejectedException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void everyCommandHasOneLineShape() throws Exception {
        assertThat(lines(new ChatCommand.Join("#ok", ""))).containsExactly("JOIN #ok");
        assertThat(lines(new ChatCommand.Join("#ok", "k3y"))).containsExactly("JOIN #ok k3y");
        assertThat(lines(new ChatCommand.Part("#ok", "bye now"))).containsExactly("PART #ok :bye now");
        assertThat(lines(new ChatCommand.Say("#ok", "hi"))).containsExactly("PRIVMSG #ok :hi");
        assertThat(lines(new ChatCommand.Say("carol", ":-) hi"))).containsExactly("PRIVMSG carol ::-) hi");
        assertThat(lines(new ChatCommand.Act("carol", "waves"))).containsExactly("PRIVMSG carol :\u0001ACTION waves\u0001");
        assertThat(lines(new ChatCommand.Notice("#ok", "note"))).containsExactly("NOTICE #ok :note");
        assertThat(lines(new ChatCommand.ChangeNick("bobby"))).containsExactly("NICK bobby");
        assertThat(lines(new ChatCommand.SetTopic("#ok", "a topic"))).containsExactly("TOPIC #ok :a topic");
        assertThat(lines(new ChatCommand.Whois("carol"))).containsExactly("WHOIS carol");
        assertThat(lines(new ChatCommand.SetPresence("away", "lunch"))).containsExactly("AWAY :lunch");
        assertThat(lines(new ChatCommand.SetPresence("dnd", ""))).containsExactly("AWAY :Busy");
        assertThat(lines(new ChatCommand.SetPresence("available", "ignored"))).containsExactly("AWAY");
        assertThat(lines(new ChatCommand.Kick("#ok", "carol", "spam"))).containsExactly("KICK #ok carol :spam");
        assertThat(lines(new ChatCommand.Ban("#ok", "carol", ""))).containsExactly("MODE #ok +b carol!*@*");
        assertThat(lines(new ChatCommand.Ban("#ok", "*!*@spam.example", ""))).containsExactly("MODE #ok +b *!*@spam.example");
        assertThat(lines(new ChatCommand.Unban("#ok", "*!*@spam.example"))).containsExactly("MODE #ok -b *!*@spam.example");
        assertThat(lines(new ChatCommand.SetMode("#ok", "+ov carol dave"))).containsExactly("MODE #ok +ov carol dave");
        assertThat(lines(new ChatCommand.SetMode("#ok", "+m"))).containsExactly("MODE #ok +m");
        assertThat(lines(new ChatCommand.SetMode("bob", "+i"))).containsExactly("MODE bob +i");
        assertThat(lines(new ChatCommand.Invite("#ok", "carol"))).containsExactly("INVITE carol #ok");
        assertThat(lines(new ChatCommand.Quit("bye"))).isEmpty();
    }

    @Test
    void injectionIntoAnyFieldIsRefusedNamingTheField() {
        for (String bad : List.of("hi\r\nQUIT", "hi\rQUIT", "hi\nQUIT", "a\u0000b", "x\u2028y", "x\u2029y", "x\u0085y", "\u0001DCC SEND x\u0001")) {
            refused(new ChatCommand.Say("#ok", bad), "text");
            refused(new ChatCommand.Act("#ok", bad), "text");
            refused(new ChatCommand.Notice("#ok", bad), "text");
            refused(new ChatCommand.Part("#ok", bad), "reason");
            refused(new ChatCommand.SetTopic("#ok", bad), "topic");
            refused(new ChatCommand.Kick("#ok", "carol", bad), "reason");
            refused(new ChatCommand.SetPresence("away", bad), "message");
            refused(new ChatCommand.Quit(bad), "reason");
            refused(new ChatCommand.Ban("#ok", "carol", bad), "reason");
        }
        for (String channel : List.of("#ok,#ok2", "0", ":#ok", "#ok\r\nQUIT", "#ok :x", "#ok\u0000", "ok")) {
            refused(new ChatCommand.Join(channel, ""), "channel");
            refused(new ChatCommand.Part(channel, ""), "channel");
            refused(new ChatCommand.SetTopic(channel, "t"), "channel");
            refused(new ChatCommand.Kick(channel, "carol", ""), "channel");
            refused(new ChatCommand.Invite(channel, "carol"), "channel");
        }
        for (String nick : List.of("a b", "a\r\nQUIT", ":bob", "bob,carol", "1bob", "waytoolongnickname12345")) {
            refused(new ChatCommand.ChangeNick(nick), "nick");
            refused(new ChatCommand.Whois(nick), "nick");
            refused(new ChatCommand.Kick("#ok", nick, ""), "nick");
            refused(new ChatCommand.Invite("#ok", nick), "nick");
        }
        refused(new ChatCommand.Say("#ok,carol", "x"), "target");
        refused(new ChatCommand.Say(":carol", "x"), "target");
        refused(new ChatCommand.Join("#ok", "k\r\nQUIT"), "key");
        refused(new ChatCommand.Join("#ok", ":key"), "key");
        refused(new ChatCommand.Join("#ok", "a,b"), "key");
        refused(new ChatCommand.Ban("#ok", "*!*@a b", ""), "who");
        refused(new ChatCommand.Ban("#ok", ":*!*@x", ""), "who");
        refused(new ChatCommand.Ban("#ok", "*!*@x,#other", ""), "who");
        refused(new ChatCommand.SetMode("#ok", "+o :carol"), "modes");
        refused(new ChatCommand.SetMode("#ok", "o carol"), "modes");
        refused(new ChatCommand.SetMode("#ok", "+o\r\nQUIT"), "modes");
        refused(new ChatCommand.SetMode("#ok", "+oooo a b c d"), "modes");
        refused(new ChatCommand.SetMode("carol", "+i"), "target");
        refused(new ChatCommand.SetPresence("invisible", ""), "status");
    }

    @Test
    void channelsOutsideThePatternsAreRefusedForJoinMessagesAndInvites() {
        for (ChatCommand c : List.of(new ChatCommand.Join("#elsewhere", ""), new ChatCommand.Invite("#elsewhere", "carol"))) {
            assertThatThrownBy(() -> lines(c)).isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                assertThat(e.code()).isEqualTo("not-allowed");
                assertThat(e.getMessage()).contains("#elsewhere is not open through this gateway");
            });
        }
        assertThatThrownBy(() -> lines(new ChatCommand.Say("#elsewhere", "spam")))
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-allowed"));
    }

    @Test
    void everyOpThatNamesAChannelIsCheckedAgainstThePolicy() throws Exception {
        for (String other : List.of("#elsewhere", "#OTHER", "&ok")) {
            for (ChatCommand c : List.of(new ChatCommand.Join(other, ""), new ChatCommand.Part(other, ""),
                    new ChatCommand.SetTopic(other, "t"), new ChatCommand.Kick(other, "carol", ""),
                    new ChatCommand.Ban(other, "carol", ""), new ChatCommand.Unban(other, "carol"),
                    new ChatCommand.Invite(other, "carol"), new ChatCommand.Say(other, "x"), new ChatCommand.Act(other, "x"),
                    new ChatCommand.Notice(other, "x"), new ChatCommand.SetMode(other, "+i"))) {
                assertThatThrownBy(() -> lines(c)).as(c.toString()).isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo("not-allowed");
                    assertThat(e.field()).isIn("channel", "target");
                });
            }
        }
        for (ChatCommand c : List.of(new ChatCommand.SetMode("#ok", "+f #elsewhere"), new ChatCommand.SetMode("#ok", "+b $j:#elsewhere"),
                new ChatCommand.Ban("#ok", "~c:#elsewhere", ""), new ChatCommand.Unban("#ok", "$j:#elsewhere"))) {
            assertThatThrownBy(() -> lines(c)).as(c.toString()).isInstanceOfSatisfying(CommandRejectedException.class,
                    e -> assertThat(e.code()).isEqualTo("not-allowed"));
        }
        assertThat(lines(new ChatCommand.SetMode("#ok", "+b $j:#ok-too"))).containsExactly("MODE #ok +b $j:#ok-too");
        assertThat(lines(new ChatCommand.Ban("#ok", "*!*@2001:db8::1", ""))).containsExactly("MODE #ok +b *!*@2001:db8::1");
    }

    @Test
    void thePolicyComparesNamesUnderTheServersCaseMapping() throws Exception {
        IrcBridgeConfig config = (IrcBridgeConfig) ConfigLoader.parse("t.yaml", """
                bridges:
                  - {name: t, kind: irc, host: 127.0.0.1, tls: false, allowed-channels: ["#team{a}*"]}
                """).bridges().get(0);
        Isupport rfc = new Isupport();
        IrcCommandEncoder e = new IrcCommandEncoder(config, rfc);
        assertThat(e.encode(new ChatCommand.Join("#TEAM[A]", ""), "bob")).containsExactly("JOIN #TEAM[A]"); // the same channel
        Isupport ascii = new Isupport();
        ascii.parse(List.of("CASEMAPPING=ascii"));
        assertThatThrownBy(() -> new IrcCommandEncoder(config, ascii).encode(new ChatCommand.Join("#team[a]", ""), "bob"))
                .isInstanceOfSatisfying(CommandRejectedException.class, x -> assertThat(x.code()).isEqualTo("not-allowed"));
    }

    @Test
    void aChannelThePersonIsInMayAlwaysBeLeft() throws Exception {
        IrcBridgeConfig config = (IrcBridgeConfig) ConfigLoader.parse("t.yaml", """
                bridges:
                  - {name: t, kind: irc, host: 127.0.0.1, tls: false, allowed-channels: ["#ok*"]}
                """).bridges().get(0);
        IrcCommandEncoder e = new IrcCommandEncoder(() -> config, isupport, folded -> folded.equals("#forwarded"));
        assertThat(e.encode(new ChatCommand.Part("#Forwarded", ""), "bob")).containsExactly("PART #Forwarded");
        assertThatThrownBy(() -> e.encode(new ChatCommand.SetTopic("#forwarded", "t"), "bob"))
                .isInstanceOfSatisfying(CommandRejectedException.class, x -> assertThat(x.code()).isEqualTo("not-allowed"));
        assertThatThrownBy(() -> e.encode(new ChatCommand.Part("#other", ""), "bob"))
                .isInstanceOfSatisfying(CommandRejectedException.class, x -> assertThat(x.code()).isEqualTo("not-allowed"));
    }

    @Test
    void brokenUtf16IsRefusedNeverSentAsQuestionMarks() {
        for (String s : List.of("#ok\uD800", "#ok\uDC00", "#ok\uD800\uD800", "#ok\uFFFF")) {
            refused(new ChatCommand.Join(s, ""), "channel");
            refused(new ChatCommand.Say(s, "x"), "target");
        }
        refused(new ChatCommand.Say("#ok", "a\uD800b"), "text");
        refused(new ChatCommand.Part("#ok", "a\uDC00"), "reason");
        refused(new ChatCommand.SetTopic("#ok", "\uD800"), "topic");
    }

    @Test
    void nickLengthFollowsTheServer() throws Exception {
        assertThat(lines(new ChatCommand.ChangeNick("sixteen_chars_ab"))).hasSize(1);
        refused(new ChatCommand.ChangeNick("seventeen_chars_a"), "nick");
    }

    @Test
    void longTextIsSplitIntoLinesThatFitWithThePrefix() throws Exception {
        String text = "\u00fc".repeat(1500);
        List<String> lines = lines(new ChatCommand.Act("#ok", text));
        assertThat(lines).hasSizeGreaterThan(3);
        for (String l : lines) {
            int withPrefix = (":bob!1234567890@" + "h".repeat(63) + " " + l).getBytes(StandardCharsets.UTF_8).length;
            assertThat(withPrefix).isLessThanOrEqualTo(510);
            assertThat(l).startsWith("PRIVMSG #ok :\u0001ACTION ").endsWith("\u0001");
        }
        assertThat(String.join("", lines.stream().map(l -> l.substring(21, l.length() - 1)).toList())).isEqualTo(text);
    }
}

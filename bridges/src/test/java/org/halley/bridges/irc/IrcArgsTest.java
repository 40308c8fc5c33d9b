package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.halley.bridges.CommandRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IrcArgsTest {

    private static String rejected(ThrowingCall call) {
        try {
            call.run();
        } catch (CommandRejectedException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a rejection");
    }

    interface ThrowingCall {
        void run() throws CommandRejectedException;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello\r\nQUIT", "hello\rPRIVMSG #x :owned", "hello\nJOIN #y", "a\u0000b"})
    void textWithLineBreaksOrNulIsRefusedNamingTheField(String text) {
        assertThat(rejected(() -> IrcArgs.text("text", text))).startsWith("text: contains a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u2028b", "a\u2029b", "a\u0085b"})
    void unicodeLineSeparatorsAreRefused(String text) {
        assertThat(rejected(() -> IrcArgs.text("text", text))).isEqualTo("text: contains a Unicode line separator");
    }

    @Test
    void ctcpAndOtherControlsAreRefusedButFormattingIsKept() throws CommandRejectedException {
        assertThat(rejected(() -> IrcArgs.text("text", "\u0001VERSION\u0001"))).isEqualTo("text: contains a control character (\\u0001)");
        assertThat(rejected(() -> IrcArgs.text("text", "bell\u0007"))).isEqualTo("text: contains a control character (\\u0007)");
        String formatted = "\u0002bold\u0002 \u000304,01red\u0003 \u001ditalic\u001d \u001funder\u001f \u0016rev\u0016 \u000freset";
        assertThat(IrcArgs.text("text", formatted)).isEqualTo(formatted);
    }

    @Test
    void emptyAndOverlongTextAreRefused() {
        assertThat(rejected(() -> IrcArgs.text("text", ""))).isEqualTo("text: is empty");
        assertThat(rejected(() -> IrcArgs.text("text", "x".repeat(IrcArgs.MAX_TEXT_BYTES + 1))))
                .isEqualTo("text: is longer than 4096 bytes");
    }

    @Test
    void channelRefusesListsJoinZeroLeadingColonAndSpaces() {
        assertThat(rejected(() -> IrcArgs.channel("channel", "#a,#b", "#&", 50))).isEqualTo("channel: one channel at a time (no commas)");
        assertThat(rejected(() -> IrcArgs.channel("channel", "0", "#&", 50))).isEqualTo("channel: '0' is not a channel (JOIN 0 would leave every channel)");
        assertThat(rejected(() -> IrcArgs.channel("channel", ":#a", "#&", 50))).isEqualTo("channel: must start with one of #&");
        assertThat(rejected(() -> IrcArgs.channel("channel", "#a b", "#&", 50))).startsWith("channel: may not contain spaces");
        assertThat(rejected(() -> IrcArgs.channel("channel", "#a\r\nQUIT", "#&", 50))).startsWith("channel: may not contain");
        assertThat(rejected(() -> IrcArgs.channel("channel", "#" + "x".repeat(50), "#&", 50))).isEqualTo("channel: must be 2 to 50 bytes long");
        assertThat(rejected(() -> IrcArgs.channel("channel", "#a\u0007", "#&", 50))).startsWith("channel: may not contain");
    }

    @Test
    void goodChannelsPass() throws CommandRejectedException {
        assertThat(IrcArgs.channel("channel", "#halley", "#&", 50)).isEqualTo("#halley");
        assertThat(IrcArgs.channel("channel", "&local", "#&", 50)).isEqualTo("&local");
        assertThat(IrcArgs.channel("channel", "#café", "#&", 50)).isEqualTo("#café");
    }

    @Test
    void nicksFollowTheIrcGrammar() throws CommandRejectedException {
        assertThat(IrcArgs.nick("nick", "[bob]_^", 30)).isEqualTo("[bob]_^");
        assertThat(rejected(() -> IrcArgs.nick("nick", "1bob", 30))).startsWith("nick: must start with a letter");
        assertThat(rejected(() -> IrcArgs.nick("nick", "bob smith", 30))).startsWith("nick: may only have letters");
        assertThat(rejected(() -> IrcArgs.nick("nick", "bob\r\nQUIT", 30))).startsWith("nick: may only have letters");
        assertThat(rejected(() -> IrcArgs.nick("nick", ":bob", 30))).startsWith("nick: must start with a letter");
        assertThat(rejected(() -> IrcArgs.nick("nick", "b".repeat(31), 30))).isEqualTo("nick: is longer than 30 characters");
    }

    @Test
    void keysTargetsReasonsAndRealnamesAreChecked() throws CommandRejectedException {
        assertThat(IrcArgs.key("key", "")).isEmpty();
        assertThat(IrcArgs.key("key", "s3cret")).isEqualTo("s3cret");
        assertThat(rejected(() -> IrcArgs.key("key", "a b"))).startsWith("key: may only have printable ASCII");
        assertThat(rejected(() -> IrcArgs.key("key", ":x"))).isEqualTo("key: may not start with ':'");
        assertThat(rejected(() -> IrcArgs.key("key", "a,b"))).startsWith("key: may only have printable ASCII");
        assertThat(rejected(() -> IrcArgs.target("target", "#a,bob", "#&", 30, 50))).isEqualTo("target: one target at a time (no commas)");
        assertThat(IrcArgs.target("target", "bob", "#&", 30, 50)).isEqualTo("bob");
        assertThat(rejected(() -> IrcArgs.target("target", ":bob", "#&", 30, 50))).startsWith("target: must start with a letter");
        assertThat(IrcArgs.reason("reason", "", 300)).isEmpty();
        assertThat(rejected(() -> IrcArgs.reason("reason", "bye\r\nQUIT", 300))).startsWith("reason: contains a line break");
        assertThat(rejected(() -> IrcArgs.realname("realname", "a\nb"))).startsWith("realname: contains a line break");
    }

    @Test
    void rejectionsCarryFieldAndCode() {
        assertThatThrownBy(() -> IrcArgs.channel("channel", "#a,#b", "#&", 50))
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                    assertThat(e.field()).isEqualTo("channel");
                    assertThat(e.code()).isEqualTo("invalid");
                    assertThat(e.reason()).isEqualTo("one channel at a time (no commas)");
                });
    }
}

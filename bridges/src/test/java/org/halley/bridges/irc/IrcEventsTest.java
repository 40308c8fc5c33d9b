package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEvent.Kind;
import org.halley.bridges.ChatEvent.Member;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Raw server lines in, chat events and answers out: no sockets. */
class IrcEventsTest {
    private final List<ChatEvent> events = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();
    private final List<String> joined = new ArrayList<>();
    private final List<String> left = new ArrayList<>();
    private final List<String> fallbacks = new ArrayList<>(List.of("bob_", "bob42"));
    private IrcEvents.End end;
    private String endReason;
    private String keyChanged;
    private IrcEvents decoder;

    @BeforeEach
    void registerAsBob() {
        decoder = new IrcEvents(new IrcEvents.Host() {
            @Override
            public void emit(ChatEvent event) {
                events.add(event);
            }

            @Override
            public void sendNow(String line) {
                sent.add(line);
            }

            @Override
            public void sendIfIdle(String line) {
                sent.add("idle:" + line);
            }

            @Override
            public void registered(String nick, String server) {
                sent.add("registered:" + nick + "@" + server);
            }

            @Override
            public void joined(String channel) {
                joined.add(channel);
            }

            @Override
            public void left(String channel) {
                left.add(channel);
            }

            @Override
            public void keyChanged(String channel, String key) {
                keyChanged = channel + "=" + key;
            }

            @Override
            public void ending(IrcEvents.End why, String code, String text) {
                end = why;
                endReason = code + ": " + text;
            }

            @Override
            public String nextNick(String taken) {
                return fallbacks.isEmpty() ? null : fallbacks.remove(0);
            }

            @Override
            public String wantedNick() {
                return "bob";
            }

            @Override
            public String awayMessage() {
                return "lunch";
            }

            @Override
            public String version() {
                return "Halley test";
            }
        }, new Isupport(), "bob");
    }

    private void lines(String... lines) {
        for (String l : lines) {
            decoder.onLine(IrcMessage.parse(l));
        }
    }

    private void registered() {
        lines(":irc.test 001 bob :Welcome",
                ":irc.test 005 bob PREFIX=(qaohv)~&@%+ CHANTYPES=#& CHANMODES=beI,k,l,imnpst NICKLEN=16 STATUSMSG=@+ :are supported");
        events.clear();
        sent.clear();
    }

    @SuppressWarnings("unchecked")
    private <T extends ChatEvent> T only(Class<T> type) {
        assertThat(events).hasSize(1).first().isInstanceOf(type);
        return (T) events.get(0);
    }

    @Test
    void welcomeRegistersAndIsupportIsRead() {
        lines(":irc.test 001 bob :Welcome", ":irc.test 005 bob NICKLEN=16 CHANTYPES=#& :are supported");
        assertThat(sent).containsExactly("registered:bob@irc.test");
        assertThat(decoder.nick()).isEqualTo("bob");
    }

    @Test
    void aCasemappingTheServerAnnouncesAfterLoginIsReportedAgainAsConnected() {
        lines(":irc.test 001 bob :Welcome", ":irc.test 005 bob CASEMAPPING=ascii NICKLEN=16 :are supported",
                ":irc.test 005 bob CASEMAPPING=ascii CHANTYPES=#& :are supported");
        ChatEvent.Connected c = only(ChatEvent.Connected.class);
        assertThat(c).isEqualTo(ChatEvent.Connected.irc(c.time(), "bob", "irc.test", "ascii"));
    }

    @Test
    void theDefaultCasemappingIsNotReportedAgain() {
        lines(":irc.test 001 bob :Welcome", ":irc.test 005 bob CASEMAPPING=rfc1459 NICKLEN=16 :are supported");
        assertThat(events).isEmpty();
    }

    @Test
    void serverTimeGivesTheEventItsTime() {
        registered();
        lines("@time=2021-01-02T03:04:05.678Z;msgid=abc :carol!c@h PRIVMSG #a :hi");
        ChatEvent.Message m = only(ChatEvent.Message.class);
        assertThat(m.time()).isEqualTo(Instant.parse("2021-01-02T03:04:05.678Z"));
        assertThat(m).isEqualTo(new ChatEvent.Message(m.time(), "#a", "carol", "hi", Kind.MESSAGE, false));
    }

    @Test
    void badServerTimeFallsBackToNow() {
        registered();
        Instant before = Instant.now();
        lines("@time=yesterday :carol!c@h PRIVMSG #a :hi");
        assertThat(only(ChatEvent.Message.class).time()).isAfterOrEqualTo(before);
    }

    @Test
    void privateMessagesAreNamedByTheOtherPersonAndEchoesByTheTarget() {
        registered();
        lines(":carol!c@h PRIVMSG bob :psst", ":bob!b@h PRIVMSG carol :yes?", ":bob!b@h PRIVMSG #a :echoed");
        assertThat(events).extracting(e -> ((ChatEvent.Message) e).conversation()).containsExactly("carol", "carol", "#a");
        assertThat(events).extracting(e -> ((ChatEvent.Message) e).self()).containsExactly(false, true, true);
    }

    @Test
    void actionsNoticesAndStatusMessages() {
        registered();
        lines(":carol!c@h PRIVMSG #a :\u0001ACTION waves\u0001", ":carol!c@h NOTICE #a :note", ":carol!c@h NOTICE bob :to you",
                ":irc.test NOTICE bob :server says", ":carol!c@h PRIVMSG @#a :ops only");
        assertThat(events).containsExactly(
                new ChatEvent.Message(events.get(0).time(), "#a", "carol", "waves", Kind.ACTION, false),
                new ChatEvent.Message(events.get(1).time(), "#a", "carol", "note", Kind.NOTICE, false),
                new ChatEvent.Message(events.get(2).time(), "carol", "carol", "to you", Kind.NOTICE, false),
                new ChatEvent.ServerText(events.get(3).time(), "irc.test", "server says"),
                new ChatEvent.Message(events.get(4).time(), "#a", "carol", "ops only", Kind.MESSAGE, false));
    }

    @Test
    void ctcpVersionIsAnsweredOnlyWhenIdleAndOtherCtcpIgnored() {
        registered();
        lines(":carol!c@h PRIVMSG bob :\u0001VERSION\u0001", ":carol!c@h PRIVMSG bob :\u0001TIME\u0001",
                ":carol!c@h PRIVMSG bob :\u0001DCC SEND evil 1 2 3\u0001", ":carol!c@h PRIVMSG #a :\u0001VERSION\u0001",
                ":carol!c@h NOTICE bob :\u0001VERSION mIRC\u0001");
        assertThat(sent).containsExactly("idle:NOTICE carol :\u0001VERSION Halley test\u0001");
        assertThat(events).isEmpty();
    }

    @Test
    void formattingIsKeptAndOtherControlCharactersRemoved() {
        registered();
        lines(":carol!c@h PRIVMSG #a :\u0002bold\u0002 \u000304red\u000f \u001ditalic\u001d \u001funder\u001f \u0016rev\u0016 bell\u0007 esc\u001b[31m");
        assertThat(only(ChatEvent.Message.class).text())
                .isEqualTo("\u0002bold\u0002 \u000304red\u000f \u001ditalic\u001d \u001funder\u001f \u0016rev\u0016 bell esc[31m");
    }

    @Test
    void joinsPartsKicksQuitsAndNicks() {
        registered();
        lines(":bob!b@h JOIN #a", ":carol!c@h JOIN :#a", ":carol!c@h PART #a :bye", ":dave!d@h KICK #a bob :out",
                ":erin!e@h QUIT :Quit: gone", ":bob!b@h NICK :bobby", ":bobby!b@h PRIVMSG #a :me again");
        Instant t = events.get(0).time();
        assertThat(events).usingRecursiveFieldByFieldElementComparatorIgnoringFields("time").containsExactly(
                new ChatEvent.Joined(t, "#a", "bob", true),
                new ChatEvent.Joined(t, "#a", "carol", false),
                new ChatEvent.Parted(t, "#a", "carol", "bye", false),
                new ChatEvent.Kicked(t, "#a", "bob", "dave", "out", true),
                new ChatEvent.Quit(t, "erin", "Quit: gone", List.of()),
                new ChatEvent.NickChanged(t, "bob", "bobby", true),
                new ChatEvent.Message(t, "#a", "bobby", "me again", Kind.MESSAGE, true));
        assertThat(joined).containsExactly("#a");
        assertThat(left).containsExactly("#a");
        assertThat(decoder.nick()).isEqualTo("bobby");
    }

    @Test
    void namesWithMultiPrefixAndUserhostBecomeOneMembersEvent() {
        registered();
        lines(":irc.test 353 bob = #a :@+carol bob", ":irc.test 353 bob = #a :+dave!d@h ~erin %frank",
                ":irc.test 366 bob #a :End of /NAMES list.");
        ChatEvent.Members m = only(ChatEvent.Members.class);
        assertThat(m.channel()).isEqualTo("#a");
        assertThat(m.members()).containsExactly(
                new Member("bob", "", ""), new Member("carol", "@+", "op"), new Member("dave", "+", "voice"),
                new Member("erin", "~", "owner"), new Member("frank", "%", "halfop"));
    }

    @Test
    void modeChangesUpdateTheWholePrefixOfAMember() {
        registered();
        lines(":irc.test 353 bob = #a :@carol dave", ":irc.test 366 bob #a :End");
        events.clear();
        lines(":op!o@h MODE #a +v-o+b carol carol *!*@spam", ":op!o@h MODE #a +vk dave sekrit", ":op!o@h MODE #a -v carol");
        assertThat(events).usingRecursiveFieldByFieldElementComparatorIgnoringFields("time").containsExactly(
                new ChatEvent.Mode(null, "#a", "op", "+v-o+b carol carol *!*@spam"),
                new ChatEvent.MemberUpdated(null, "#a", new Member("carol", "@+", "op")),
                new ChatEvent.MemberUpdated(null, "#a", new Member("carol", "+", "voice")),
                new ChatEvent.Mode(null, "#a", "op", "+vk dave sekrit"),
                new ChatEvent.MemberUpdated(null, "#a", new Member("dave", "+", "voice")),
                new ChatEvent.Mode(null, "#a", "op", "-v carol"),
                new ChatEvent.MemberUpdated(null, "#a", new Member("carol", "", "")));
        assertThat(keyChanged).isEqualTo("#a=sekrit");
    }

    @Test
    void prefixesFollowNickChanges() {
        registered();
        lines(":irc.test 353 bob = #a :@carol", ":irc.test 366 bob #a :End", ":carol!c@h NICK caroline");
        events.clear();
        lines(":op!o@h MODE #a +v caroline");
        assertThat(events.get(1)).isEqualTo(new ChatEvent.MemberUpdated(events.get(1).time(), "#a", new Member("caroline", "@+", "op")));
    }

    @Test
    void topicWithSetterAndTimeAndTopicChanges() {
        registered();
        lines(":irc.test 332 bob #a :Welcome \u0002all\u0002", ":irc.test 333 bob #a carol!c@h 1600000000",
                ":carol!c@h TOPIC #a :new topic", ":irc.test 332 bob #b :no setter", ":irc.test 366 bob #b :End");
        assertThat(events.get(0)).usingRecursiveComparison().ignoringFields("time")
                .isEqualTo(new ChatEvent.Topic(null, "#a", "Welcome \u0002all\u0002", "carol", Instant.ofEpochSecond(1600000000)));
        ChatEvent.Topic changed = (ChatEvent.Topic) events.get(1);
        assertThat(changed.topic()).isEqualTo("new topic");
        assertThat(changed.setBy()).isEqualTo("carol");
        assertThat(events.get(2)).usingRecursiveComparison().ignoringFields("time")
                .isEqualTo(new ChatEvent.Topic(null, "#b", "no setter", "", null));
    }

    @Test
    void awayNotifyAccountNotifyAndOwnAwayConfirmations() {
        registered();
        lines(":carol!c@h AWAY :brb", ":carol!c@h AWAY", ":carol!c@h ACCOUNT carol", ":carol!c@h ACCOUNT *",
                ":irc.test 306 bob :You have been marked as being away", ":irc.test 305 bob :You are no longer marked as being away",
                ":irc.test 301 bob dave :on holiday");
        assertThat(events).usingRecursiveFieldByFieldElementComparatorIgnoringFields("time").containsExactly(
                new ChatEvent.Presence(null, "carol", "away", "brb", false),
                new ChatEvent.Presence(null, "carol", "available", "", false),
                new ChatEvent.Account(null, "carol", "carol"),
                new ChatEvent.Account(null, "carol", ""),
                new ChatEvent.Presence(null, "bob", "away", "lunch", true),
                new ChatEvent.Presence(null, "bob", "available", "", true),
                new ChatEvent.Presence(null, "dave", "away", "on holiday", false));
    }

    @Test
    void whoisRepliesBecomeOneEvent() {
        registered();
        lines(":irc.test 311 bob carol ~c host.example * :Carol C",
                ":irc.test 319 bob carol :@#a +#b",
                ":irc.test 319 bob carol :#c",
                ":irc.test 312 bob carol irc.test :Test server",
                ":irc.test 301 bob carol :away now",
                ":irc.test 313 bob carol :is an IRC operator",
                ":irc.test 330 bob carol carolacct :is logged in as",
                ":irc.test 671 bob carol :is using a secure connection",
                ":irc.test 317 bob carol 42 1600000000 :seconds idle, signon time",
                ":irc.test 318 bob carol :End of /WHOIS list.");
        assertThat(only(ChatEvent.Whois.class)).usingRecursiveComparison().ignoringFields("time").isEqualTo(new ChatEvent.Whois(
                null, "carol", "~c", "host.example", "Carol C", "irc.test", List.of("@#a", "+#b", "#c"), "carolacct", 42,
                "away now", true, true));
    }

    @Test
    void whoisOfNobodyIsOneProblem() {
        registered();
        lines(":irc.test 401 bob ghost :No such nick/channel", ":irc.test 318 bob ghost :End of /WHOIS list.");
        ChatEvent.Problem p = only(ChatEvent.Problem.class);
        assertThat(p.code()).isEqualTo("no-such-nick");
        assertThat(p.conversation()).isEqualTo("ghost");
    }

    @Test
    void errorRepliesAPersonNeedsAreProblemsInTheirChannel() {
        registered();
        lines(":irc.test 474 bob #a :Cannot join channel (+b)", ":irc.test 475 bob #k :Cannot join channel (+k)",
                ":irc.test 473 bob #i :Cannot join channel (+i)", ":irc.test 471 bob #l :Cannot join channel (+l)",
                ":irc.test 404 bob #m :Cannot send to channel", ":irc.test 482 bob #a :You're not channel operator",
                ":irc.test 433 bob carol :Nickname is already in use", ":irc.test 421 bob FOO :Unknown command");
        assertThat(events).extracting(e -> ((ChatEvent.Problem) e).code()).containsExactly(
                "banned", "bad-key", "invite-only", "channel-full", "cannot-send", "not-op", "nick-in-use");
        assertThat(events).extracting(e -> ((ChatEvent.Problem) e).conversation()).containsExactly(
                "#a", "#k", "#i", "#l", "#m", "#a", "");
        assertThat(((ChatEvent.Problem) events.get(6)).field()).isEqualTo("nick");
    }

    @Test
    void takenNickAtRegistrationTriesFallbacksThenGivesUp() {
        lines(":irc.test 433 * bob :Nickname is already in use", ":irc.test 433 * bob_ :Nickname is already in use",
                ":irc.test 432 * bob42 :Erroneous nickname");
        assertThat(sent).containsExactly("NICK bob_", "NICK bob42");
        ChatEvent.Problem p = only(ChatEvent.Problem.class);
        assertThat(p.code()).isEqualTo("bad-nick");
        assertThat(end).isEqualTo(IrcEvents.End.REFUSED);
    }

    @Test
    void pingIsAnsweredAndMotdIsOneText() {
        lines("PING :abc", ":irc.test 375 bob :- irc.test Message of the day -", ":irc.test 372 bob :- line one",
                ":irc.test 372 bob :- line two", ":irc.test 376 bob :End of MOTD");
        assertThat(sent).containsExactly("PONG :abc");
        assertThat(only(ChatEvent.ServerText.class).text()).isEqualTo("line one\nline two");
    }

    @Test
    void invitesToThePersonAreEvents() {
        registered();
        lines(":carol!c@h INVITE bob :#secret", ":carol!c@h INVITE dave #other");
        assertThat(only(ChatEvent.Invited.class)).usingRecursiveComparison().ignoringFields("time")
                .isEqualTo(new ChatEvent.Invited(null, "#secret", "carol", ""));
    }

    @Test
    void killsAndBansEndWithoutReconnectThrottlesAndRestartsReconnect() {
        registered();
        lines(":oper!o@h KILL bob :spamming");
        assertThat(end).isEqualTo(IrcEvents.End.KILLED);
        assertThat(endReason).isEqualTo("killed: spamming");
        assertThat(IrcEvents.classify("Closing Link: 1.2.3.4 (K-Lined: spam)")).isEqualTo(IrcEvents.End.BANNED);
        assertThat(IrcEvents.classify("Closing Link: bob[1.2.3.4] (G-Lined)")).isEqualTo(IrcEvents.End.BANNED);
        assertThat(IrcEvents.classify("You are banned from this server: spam")).isEqualTo(IrcEvents.End.BANNED);
        assertThat(IrcEvents.classify("Trying to reconnect too fast.")).isEqualTo(IrcEvents.End.THROTTLED);
        assertThat(IrcEvents.classify("Closing Link: (Throttled: Reconnecting too fast)")).isEqualTo(IrcEvents.End.THROTTLED);
        assertThat(IrcEvents.classify("Closing Link: 1.2.3.4 (Too many connections from your IP)")).isEqualTo(IrcEvents.End.THROTTLED);
        assertThat(IrcEvents.classify("Closing Link: bob[h] (Ping timeout: 240 seconds)")).isEqualTo(IrcEvents.End.LOST);
        assertThat(IrcEvents.classify("Closing Link: bob[h] (Server shutting down)")).isEqualTo(IrcEvents.End.LOST);
        assertThat(IrcEvents.classify("Closing Link: bob[h] (Killed (oper (bye)))")).isEqualTo(IrcEvents.End.KILLED);
    }

    @Test
    void numeric465IsABanAnd464AWrongPassword() {
        lines(":irc.test 465 * :You are banned from this server");
        assertThat(end).isEqualTo(IrcEvents.End.BANNED);
        assertThat(only(ChatEvent.Problem.class).code()).isEqualTo("banned");
    }

    @Test
    void malformedLinesAreDroppedWithoutEndingTheConnection() {
        registered();
        lines(":irc.test 353 bob", ":irc.test 311 bob", ":x MODE", ":irc.test 9x9 bob :odd", ":carol!c@h KICK #a");
        lines(":carol!c@h PRIVMSG #a :still fine");
        assertThat(events).last().isInstanceOf(ChatEvent.Message.class);
        assertThat(end).isNull();
    }
}

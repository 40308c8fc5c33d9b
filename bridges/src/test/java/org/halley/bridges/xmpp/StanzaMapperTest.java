package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.halley.bridges.ChatEvent;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stanzas as a server writes them, in, events out: no sockets. */
class StanzaMapperTest {
    static {
        SmackSetup.ensure();
    }

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final String ROOM = "lobby@conference.example.org";
    private static final String MUC_USER = "http://jabber.org/protocol/muc#user";

    private final List<ChatEvent> events = new ArrayList<>();
    private final List<String> actions = new ArrayList<>();
    private int lockedRetriesLeft;
    private StanzaMapper mapper;

    @BeforeEach
    void setUp() {
        mapper = new StanzaMapper(events::add, new StanzaMapper.Actions() {
            @Override
            public EntityBareJid self() {
                return JidCreate.entityBareFromOrThrowUnchecked("me@example.org");
            }

            @Override
            public Resourcepart fallbackNick(EntityBareJid room, Resourcepart taken) {
                actions.add("fallback " + taken);
                return taken.toString().endsWith("_") ? null : Resourcepart.fromOrThrowUnchecked(taken + "_");
            }

            @Override
            public void rejoin(EntityBareJid room, Resourcepart nick) {
                actions.add("rejoin " + room + " " + nick);
            }

            @Override
            public void makeInstant(EntityBareJid room) {
                actions.add("instant " + room);
            }

            @Override
            public void roomGone(EntityBareJid room) {
                actions.add("gone " + room);
            }

            @Override
            public void nickChanged(EntityBareJid room, Resourcepart nick) {
                actions.add("nick " + room + " " + nick);
            }

            @Override
            public boolean retryLocked(EntityBareJid room, Resourcepart nick) {
                actions.add("locked " + room);
                return lockedRetriesLeft-- > 0;
            }

            @Override
            public void joined(EntityBareJid room) {
                actions.add("joined " + room);
            }
        }, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void feed(String xml) throws Exception {
        Stanza s = PacketParserUtils.parseStanza(xml.replaceFirst("^<(\\w+) ", "<$1 xmlns='jabber:client' "));
        mapper.accept(s);
    }

    private static String occupant(String nick, String affiliation, String role, String... codes) {
        StringBuilder status = new StringBuilder();
        for (String c : codes) {
            status.append("<status code='").append(c).append("'/>");
        }
        return "<presence from='" + ROOM + "/" + nick + "' to='me@example.org/r'><x xmlns='" + MUC_USER + "'><item affiliation='"
                + affiliation + "' role='" + role + "' jid='" + nick + "@example.org/x'/>" + status + "</x></presence>";
    }

    private void join(String nick) throws Exception {
        mapper.joining(JidCreate.entityBareFrom(ROOM), Resourcepart.from(nick));
        feed(occupant("bob", "owner", "moderator"));
        feed(occupant(nick, "none", "participant", "110"));
        events.clear();
    }

    @Test
    void joinCompletesWithTheSelfPresenceAndListsEveryoneSorted() throws Exception {
        mapper.joining(JidCreate.entityBareFrom(ROOM), Resourcepart.from("me"));
        feed(occupant("zed", "member", "participant"));
        feed(occupant("bob", "owner", "moderator"));
        assertThat(events).isEmpty();
        feed(occupant("me", "none", "participant", "110", "201"));
        assertThat(events).containsExactly(
                new ChatEvent.Joined(NOW, ROOM, "me", true),
                new ChatEvent.Members(NOW, ROOM, List.of(new ChatEvent.Member("bob", "@", "moderator", "owner"),
                        new ChatEvent.Member("me", "", "participant", ""), new ChatEvent.Member("zed", "", "participant", "member"))));
        assertThat(actions).containsExactly("joined " + ROOM, "instant " + ROOM);
        assertThat(mapper.realJid(JidCreate.entityBareFrom(ROOM), "bob")).isEqualTo("bob@example.org");
    }

    @Test
    void describeSaysEveryJoinedRoomWithItsOccupantsAsTheyAreNowAndTheSubject() throws Exception {
        join("me");
        feed("<message type='groupchat' from='" + ROOM + "/bob' to='me@example.org/r'><subject>Welcome</subject></message>");
        feed(occupant("amy", "member", "participant"));
        feed("<presence type='unavailable' from='" + ROOM + "/bob'><x xmlns='" + MUC_USER + "'><item affiliation='owner' role='none'/></x></presence>");
        mapper.joining(JidCreate.entityBareFrom("half@conference.example.org"), Resourcepart.from("me")); // not yet in it
        events.clear();

        mapper.describe();
        assertThat(events).containsExactly(
                new ChatEvent.Joined(NOW, ROOM, "me", true),
                new ChatEvent.Members(NOW, ROOM, List.of(new ChatEvent.Member("amy", "", "participant", "member"),
                        new ChatEvent.Member("me", "", "participant", ""))),
                new ChatEvent.Topic(NOW, ROOM, "Welcome", "bob", null));
        events.clear();
        mapper.reset();
        mapper.describe();
        assertThat(events).as("a fresh stream: no room yet").isEmpty();
    }

    @Test
    void historyKeepsItsTimeAndTheSubjectEndsIt() throws Exception {
        join("me");
        feed("<message type='groupchat' from='" + ROOM + "/bob' to='me@example.org/r'><body>old</body>"
                + "<delay xmlns='urn:xmpp:delay' stamp='2025-12-31T23:59:58Z' from='" + ROOM + "'/></message>");
        feed("<message type='groupchat' from='" + ROOM + "/bob' to='me@example.org/r'><subject>Welcome</subject>"
                + "<delay xmlns='urn:xmpp:delay' stamp='2025-12-30T10:00:00Z'/></message>");
        feed("<message type='groupchat' from='" + ROOM + "/me' to='me@example.org/r'><body>/me waves</body></message>");
        // Held by the person's own server while their stream was away (XEP-0198): late, not history.
        feed("<message type='groupchat' from='" + ROOM + "/bob' to='me@example.org/r'><body>late</body>"
                + "<delay xmlns='urn:xmpp:delay' stamp='2026-01-02T03:04:00Z' from='example.org'/></message>");
        assertThat(events).containsExactly(
                new ChatEvent.Message(Instant.parse("2025-12-31T23:59:58Z"), ROOM, "bob", "old", ChatEvent.Kind.MESSAGE, false, true),
                new ChatEvent.Topic(Instant.parse("2025-12-30T10:00:00Z"), ROOM, "Welcome", "bob", Instant.parse("2025-12-30T10:00:00Z")),
                new ChatEvent.Message(NOW, ROOM, "me", "waves", ChatEvent.Kind.ACTION, true, false),
                new ChatEvent.Message(Instant.parse("2026-01-02T03:04:00Z"), ROOM, "bob", "late", ChatEvent.Kind.MESSAGE, false, false));
    }

    @Test
    void nickChangesKicksAndBansAreMappedWithTheirReasons() throws Exception {
        join("me");
        feed("<presence type='unavailable' from='" + ROOM + "/bob'><x xmlns='" + MUC_USER + "'><item nick='robert' affiliation='owner' role='moderator'/>"
                + "<status code='303'/></x></presence>");
        feed(occupant("robert", "owner", "moderator"));
        feed("<presence type='unavailable' from='" + ROOM + "/robert'><x xmlns='" + MUC_USER + "'><item affiliation='outcast' role='none'>"
                + "<actor nick='admin'/><reason>spam</reason></item><status code='301'/></x></presence>");
        feed("<presence type='unavailable' from='" + ROOM + "/me'><x xmlns='" + MUC_USER + "'><item affiliation='none' role='none'>"
                + "<actor nick='admin'/><reason>calm down</reason></item><status code='307'/><status code='110'/></x></presence>");
        assertThat(events).containsExactly(
                new ChatEvent.NickChanged(NOW, "bob", "robert", false, ROOM),
                new ChatEvent.Banned(NOW, ROOM, "robert", "admin", "spam", false),
                new ChatEvent.Kicked(NOW, ROOM, "me", "admin", "calm down", true));
        assertThat(actions).containsExactly("joined " + ROOM, "gone " + ROOM);
        assertThat(mapper.joined(JidCreate.entityBareFrom(ROOM))).isFalse();
    }

    @Test
    void joinErrorsGetStableCodesAndATakenNickTriesTheFallback() throws Exception {
        mapper.joining(JidCreate.entityBareFrom(ROOM), Resourcepart.from("me"));
        feed("<presence type='error' from='" + ROOM + "/me'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
        assertThat(actions).containsExactly("fallback me", "rejoin " + ROOM + " me_");
        assertThat(events).isEmpty();
        feed("<presence type='error' from='" + ROOM + "/me_'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
        assertThat(events).singleElement().satisfies(e -> {
            ChatEvent.Problem p = (ChatEvent.Problem) e;
            assertThat(p.code()).isEqualTo("nick-in-use");
            assertThat(p.conversation()).isEqualTo(ROOM);
        });
        for (String[] c : new String[][] {{"registration-required", "members-only"}, {"forbidden", "banned"}, {"not-authorized", "bad-key"},
                {"item-not-found", "no-such-channel"}, {"not-allowed", "no-such-channel"}, {"service-unavailable", "channel-full"}}) {
            events.clear();
            mapper.joining(JidCreate.entityBareFrom(ROOM), Resourcepart.from("me"));
            feed("<presence type='error' from='" + ROOM + "/me'><error type='auth'><" + c[0]
                    + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>why</text></error></presence>");
            assertThat(events).singleElement().satisfies(e -> {
                ChatEvent.Problem p = (ChatEvent.Problem) e;
                assertThat(p.code()).as(c[0]).isEqualTo(c[1]);
                assertThat(p.message()).endsWith("(server: why)");
            });
        }
    }

    @Test
    void invitationsPrivateMessagesAndContactPresence() throws Exception {
        feed("<message from='" + ROOM + "' to='me@example.org'><x xmlns='" + MUC_USER + "'><invite from='bob@example.org/x'>"
                + "<reason>come in</reason></invite></x></message>");
        feed("<message from='" + ROOM + "' to='me@example.org'><x xmlns='" + MUC_USER + "'><invite from='" + ROOM + "/bob'/></x></message>");
        feed("<message from='bob@example.org/x' to='me@example.org'><x xmlns='jabber:x:conference' jid='" + ROOM + "'/></message>");
        feed("<message type='chat' from='bob@example.org/x' to='me@example.org/r'><body>psst</body></message>");
        feed("<presence from='bob@example.org/x'><show>away</show><status>lunch</status></presence>");
        feed("<presence type='unavailable' from='bob@example.org/x'/>");
        feed("<presence from='me@example.org/other'/>");
        feed("<message from='example.org' to='me@example.org'><body>maintenance at noon</body></message>");
        assertThat(events).containsExactly(
                new ChatEvent.Invited(NOW, ROOM, "bob@example.org", "come in"),
                new ChatEvent.Invited(NOW, ROOM, "bob", ""),
                new ChatEvent.Invited(NOW, ROOM, "bob@example.org", ""),
                new ChatEvent.Message(NOW, "bob@example.org", "bob@example.org", "psst", ChatEvent.Kind.MESSAGE, false, false),
                new ChatEvent.Presence(NOW, "bob@example.org", "away", "lunch", false),
                new ChatEvent.Presence(NOW, "bob@example.org", "offline", "", false),
                new ChatEvent.ServerText(NOW, "example.org", "maintenance at noon"));
    }

    @Test
    void aRoomStillLockedByItsCreatorIsTriedAgainBeforeItIsMissing() throws Exception {
        String locked = "<presence type='error' from='" + ROOM + "/me'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>";
        lockedRetriesLeft = 1;
        mapper.joining(JidCreate.entityBareFrom(ROOM), Resourcepart.from("me"));
        feed(locked);
        assertThat(events).isEmpty();
        feed(locked);
        assertThat(actions).containsExactly("locked " + ROOM, "locked " + ROOM, "gone " + ROOM);
        assertThat(events).singleElement().satisfies(e -> assertThat(((ChatEvent.Problem) e).code()).isEqualTo("no-such-channel"));
    }

    @Test
    void anActionNeedsTextAfterSlashMe() {
        assertThat(StanzaMapper.isAction("/me waves")).isTrue();
        assertThat(StanzaMapper.isAction("/me ")).isFalse();
        assertThat(StanzaMapper.isAction("/meow")).isFalse();
    }
}

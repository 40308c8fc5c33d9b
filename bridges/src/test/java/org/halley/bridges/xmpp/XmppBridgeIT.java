package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.ConfigLoader;
import org.halley.config.XmppBridgeConfig;
import org.halley.testkit.ProsodyFixture;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The XMPP bridge against a real Prosody, with a plain Smack client as the other person. */
class XmppBridgeIT {
    private static final String MUC = ProsodyFixture.MUC;
    private static final AtomicInteger ROOMS = new AtomicInteger();
    private static ProsodyFixture xmpp;
    private static XmppBridge accounts;
    private static XmppBridge guests;

    @BeforeAll
    static void start() throws Exception {
        xmpp = ProsodyFixture.start();
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")) {
            xmpp.register(user, ProsodyFixture.DOMAIN, user + "-pw");
        }
        xmpp.register("plainuser", ProsodyFixture.PLAIN_DOMAIN, "plain-pw");
        xmpp.register("wronguser", ProsodyFixture.WRONG_DOMAIN, "wrong-pw");
        accounts = bridge("accounts", ProsodyFixture.DOMAIN, "account", true, XmppTransport.THREADS, "");
        guests = bridge("guests", ProsodyFixture.ANONYMOUS_DOMAIN, "anonymous", true, XmppTransport.THREADS, "");
    }

    @AfterAll
    static void stop() {
        accounts.close();
        guests.close();
        xmpp.close();
    }

    static XmppBridge bridge(String name, String domain, String login, boolean tls, XmppTransport transport, String extra) throws Exception {
        XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: %s
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    tls: %s
                    domain: %s
                    muc-service: %s
                    login: %s
                    ca-file: %s
                    ping-interval: 5s
                    allowed-rooms: ["*@%s", "*@%s"]
                %s""".formatted(name, xmpp.port(), tls, domain, MUC, login, xmpp.caFile(), MUC, ProsodyFixture.RESTRICTED_MUC, extra))
                .bridges().get(0);
        return new XmppBridge(config, transport);
    }

    static Login login(String user, String nick, String... rooms) {
        return new Login(nick, user.isEmpty() ? "" : user, user.isEmpty() ? "" : user + "-pw", List.of(rooms),
                new Login.ClientAddress("127.0.0.1", "localhost"));
    }

    static XmppPeer peer(String user) throws Exception {
        return XmppPeer.login(xmpp.port(), xmpp.caFile(), user, ProsodyFixture.DOMAIN, user + "-pw");
    }

    static String room(String name) {
        return name + "-" + ROOMS.incrementAndGet() + "@" + MUC;
    }

    @Test
    void joinsARoomTalksBothWaysAndFollowsItsMembers() throws Exception {
        String room = room("talk");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            Events events = new Events();
            BridgeConnection alice = accounts.connect(login("alice", "Alice", room), events);
            events.await(ChatEvent.Connected.class, c -> c.nick().equals("Alice") && c.address().equals("alice@" + ProsodyFixture.DOMAIN));
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals(room) && j.nick().equals("Alice"));
            ChatEvent.Members members = events.await(ChatEvent.Members.class, m -> m.channel().equals(room));
            assertThat(members.members()).contains(new ChatEvent.Member("bob", "@", "moderator", "owner"),
                    new ChatEvent.Member("Alice", "", "participant", ""));

            bobRoom.sendMessage("hi alice");
            events.await(ChatEvent.Message.class, m -> m.conversation().equals(room) && m.from().equals("bob")
                    && m.text().equals("hi alice") && !m.self() && !m.history());
            alice.send(new ChatCommand.Say(room, "hi bob"));
            await().atMost(Duration.ofSeconds(10)).until(() -> bobRoom.pollMessage() instanceof Message m && "hi bob".equals(m.getBody()));
            events.await(ChatEvent.Message.class, m -> m.self() && m.text().equals("hi bob") && m.from().equals("Alice"));

            alice.send(new ChatCommand.Act(room, "waves"));
            events.await(ChatEvent.Message.class, m -> m.self() && m.kind() == ChatEvent.Kind.ACTION && m.text().equals("waves"));
            bobRoom.sendMessage("/me grins");
            events.await(ChatEvent.Message.class, m -> m.from().equals("bob") && m.kind() == ChatEvent.Kind.ACTION && m.text().equals("grins"));

            bobRoom.changeSubject("Today: XMPP");
            events.await(ChatEvent.Topic.class, t -> t.topic().equals("Today: XMPP") && t.setBy().equals("bob"));

            bob.presence(room + "/robert", true);
            events.await(ChatEvent.NickChanged.class, n -> n.oldNick().equals("bob") && n.newNick().equals("robert")
                    && n.channel().equals(room) && !n.self());
            alice.send(new ChatCommand.ChangeNick("Alicia"));
            events.await(ChatEvent.NickChanged.class, n -> n.self() && n.oldNick().equals("Alice") && n.newNick().equals("Alicia"));

            bobRoom.grantModerator(Resourcepart.from("Alicia"));
            events.await(ChatEvent.MemberUpdated.class, u -> u.member().nick().equals("Alicia") && u.member().role().equals("moderator"));
            alice.send(new ChatCommand.SetTopic(room, "set from the browser"));
            events.await(ChatEvent.Topic.class, t -> t.topic().equals("set from the browser") && t.setBy().equals("Alicia"));

            bob.presence(room + "/robert", false);
            events.await(ChatEvent.Parted.class, p -> p.nick().equals("robert") && p.channel().equals(room) && !p.self());
            bob.join(room + "/bob");
            events.await(ChatEvent.Joined.class, j -> j.nick().equals("bob") && !j.self());

            alice.send(new ChatCommand.Part(room, "bye now"));
            events.await(ChatEvent.Parted.class, p -> p.self() && p.channel().equals(room));
            assertThatThrownBy(() -> alice.send(new ChatCommand.Say(room, "still here?")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-on-channel"));
            alice.close("done");
            events.await(ChatEvent.Disconnected.class, d -> d.retryInMillis() == 0 && d.reason().equals("done"));
        }
    }

    @Test
    void roomHistoryArrivesMarkedWithItsOriginalTimes() throws Exception {
        String room = room("history");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            bobRoom.sendMessage("one");
            bobRoom.sendMessage("two");
            bobRoom.sendMessage("/me three");
            Thread.sleep(1_100); // the delay stamps have second precision; the messages must be visibly older
            Instant before = Instant.now();
            Events events = new Events();
            BridgeConnection carol = accounts.connect(login("carol", "carol", room), events);
            events.await(ChatEvent.Joined.class, j -> j.self());
            await().atMost(Duration.ofSeconds(10)).until(() -> events.of(ChatEvent.Message.class).size() >= 3);
            List<ChatEvent.Message> history = events.of(ChatEvent.Message.class);
            assertThat(history).extracting(ChatEvent.Message::text).containsExactly("one", "two", "three");
            assertThat(history).allMatch(ChatEvent.Message::history).allMatch(m -> m.time().isBefore(before));
            assertThat(history.get(2).kind()).isEqualTo(ChatEvent.Kind.ACTION);
            bobRoom.sendMessage("live");
            events.await(ChatEvent.Message.class, m -> m.text().equals("live") && !m.history());
            carol.close("");
        }
    }

    @Test
    void joinErrorsSayWhatWentWrong() throws Exception {
        String membersOnly = room("members");
        String locked = room("locked");
        String banned = room("banned");
        String taken = room("taken");
        try (XmppPeer bob = peer("bob")) {
            bob.enter(membersOnly, "bob");
            bob.configure(membersOnly, java.util.Map.of("muc#roomconfig_membersonly", "1"));
            bob.enter(locked, "bob");
            bob.configure(locked, java.util.Map.of("muc#roomconfig_passwordprotectedroom", "1", "muc#roomconfig_roomsecret", "sesame"));
            MultiUserChat b = bob.enter(banned, "bob");
            b.banUser(JidCreate.from("dave@" + ProsodyFixture.DOMAIN), "spam");
            bob.enter(taken, "dave");

            Events events = new Events();
            BridgeConnection dave = accounts.connect(login("dave", "dave"), events);
            events.await(ChatEvent.Connected.class, c -> true);
            dave.send(new ChatCommand.Join(membersOnly, ""));
            events.await(ChatEvent.Problem.class, p -> p.code().equals("members-only") && p.conversation().equals(membersOnly));
            dave.send(new ChatCommand.Join(locked, "wrong"));
            events.await(ChatEvent.Problem.class, p -> p.code().equals("bad-key") && p.conversation().equals(locked));
            dave.send(new ChatCommand.Join(locked, "sesame"));
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals(locked));
            dave.send(new ChatCommand.Join(banned, ""));
            events.await(ChatEvent.Problem.class, p -> p.code().equals("banned") && p.conversation().equals(banned));
            String missing = "nowhere@" + ProsodyFixture.RESTRICTED_MUC;
            dave.send(new ChatCommand.Join(missing, ""));
            ChatEvent.Problem p = events.await(ChatEvent.Problem.class, x -> x.code().equals("no-such-channel"));
            assertThat(p.message()).contains("does not exist");
            // A taken nickname falls back to the configured pattern ({nick}_ first).
            dave.send(new ChatCommand.Join(taken, ""));
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals(taken) && j.nick().equals("dave_"));
            dave.close("");
        }
    }

    @Test
    void takenNicknameWithoutFallbacksIsAProblem() throws Exception {
        XmppBridge strict = bridge("strict", ProsodyFixture.DOMAIN, "account", true, XmppTransport.THREADS,
                "    nick: {fallback: []}\n");
        String room = room("strict");
        try (XmppPeer bob = peer("bob")) {
            bob.enter(room, "erin");
            Events events = new Events();
            BridgeConnection erin = strict.connect(login("erin", "erin", room), events);
            ChatEvent.Problem p = events.await(ChatEvent.Problem.class, x -> x.code().equals("nick-in-use"));
            assertThat(p.conversation()).isEqualTo(room);
            assertThat(p.field()).isEqualTo("nick");
            erin.close("");
        } finally {
            strict.close();
        }
    }

    @Test
    void kickAndBanReachThePersonWithReasonsAndWorkTheOtherWay() throws Exception {
        String room = room("mod");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            Events events = new Events();
            BridgeConnection frank = accounts.connect(login("frank", "frank", room), events);
            events.await(ChatEvent.Joined.class, j -> j.self());
            bobRoom.kickParticipant(Resourcepart.from("frank"), "calm down");
            events.await(ChatEvent.Kicked.class, k -> k.self() && k.by().equals("bob") && k.reason().equals("calm down"));
            assertThatThrownBy(() -> frank.send(new ChatCommand.Say(room, "hey")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-on-channel"));
            frank.send(new ChatCommand.Join(room, ""));
            events.await(ChatEvent.Joined.class, j -> j.self() && events.of(ChatEvent.Joined.class).stream().filter(ChatEvent.Joined::self).count() == 2);
            bobRoom.banUser(JidCreate.from("frank@" + ProsodyFixture.DOMAIN), "enough");
            events.await(ChatEvent.Banned.class, b -> b.self() && b.reason().equals("enough"));

            // Now frank owns a room and moderates bob.
            String own = room("frank");
            frank.send(new ChatCommand.Join(own, ""));
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals(own));
            MultiUserChat bobInFrank = bob.enter(own, "bob");
            events.await(ChatEvent.Joined.class, j -> !j.self() && j.channel().equals(own) && j.nick().equals("bob"));
            frank.send(new ChatCommand.Kick(own, "bob", "out"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !bobInFrank.isJoined());
            bobInFrank.join(Resourcepart.from("bob"));
            events.await(ChatEvent.Joined.class, j -> !j.self() && j.channel().equals(own) && j.nick().equals("bob")
                    && events.of(ChatEvent.Kicked.class).stream().anyMatch(k -> k.nick().equals("bob")));
            frank.send(new ChatCommand.Ban(own, "bob", "bye")); // by nick: the owner sees bob's address
            events.await(ChatEvent.Banned.class, b -> !b.self() && b.nick().equals("bob") && b.reason().equals("bye"));
            assertThatThrownBy(() -> bobInFrank.join(Resourcepart.from("bob"))).hasMessageContaining("forbidden");
            frank.send(new ChatCommand.Unban(own, "bob@" + ProsodyFixture.DOMAIN));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> bob.room(own).join(Resourcepart.from("bob")));
            frank.send(new ChatCommand.Invite(own, "carol@" + ProsodyFixture.DOMAIN));
            frank.close("");
        }
    }

    @Test
    void aRefusedCommandBecomesAProblemInItsConversation() throws Exception {
        String room = room("subject");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            Events events = new Events();
            BridgeConnection grace = accounts.connect(login("grace", "grace", room), events);
            events.await(ChatEvent.Joined.class, j -> j.self());
            grace.send(new ChatCommand.Kick(room, "bob", "no"));
            ChatEvent.Problem p = events.await(ChatEvent.Problem.class, x -> x.conversation().equals(room));
            assertThat(p.code()).isEqualTo("not-allowed");
            assertThat(p.message()).startsWith("could not kick bob from " + room);
            grace.close("");
        }
    }

    @Test
    void anInvitationReachesThePerson() throws Exception {
        String room = room("invite");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            Events events = new Events();
            BridgeConnection grace = accounts.connect(login("grace", "grace"), events);
            events.await(ChatEvent.Connected.class, c -> true);
            bobRoom.invite(JidCreate.entityBareFrom("grace@" + ProsodyFixture.DOMAIN), "come in");
            events.await(ChatEvent.Invited.class, i -> i.channel().equals(room) && i.by().equals("bob") && i.reason().equals("come in"));
            grace.send(new ChatCommand.Join(room, ""));
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals(room));
            try (XmppPeer carol = peer("carol")) {
                // Until the server has carol's presence an invitation to her is dropped (no
                // offline storage here), so it is sent again until one arrives.
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    grace.send(new ChatCommand.Invite(room, "carol@" + ProsodyFixture.DOMAIN));
                    return carol.messages.stream().anyMatch(m -> org.jivesoftware.smackx.muc.packet.MUCUser.from(m) != null
                            && org.jivesoftware.smackx.muc.packet.MUCUser.from(m).getInvite() != null);
                });
            }
            grace.close("");
        }
    }

    @Test
    void oneToOneChatRosterAndPresence() throws Exception {
        // heidi and bob see each other's presence (a mutual subscription, made by plain clients first).
        try (XmppPeer heidiElsewhere = peer("heidi"); XmppPeer bob = peer("bob")) {
            Roster.getInstanceFor(heidiElsewhere.connection).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            Roster bobRoster = Roster.getInstanceFor(bob.connection);
            bobRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            bobRoster.createItemAndRequestSubscription(heidiElsewhere.jid(), "Heidi", null);
            Roster.getInstanceFor(heidiElsewhere.connection).createItemAndRequestSubscription(bob.jid(), "Bob", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> bobRoster.getEntry(heidiElsewhere.jid()) != null
                    && bobRoster.getEntry(heidiElsewhere.jid()).canSeeHisPresence() && bobRoster.getEntry(heidiElsewhere.jid()).canSeeMyPresence());
            heidiElsewhere.close();

            Events events = new Events();
            BridgeConnection heidi = accounts.connect(login("heidi", "heidi"), events);
            events.await(ChatEvent.Roster.class, r -> r.contacts().stream().anyMatch(c -> c.address().equals("bob@" + ProsodyFixture.DOMAIN)
                    && c.name().equals("Bob")));
            events.await(ChatEvent.Presence.class, p -> p.who().equals("bob@" + ProsodyFixture.DOMAIN) && p.status().equals("available"));

            bob.connection.sendStanza(bob.connection.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away).setStatus("lunch").build());
            events.await(ChatEvent.Presence.class, p -> p.who().equals("bob@" + ProsodyFixture.DOMAIN) && p.status().equals("away")
                    && p.message().equals("lunch"));

            bob.say("heidi@" + ProsodyFixture.DOMAIN, "psst");
            events.await(ChatEvent.Message.class, m -> m.conversation().equals("bob@" + ProsodyFixture.DOMAIN) && m.text().equals("psst") && !m.self());
            heidi.send(new ChatCommand.Say("bob@" + ProsodyFixture.DOMAIN, "yes?"));
            await().atMost(Duration.ofSeconds(10)).until(() -> bob.messages.stream().anyMatch(m -> "yes?".equals(m.getBody())));
            events.await(ChatEvent.Message.class, m -> m.self() && m.conversation().equals("bob@" + ProsodyFixture.DOMAIN) && m.text().equals("yes?"));

            heidi.send(new ChatCommand.SetPresence("dnd", "busy"));
            events.await(ChatEvent.Presence.class, p -> p.self() && p.status().equals("dnd") && p.message().equals("busy"));
            await().atMost(Duration.ofSeconds(10)).until(() -> bobRoster.getPresence(JidCreate.bareFrom("heidi@" + ProsodyFixture.DOMAIN)).getMode() == Presence.Mode.dnd);

            bob.close();
            events.await(ChatEvent.Presence.class, p -> p.who().equals("bob@" + ProsodyFixture.DOMAIN) && p.status().equals("offline"));
            heidi.close("");
        }
    }

    @Test
    void anonymousLoginGetsAnAddressAndChats() throws Exception {
        String room = room("guests");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            Events events = new Events();
            BridgeConnection guest = guests.connect(login("", "", room), events);
            ChatEvent.Connected c = events.await(ChatEvent.Connected.class, x -> true);
            assertThat(c.address()).endsWith("@" + ProsodyFixture.ANONYMOUS_DOMAIN); // the account's address
            ChatEvent.Joined j = events.await(ChatEvent.Joined.class, x -> x.self());
            assertThat(j.nick()).matches("guest\\d{3}");
            assertThat(c.nick()).isEqualTo(j.nick()); // the nickname used in rooms
            guest.send(new ChatCommand.Say(room, "hello from a guest"));
            await().atMost(Duration.ofSeconds(10)).until(() -> bobRoom.pollMessage() instanceof Message m && "hello from a guest".equals(m.getBody()));
            assertThatThrownBy(() -> guests.connect(login("alice", "x"), new Events()))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("account"));
            guest.close("");
        }
    }

    @Test
    void wrongPasswordIsReportedOnceAndNotRetried() throws Exception {
        Events events = new Events();
        accounts.connect(new Login("x", "alice", "not-her-password", List.of(), new Login.ClientAddress("127.0.0.1", "localhost")), events);
        events.await(ChatEvent.Problem.class, p -> p.code().equals("bad-password") && p.field().equals("password"));
        ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class, x -> true);
        assertThat(d.retryInMillis()).isZero();
        assertThat(events.of(ChatEvent.Connected.class)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(XmppTransport.class)
    void aCertificateThatDoesNotNameTheDomainIsRefused(XmppTransport transport) throws Exception {
        XmppBridge wrong = bridge("wrong", ProsodyFixture.WRONG_DOMAIN, "account", true, transport, "");
        try {
            Events events = new Events();
            // Smack 4.4's reactor loses a thread to a NullPointerException after a failed handshake
            // (ReactorWatchdog replaces it); that is Smack's, not this test's, to report.
            events.ignoreOtherThreads = transport == XmppTransport.REACTOR;
            wrong.connect(new Login("w", "wronguser", "wrong-pw", List.of(), new Login.ClientAddress("127.0.0.1", "localhost")), events);
            events.await(ChatEvent.Problem.class, p -> p.code().equals("tls-failed"));
            assertThat(events.await(ChatEvent.Disconnected.class, x -> true).retryInMillis()).isZero();
            assertThat(events.of(ChatEvent.Connected.class)).isEmpty();
        } finally {
            wrong.close();
        }
    }

    @Test
    void plainTextOnlyWhenConfiguredAndNeverWithSaslPlain() throws Exception {
        XmppBridge plain = bridge("plain", ProsodyFixture.PLAIN_DOMAIN, "account", false, XmppTransport.THREADS, "");
        try {
            Events events = new Events();
            XmppConnection c = (XmppConnection) plain.connect(
                    new Login("p", "plainuser", "plain-pw", List.of(), new Login.ClientAddress("127.0.0.1", "localhost")), events);
            events.await(ChatEvent.Connected.class, x -> true);
            assertThat(c.smack().isSecureConnection()).isFalse();
            assertThat(c.smack().getUsedSaslMechansism()).isEqualTo("SCRAM-SHA-1");
            c.close("");
        } finally {
            plain.close();
        }
        // The same account host over a TLS bridge: TLS is used.
        Events events = new Events();
        XmppConnection c = (XmppConnection) accounts.connect(login("alice", "a"), events);
        events.await(ChatEvent.Connected.class, x -> true);
        assertThat(c.smack().isSecureConnection()).isTrue();
        c.close("");
    }

    @Test
    void everyOpThatNamesARoomOutsideThePolicyIsRefusedAndNothingOfItReachesTheRoom() throws Exception {
        String open = "ok-" + ROOMS.incrementAndGet() + "@" + MUC;
        String other = room("other");
        XmppBridge narrow = new XmppBridge((XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - {name: narrow, kind: xmpp, host: 127.0.0.1, port: %d, tls: true, domain: %s, muc-service: %s,
                     login: account, ca-file: %s, allowed-rooms: ["ok-*@%s"]}
                """.formatted(xmpp.port(), ProsodyFixture.DOMAIN, MUC, xmpp.caFile(), MUC)).bridges().get(0), XmppTransport.THREADS);
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(other, "bob");
            bobRoom.changeSubject("bob's");
            Events events = new Events();
            BridgeConnection alice = narrow.connect(login("alice", "alicep", open), events);
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals(open));
            String bobJid = "bob@" + ProsodyFixture.DOMAIN;
            String local = other.substring(0, other.indexOf('@'));
            for (String name : List.of(other, other.toUpperCase(java.util.Locale.ROOT), local)) {
                for (ChatCommand c : List.of(new ChatCommand.Join(name, ""), new ChatCommand.Part(name, ""),
                        new ChatCommand.SetTopic(name, "t"), new ChatCommand.Kick(name, "bob", ""),
                        new ChatCommand.Ban(name, bobJid, ""), new ChatCommand.Ban(name, "bob", ""),
                        new ChatCommand.Unban(name, bobJid), new ChatCommand.Invite(name, bobJid))) {
                    refusedAs(alice, c, "not-allowed", "channel");
                }
                refusedAs(alice, new ChatCommand.Say(name, "hi"), "not-allowed", "target");
                refusedAs(alice, new ChatCommand.Act(name, "waves"), "not-allowed", "target");
            }
            // A private message to an occupant goes through the room: the room's policy holds.
            refusedAs(alice, new ChatCommand.Say(other + "/bob", "psst"), "not-allowed", "target");
            refusedAs(alice, new ChatCommand.Join("ok-\uD800", ""), "invalid", "channel");
            refusedAs(alice, new ChatCommand.Say("ok-\uD800@" + MUC + "/bob", "psst"), "invalid", "target");

            alice.send(new ChatCommand.Say(open, "after all that"));
            events.await(ChatEvent.Message.class, m -> m.self() && m.text().equals("after all that"));
            assertThat(bobRoom.getOccupants()).extracting(o -> o.getResourceOrEmpty().toString()).containsExactly("bob");
            assertThat(bobRoom.getSubject()).isEqualTo("bob's");
            assertThat(bobRoom.getOutcasts()).isEmpty();
            assertThat(bob.messages).noneMatch(m -> m.toXML().toString().contains("alice"));
            alice.close("");
        } finally {
            narrow.close();
        }
    }

    private static void refusedAs(BridgeConnection c, ChatCommand command, String code, String field) {
        assertThatThrownBy(() -> c.send(command)).as(command.toString())
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                    assertThat(e.code()).as(command + ": " + e.getMessage()).isEqualTo(code);
                    assertThat(e.field()).as(command + ": " + e.getMessage()).isEqualTo(field);
                });
    }

    @Test
    void browserInputIsCheckedBeforeAnyStanzaIsBuilt() throws Exception {
        String room = room("input");
        try (XmppPeer bob = peer("bob")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            Events events = new Events();
            BridgeConnection alice = accounts.connect(login("alice", "alice2", room), events);
            events.await(ChatEvent.Joined.class, j -> j.self());
            assertThatThrownBy(() -> alice.send(new ChatCommand.Join("elsewhere@conference.example.org", "")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-allowed"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.Join("a b", "")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("channel"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.ChangeNick("x\u0000y")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("nick"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.Say(room, "x".repeat(XmppArgs.MAX_TEXT_BYTES + 1))))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("text"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.SetMode(room, "+o bob")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-supported"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.Notice(room, "hey")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-supported"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.Whois("bob")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-supported"));
            assertThatThrownBy(() -> alice.send(new ChatCommand.SetPresence("invisible", "")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("status"));
            alice.send(new ChatCommand.Say(room, "a\u0000b\u0007c</body><evil/>\nline two"));
            await().atMost(Duration.ofSeconds(10)).until(() -> bobRoom.pollMessage() instanceof Message m
                    && "abc</body><evil/>\nline two".equals(m.getBody()));
            alice.close("");
        }
    }
}

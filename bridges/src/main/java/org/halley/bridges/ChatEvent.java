package org.halley.bridges;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something a network said, in terms that fit IRC and XMPP alike. Every event carries its time:
 * the server's own where it gave one (IRCv3 server-time, XMPP delayed delivery), else when
 * Halley received it.
 *
 * <p>A conversation is named by what the person would type to reach it: a channel or room name,
 * or for a private conversation the other person's nick or JID.
 */
public sealed interface ChatEvent {

    Instant time();

    /** Waiting to connect; {@code ahead} people are queued before this one (0: connecting now). */
    record Connecting(Instant time, String server, int ahead) implements ChatEvent {}

    /**
     * Logged in as {@code nick}: on IRC the network's nick, on XMPP the nickname used in rooms.
     * {@code address} is the account's address where the network has one apart from the nick
     * (XMPP: the bare JID, {@code alice@example.org}), else empty. {@code casemapping} is how the
     * network compares names (IRC's CASEMAPPING as the bridge folds: {@code rfc1459} or
     * {@code ascii}; {@code none} on XMPP).
     */
    record Connected(Instant time, String nick, String server, String address, String casemapping) implements ChatEvent {
        public Connected {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(casemapping, "casemapping");
        }

        /** On IRC: the nick is the whole address; names fold by the server's CASEMAPPING. */
        public static Connected irc(Instant time, String nick, String server, String casemapping) {
            return new Connected(time, nick, server, "", casemapping);
        }

        /** On XMPP: a room nickname and the account's bare address; names compare as they are. */
        public static Connected xmpp(Instant time, String nick, String server, String address) {
            return new Connected(time, nick, server, address, "none");
        }
    }

    /**
     * Lost or ended; {@code retryInMillis} > 0 when Halley will reconnect by itself. {@code code}
     * says why in the catalogue's terms ({@link DisconnectReason}); {@code reason} is at most the
     * network's own words (or the person's quit message), never an exception's text. While
     * Halley retries, one {@code Disconnected} stands for the whole outage: failed attempts are
     * not reported again, the next event is {@link Connected} (or a final {@code Disconnected}).
     */
    record Disconnected(Instant time, String code, String reason, long retryInMillis) implements ChatEvent {
        public Disconnected {
            Objects.requireNonNull(code, "code");
            reason = DisconnectReason.clean(reason);
        }

        public Disconnected(Instant time, DisconnectReason why, long retryInMillis) {
            this(time, why.code(), why.text(), retryInMillis);
        }
    }

    /** How a message was sent. */
    enum Kind {
        MESSAGE,
        /** {@code /me waves} */
        ACTION,
        NOTICE
    }

    /**
     * A message in {@code conversation}. {@code self} is true for the person's own messages as
     * the network echoed them (or as sent, where it does not echo). {@code history} is true for
     * messages replayed from before the person arrived (XMPP room history, IRC chathistory); their
     * {@code time} is the original one.
     */
    record Message(Instant time, String conversation, String from, String text, Kind kind, boolean self, boolean history)
            implements ChatEvent {

        /** A live (not replayed) message. */
        public Message(Instant time, String conversation, String from, String text, Kind kind, boolean self) {
            this(time, conversation, from, text, kind, self, false);
        }
    }

    record Joined(Instant time, String channel, String nick, boolean self) implements ChatEvent {}

    record Parted(Instant time, String channel, String nick, String reason, boolean self) implements ChatEvent {}

    record Kicked(Instant time, String channel, String nick, String by, String reason, boolean self) implements ChatEvent {}

    /** {@code nick} was banned from {@code channel} (XMPP outcast; on IRC a ban shows as {@link Mode}). */
    record Banned(Instant time, String channel, String nick, String by, String reason, boolean self) implements ChatEvent {}

    /** {@code by} invited the person to {@code channel}. */
    record Invited(Instant time, String channel, String by, String reason) implements ChatEvent {}

    /**
     * Modes changed on a channel or on the person ({@code target}): {@code modes} as the network
     * wrote them, with their arguments ({@code +o bob}, {@code +b *!*@spam}).
     */
    record Mode(Instant time, String target, String by, String modes) implements ChatEvent {}

    /** {@code nick} left the network; {@code channels} are those the person shared with them. */
    record Quit(Instant time, String nick, String reason, List<String> channels) implements ChatEvent {
        public Quit {
            channels = List.copyOf(channels);
        }
    }

    /**
     * {@code oldNick} is now {@code newNick}: on the whole network (IRC, {@code channel} empty), or
     * in one room (XMPP, where a nickname belongs to a room).
     */
    record NickChanged(Instant time, String oldNick, String newNick, boolean self, String channel) implements ChatEvent {
        public NickChanged {
            java.util.Objects.requireNonNull(channel, "channel");
        }

        /** A network-wide change (IRC). */
        public NickChanged(Instant time, String oldNick, String newNick, boolean self) {
            this(time, oldNick, newNick, self, "");
        }
    }

    /** The topic or subject; {@code setAt} is null when the network did not say. */
    record Topic(Instant time, String channel, String topic, String setBy, Instant setAt) implements ChatEvent {}

    /**
     * Someone's presence: {@code status} is {@code available}, {@code away}, {@code dnd}, {@code xa}
     * or {@code offline}; {@code message} their status text (IRC: the away message). For the
     * person themselves ({@code self}) it confirms what they set.
     */
    record Presence(Instant time, String who, String status, String message, boolean self) implements ChatEvent {}

    /** {@code nick} logged in to (or, with an empty account, out of) a network account. */
    record Account(Instant time, String nick, String account) implements ChatEvent {}

    /** The person's contacts (XMPP roster), whole; presence changes follow as {@link Presence}. */
    record Roster(Instant time, List<Contact> contacts) implements ChatEvent {
        public Roster {
            contacts = List.copyOf(contacts);
        }
    }

    /** One roster entry; {@code status} as in {@link Presence}. */
    record Contact(String address, String name, String status, String message) {
        public Contact {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The answer to a WHOIS; fields the network did not give are empty (or -1). */
    record Whois(Instant time, String nick, String user, String host, String realname, String server,
            List<String> channels, String account, long idleSeconds, String away, boolean operator, boolean secure)
            implements ChatEvent {
        public Whois {
            channels = List.copyOf(channels);
        }
    }

    /** Everyone in {@code channel} now (a full list, replacing any earlier one). */
    record Members(Instant time, String channel, List<Member> members) implements ChatEvent {
        public Members {
            members = List.copyOf(members);
        }
    }

    /** One member joined, changed standing or nick details; replaces that member in the list. */
    record MemberUpdated(Instant time, String channel, Member member) implements ChatEvent {}

    /**
     * One member. {@code prefix} is IRC's mark ({@code @}, {@code +}, ...; several with
     * multi-prefix, highest first) or empty; {@code role} the neutral name of the highest standing
     * ({@code owner}, {@code admin}, {@code op}, {@code halfop}, {@code voice}; XMPP {@code
     * moderator}, {@code participant}, {@code visitor}) or empty; {@code affiliation} XMPP's
     * ({@code owner}, {@code admin}, {@code member}, {@code outcast}) or empty.
     */
    record Member(String nick, String prefix, String role, String affiliation) {
        public Member {
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(affiliation, "affiliation");
        }

        /** An IRC member: no affiliation. */
        public Member(String nick, String prefix, String role) {
            this(nick, prefix, role, "");
        }
    }

    /** Server text meant for the person (MOTD, server notices, replies with nowhere else to go). */
    record ServerText(Instant time, String from, String text) implements ChatEvent {}

    /**
     * Something the person should know went wrong: a refused command or an error reply. {@code
     * code} is stable for programs ({@code nick-in-use}, {@code banned}, {@code invalid}...),
     * {@code field} names the command field at fault (or is empty), {@code conversation} is where
     * to show it (or empty for the network as a whole).
     */
    record Problem(Instant time, String code, String field, String message, String conversation) implements ChatEvent {}
}

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

    /** Logged in as {@code nick}. */
    record Connected(Instant time, String nick, String server) implements ChatEvent {}

    /** Lost or ended; {@code retryInMillis} > 0 when Halley will reconnect by itself. */
    record Disconnected(Instant time, String reason, long retryInMillis) implements ChatEvent {}

    /** How a message was sent. */
    enum Kind {
        MESSAGE,
        /** {@code /me waves} */
        ACTION,
        NOTICE
    }

    /**
     * A message in {@code conversation}. {@code self} is true for the person's own messages as
     * the network echoed them (or as sent, where it does not echo).
     */
    record Message(Instant time, String conversation, String from, String text, Kind kind, boolean self)
            implements ChatEvent {}

    record Joined(Instant time, String channel, String nick, boolean self) implements ChatEvent {}

    record Parted(Instant time, String channel, String nick, String reason, boolean self) implements ChatEvent {}

    record Kicked(Instant time, String channel, String nick, String by, String reason, boolean self) implements ChatEvent {}

    /** {@code nick} left the network; {@code channels} are those the person shared with them. */
    record Quit(Instant time, String nick, String reason, List<String> channels) implements ChatEvent {
        public Quit {
            channels = List.copyOf(channels);
        }
    }

    record NickChanged(Instant time, String oldNick, String newNick, boolean self) implements ChatEvent {}

    /** The topic or subject; {@code setAt} is null when the network did not say. */
    record Topic(Instant time, String channel, String topic, String setBy, Instant setAt) implements ChatEvent {}

    /** Everyone in {@code channel} now (a full list, replacing any earlier one). */
    record Members(Instant time, String channel, List<Member> members) implements ChatEvent {
        public Members {
            members = List.copyOf(members);
        }
    }

    /**
     * One member. {@code prefix} is IRC's mark ({@code @}, {@code +}, ...) or empty; {@code role}
     * the neutral name of the highest standing ({@code owner}, {@code admin}, {@code op}, {@code
     * halfop}, {@code voice}, {@code moderator}, {@code participant}, {@code visitor}) or empty.
     */
    record Member(String nick, String prefix, String role) {
        public Member {
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(role, "role");
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

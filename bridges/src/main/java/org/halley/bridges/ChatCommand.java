package org.halley.bridges;

/**
 * Something a person does. Fields are as the browser sent them: each bridge validates every
 * field against its network's rules before anything is written ({@link CommandRejectedException}
 * names the field). There is no raw passthrough.
 */
public sealed interface ChatCommand {

    /** Join a channel or room; {@code key} is its password, or empty. */
    record Join(String channel, String key) implements ChatCommand {}

    record Part(String channel, String reason) implements ChatCommand {}

    /** A message to a channel, room or person. */
    record Say(String target, String text) implements ChatCommand {}

    /** {@code /me}. */
    record Act(String target, String text) implements ChatCommand {}

    record Notice(String target, String text) implements ChatCommand {}

    record ChangeNick(String nick) implements ChatCommand {}

    record SetTopic(String channel, String topic) implements ChatCommand {}

    /** Ask who {@code nick} is (answered by {@link ChatEvent.Whois}). */
    record Whois(String nick) implements ChatCommand {}

    /**
     * Set the person's own presence: {@code available}, {@code away}, {@code dnd} or {@code xa}
     * with a status message. On IRC anything but available is AWAY with the message.
     */
    record SetPresence(String status, String message) implements ChatCommand {}

    record Kick(String channel, String nick, String reason) implements ChatCommand {}

    /** Ban {@code who} (a nick, IRC mask or JID) from {@code channel}. */
    record Ban(String channel, String who, String reason) implements ChatCommand {}

    record Unban(String channel, String who) implements ChatCommand {}

    /** Change modes ({@code +o bob}, {@code +m}) on a channel or on oneself; IRC only. */
    record SetMode(String target, String modes) implements ChatCommand {}

    record Invite(String channel, String nick) implements ChatCommand {}

    /** Leave the network for good (no reconnect). */
    record Quit(String reason) implements ChatCommand {}
}

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

    record ChangeNick(String nick) implements ChatCommand {}

    record SetTopic(String channel, String topic) implements ChatCommand {}

    /** Leave the network for good (no reconnect). */
    record Quit(String reason) implements ChatCommand {}
}

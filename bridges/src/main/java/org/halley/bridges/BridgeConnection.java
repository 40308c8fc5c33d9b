package org.halley.bridges;

/** One person's connection to one network. Thread-safe; no method blocks. */
public interface BridgeConnection {

    /**
     * Validates {@code command} and queues it for the network, in order.
     *
     * @throws CommandRejectedException naming the field at fault; nothing was sent
     */
    void send(ChatCommand command) throws CommandRejectedException;

    /**
     * Says again, through the connection's sink, what a browser needs to rebuild its view of this
     * connection: where it stands ({@link ChatEvent.Connected} with the current nick, or {@link
     * ChatEvent.Connecting} / {@link ChatEvent.Disconnected} while it is not connected), then for
     * each channel or room the person is in {@link ChatEvent.Joined} (self), {@link
     * ChatEvent.Topic} and {@link ChatEvent.Members}, and what else the network keeps for the
     * person (XMPP: the {@link ChatEvent.Roster}). The gateway calls it when a browser resumed
     * after missing events its buffer no longer held ({@code reset}), e.g. a reloaded page.
     *
     * <p>The events go through the sink like any other, one at a time and in order with them, so
     * the picture is never torn by a part or a kick; some may come later, as the network answers
     * (IRC asks the server for each channel's names, under flood control). Private conversations
     * are not re-announced. Called from any thread; returns without waiting for the network. Does
     * nothing once the connection has ended.
     */
    void refresh();

    /** Leaves the network with {@code reason} (QUIT) and never reconnects. Idempotent. */
    void close(String reason);
}

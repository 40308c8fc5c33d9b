package org.halley.bridges;

/** One person's connection to one network. Thread-safe; no method blocks. */
public interface BridgeConnection {

    /**
     * Validates {@code command} and queues it for the network, in order.
     *
     * @throws CommandRejectedException naming the field at fault; nothing was sent
     */
    void send(ChatCommand command) throws CommandRejectedException;

    /** Leaves the network with {@code reason} (QUIT) and never reconnects. Idempotent. */
    void close(String reason);
}

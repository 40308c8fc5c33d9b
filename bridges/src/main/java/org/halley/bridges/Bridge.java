package org.halley.bridges;

/** One configured network. Thread-safe. */
public interface Bridge extends AutoCloseable {

    /** The configured name, by which browsers choose it. */
    String name();

    /**
     * Opens one person's own connection. Returns at once; connecting goes on in the background
     * and is reported through {@code sink} ({@link ChatEvent.Connecting}, {@link
     * ChatEvent.Connected}, or {@link ChatEvent.Problem} and {@link ChatEvent.Disconnected}).
     *
     * @throws CommandRejectedException when the login itself is invalid (a bad nick) or refused by
     *     policy (quotas); nothing was opened
     */
    BridgeConnection connect(Login login, ChatEventSink sink) throws CommandRejectedException;

    /** Connections open now, in any state (a drain waits for this to reach 0). */
    int connections();

    /** Closes every connection (QUIT) and frees the bridge's resources. */
    @Override
    void close();
}

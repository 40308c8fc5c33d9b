package org.halley.bridges;

/**
 * Where a connection delivers its events: one at a time, in the order the server sent them,
 * usually on the connection's reader thread (a bridge may deliver a few, such as a place in a
 * queue, from its other threads). Implementations hand the event on and return; they must not
 * block the reader.
 */
@FunctionalInterface
public interface ChatEventSink {
    void accept(ChatEvent event);
}

package org.halley.bridges;

/**
 * Where a connection delivers its events: on the connection's reader thread, one at a time, in
 * the order the server sent them. Implementations hand the event on and return; they must not
 * block the reader.
 */
@FunctionalInterface
public interface ChatEventSink {
    void accept(ChatEvent event);
}

package org.halley.bridges.irc;

import com.google.common.collect.ImmutableSet;
import org.pircbotx.PircBotX;
import org.pircbotx.hooks.Event;
import org.pircbotx.hooks.Listener;
import org.pircbotx.hooks.managers.ListenerManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the one listener of a connection on the connection's reader thread, in order. (PircBotX's
 * default, ThreadedListenerManager, runs each event on a pool thread, where a JOIN could overtake
 * the message that followed it.) Only PircBotX's life-cycle events come this way; the lines
 * themselves are decoded by {@link IrcEvents}, on the same thread.
 */
final class OrderedListenerManager implements ListenerManager {
    private static final Logger log = LoggerFactory.getLogger(OrderedListenerManager.class);

    private final Listener listener;

    OrderedListenerManager(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void onEvent(Event event) {
        try {
            listener.onEvent(event);
        } catch (Exception e) {
            log.warn("IRC event handler failed on {}", event.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void addListener(Listener l) {
        throw new UnsupportedOperationException("one listener per connection");
    }

    @Override
    public boolean removeListener(Listener l) {
        return false;
    }

    @Override
    public boolean listenerExists(Listener l) {
        return l == listener;
    }

    @Override
    public ImmutableSet<Listener> getListeners() {
        return ImmutableSet.of(listener);
    }

    @Override
    public void shutdown(PircBotX bot) {}
}

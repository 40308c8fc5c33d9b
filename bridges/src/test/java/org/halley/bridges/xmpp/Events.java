package org.halley.bridges.xmpp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEventSink;

/** Events of one connection, recorded in the order delivered. */
final class Events implements ChatEventSink {
    final List<ChatEvent> all = new CopyOnWriteArrayList<>();
    /** Whether an exception thrown on another thread (Smack's reactor) may pass without failing the wait. */
    volatile boolean ignoreOtherThreads;

    @Override
    public void accept(ChatEvent event) {
        all.add(event);
    }

    <T extends ChatEvent> T await(Class<T> type, Predicate<T> p) {
        return await(type, p, Duration.ofSeconds(20));
    }

    <T extends ChatEvent> T await(Class<T> type, Predicate<T> p, Duration timeout) {
        var wait = Awaitility.await("a " + type.getSimpleName() + " among " + all).atMost(timeout);
        if (ignoreOtherThreads) {
            wait = wait.dontCatchUncaughtExceptions();
        }
        return wait.until(() -> find(type, p), e -> e != null);
    }

    <T extends ChatEvent> T find(Class<T> type, Predicate<T> p) {
        return all.stream().filter(type::isInstance).map(type::cast).filter(p).findFirst().orElse(null);
    }

    <T extends ChatEvent> List<T> of(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    void clear() {
        all.clear();
    }
}

package org.halley.bridges.irc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEventSink;

/** The events of one connection, in the order delivered, for tests to wait on. */
final class ChatEventRecorder implements ChatEventSink {
    final List<ChatEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void accept(ChatEvent event) {
        all.add(event);
    }

    /** Waits for the first event of {@code type} matching {@code p}, seen before or after the call. */
    <T extends ChatEvent> T await(Class<T> type, Predicate<T> p) {
        return awaitFrom(0, type, p);
    }

    /** Like {@link #await} but only among events from index {@code from} on (see {@link #mark()}). */
    <T extends ChatEvent> T awaitFrom(int from, Class<T> type, Predicate<T> p) {
        return Awaitility.await("a " + type.getSimpleName() + " among " + all)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> all.subList(Math.min(from, all.size()), all.size()).stream()
                        .filter(type::isInstance).map(type::cast).filter(p).findFirst().orElse(null), e -> e != null);
    }

    /** The index the next event will have. */
    int mark() {
        return all.size();
    }

    <T extends ChatEvent> List<T> of(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }
}

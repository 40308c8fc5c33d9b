package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.halley.config.AdmissionRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IrcAdmissionTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** A waiting attempt that records what it was told and when it was let in. */
    static final class Recorder implements IrcAdmission.Ticket {
        final String name;
        final List<Integer> positions = new CopyOnWriteArrayList<>();
        volatile long admittedAt;
        final List<String> order;

        Recorder(String name, List<String> order) {
            this.name = name;
            this.order = order;
        }

        @Override
        public void position(int ahead) {
            positions.add(ahead);
        }

        @Override
        public void admitted() {
            admittedAt = System.nanoTime();
            order.add(name);
        }
    }

    @Test
    void attemptsStartInOrderOnePerIntervalAndLearnTheirPlace() throws InterruptedException {
        IrcAdmission a = new IrcAdmission("t", new AdmissionRules(100, 100, Duration.ofMillis(40)), timer, System::nanoTime);
        List<String> order = new CopyOnWriteArrayList<>();
        Recorder[] r = new Recorder[25];
        java.util.concurrent.CountDownLatch queued = new java.util.concurrent.CountDownLatch(1);
        timer.execute(() -> {
            try {
                queued.await(); // hold the timer until everyone is in the queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < r.length; i++) {
            r[i] = new Recorder("r" + i, order);
            a.enqueue(r[i]);
        }
        queued.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == r.length);
        assertThat(order).containsExactly(java.util.stream.IntStream.range(0, r.length).mapToObj(i -> "r" + i).toArray(String[]::new));
        // Starts are 40 ms apart; the recorded times may lag a start a little (thread scheduling),
        // so the span is checked with one interval of slack at each end.
        assertThat(r[24].admittedAt - r[0].admittedAt).isGreaterThanOrEqualTo(Duration.ofMillis(22 * 40).toNanos());
        assertThat(r[24].positions).first().isEqualTo(24);
        assertThat(r[24].positions).isSortedAccordingTo((x, y) -> y - x).contains(0);
        assertThat(r[24].positions.size()).as("told only when the place moved by a tenth").isLessThan(24);
        assertThat(r[5].positions).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(a.admittedCount()).isEqualTo(25);
    }

    @Test
    void removedAttemptsNeverStart() {
        IrcAdmission a = new IrcAdmission("t", new AdmissionRules(100, 100, Duration.ofMillis(50)), timer, System::nanoTime);
        List<String> order = new CopyOnWriteArrayList<>();
        Recorder first = new Recorder("first", order);
        Recorder gone = new Recorder("gone", order);
        Recorder last = new Recorder("last", order);
        a.enqueue(first);
        a.enqueue(gone);
        a.enqueue(last);
        a.remove(gone);
        await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 2);
        assertThat(order).containsExactly("first", "last");
        assertThat(a.queued()).isZero();
    }

    @Test
    void throttlesAndBansSlowAdmissionDownOncePerIntervalAndAreCounted() {
        long[] now = {0};
        IrcAdmission a = new IrcAdmission("t", new AdmissionRules(100, 100, Duration.ofMillis(100)), timer, () -> now[0]);
        a.slowDown(false, "Throttled: reconnecting too fast");
        assertThat(a.interval()).isEqualTo(IrcAdmission.SLOWDOWN_AT_LEAST);
        a.slowDown(false, "the same burst");
        assertThat(a.interval()).as("a burst of answers counts once").isEqualTo(IrcAdmission.SLOWDOWN_AT_LEAST);
        now[0] += IrcAdmission.SLOWDOWN_AT_LEAST.toNanos();
        a.slowDown(true, "K-Lined");
        assertThat(a.interval()).isEqualTo(IrcAdmission.SLOWDOWN_AT_LEAST.multipliedBy(2));
        for (int i = 0; i < 20; i++) {
            now[0] += IrcAdmission.MAX_INTERVAL.toNanos();
            a.slowDown(false, "again");
        }
        assertThat(a.interval()).isEqualTo(IrcAdmission.MAX_INTERVAL);
        assertThat(a.throttleCount()).isEqualTo(22);
        assertThat(a.banCount()).isEqualTo(1);
    }

    @Test
    void aQuietMinuteHalvesALearnedInterval() {
        long[] now = {0};
        IrcAdmission a = new IrcAdmission("t", new AdmissionRules(100, 100, Duration.ofMillis(100)), timer, () -> now[0]);
        a.slowDown(false, "too fast");
        now[0] += Duration.ofSeconds(2).toNanos();
        a.slowDown(false, "too fast");
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(4));
        now[0] += IrcAdmission.QUIET.toNanos();
        List<String> order = new CopyOnWriteArrayList<>();
        a.enqueue(new Recorder("x", order));
        await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 1);
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(2));
    }
}

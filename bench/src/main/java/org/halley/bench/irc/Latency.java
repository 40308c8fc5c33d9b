package org.halley.bench.irc;

import java.time.Instant;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * IRC-to-browser latency: each message a talker sends carries its wall-clock send time (the
 * sender and the receivers are processes on one machine, so they share the clock). Halley's
 * browsers and a plain IRC client in the same channels (the floor: what the IRC server alone
 * costs) are timed the same way, in microseconds.
 */
final class Latency {
    static final String TAG = "bench@";

    private final Recorder halley = new Recorder(3);
    private final Recorder floor = new Recorder(3);
    private volatile boolean recording;

    static long nowNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static String text() {
        return TAG + nowNanos();
    }

    void recording(boolean on) {
        recording = on;
        if (on) {
            halley.reset();
            floor.reset();
        }
    }

    void recordHalley(String frame, long now) {
        record(halley, frame, now);
    }

    void recordFloor(String line, long now) {
        record(floor, line, now);
    }

    private void record(Recorder r, String s, long now) {
        int i = s.indexOf(TAG);
        if (i < 0 || !recording) {
            return;
        }
        int start = i + TAG.length();
        int end = start;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        long sent = Long.parseLong(s, start, end, 10);
        r.recordValue(Math.max(0, (now - sent) / 1_000));
    }

    Histogram halley() {
        return halley.getIntervalHistogram();
    }

    Histogram floor() {
        return floor.getIntervalHistogram();
    }
}

package org.halley.push;

/**
 * When each of a session's unwritten events arrived, for events that could not be written at once
 * (the socket was full, or a long poll was between requests): so the latency histogram also sees
 * the time an event waits for a slow browser or the next poll. Made only while such events wait,
 * and dropped once they are written; at most {@link #CAPACITY} events are remembered (a sample).
 *
 * <p>Not thread-safe; owned by the session's shard loop.
 */
final class LatencyStamps {
    static final int CAPACITY = 32;

    private final long[] seqs = new long[CAPACITY];
    private final long[] stamps = new long[CAPACITY];
    private int held;

    /** Remembers that event {@code seq} arrived at {@code nanos} ({@link System#nanoTime()}). */
    void put(long seq, long nanos) {
        int i = (int) (seq & (CAPACITY - 1));
        if (seqs[i] == 0) {
            held++;
        }
        seqs[i] = seq; // an older event in the slot is forgotten (not measured)
        stamps[i] = nanos;
    }

    /** The arrival time of event {@code seq} and forgets it; 0 when not remembered. */
    long take(long seq) {
        int i = (int) (seq & (CAPACITY - 1));
        if (seqs[i] != seq) {
            return 0;
        }
        seqs[i] = 0;
        held--;
        return stamps[i];
    }

    boolean isEmpty() {
        return held == 0;
    }
}

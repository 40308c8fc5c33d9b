package org.halley.push;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One shard's own counts: written by its loop alone, read by anyone (a metrics scrape). A single
 * writer needs no atomic read-modify-write: each update is a plain read and an ordered store
 * ({@code lazySet}), so counting costs the loop no lock, no CAS and no shared cache line; a reader
 * sums the shards and may be a moment behind.
 *
 * <p>Methods ending in 0 run only on the shard's loop.
 */
public final class ShardStats {
    /** Transport names, in the order of the per-transport slots; anything else counts as the last. */
    public static final String[] TRANSPORTS = {"websocket", "sse", "xhr-streaming", "long-polling", "iframe", "other"};

    /**
     * Upper bounds, in nanoseconds, of the latency histogram's buckets (bridge to browser socket):
     * 0.5 ms to 10 s; a last, unbounded bucket holds the rest.
     */
    public static final long[] LATENCY_BOUNDS_NANOS = {
        500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L,
        250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L
    };

    private static final int T = TRANSPORTS.length;
    // Slots of `counts`:
    private static final int EVENTS_OUT = 0;
    private static final int BYTES_OUT = 1;
    private static final int MESSAGES_IN = 2;
    private static final int BYTES_IN = 3;
    private static final int RESUMES = 4;
    private static final int GONE_AWAY = 5;
    private static final int LATENCY_SUM = 6;
    private static final int LATENCY_COUNT = 7;
    private static final int ATTACHED = 8; // + transport: connections attached now
    private static final int CONNECTS = ATTACHED + T; // + transport: connections attached so far
    private static final int DISCONNECTS = CONNECTS + T; // + transport: connections detached so far
    private static final int LATENCY = DISCONNECTS + T; // + bucket
    private static final int SIZE = LATENCY + LATENCY_BOUNDS_NANOS.length + 1;

    private final AtomicLongArray counts = new AtomicLongArray(SIZE);

    private void add0(int slot, long n) {
        counts.lazySet(slot, counts.get(slot) + n);
    }

    /** The slot of transport {@code name}. */
    static int transport(String name) {
        return switch (name) {
            case "websocket" -> 0;
            case "sse" -> 1;
            case "xhr-streaming" -> 2;
            case "long-polling" -> 3;
            case "iframe" -> 4;
            default -> 5;
        };
    }

    void eventOut0(int bytes) {
        add0(EVENTS_OUT, 1);
        add0(BYTES_OUT, bytes);
    }

    void messageIn0() {
        add0(MESSAGES_IN, 1);
    }

    void bytesIn0(int bytes) {
        add0(BYTES_IN, bytes);
    }

    void resumed0() {
        add0(RESUMES, 1);
    }

    void goneAway0() {
        add0(GONE_AWAY, 1);
    }

    void attached0(String transport) {
        int t = transport(transport);
        add0(ATTACHED + t, 1);
        add0(CONNECTS + t, 1);
    }

    void detached0(String transport) {
        int t = transport(transport);
        add0(ATTACHED + t, -1);
        add0(DISCONNECTS + t, 1);
    }

    void latency0(long nanos) {
        int b = 0;
        while (b < LATENCY_BOUNDS_NANOS.length && nanos > LATENCY_BOUNDS_NANOS[b]) {
            b++;
        }
        add0(LATENCY + b, 1);
        add0(LATENCY_SUM, nanos);
        add0(LATENCY_COUNT, 1);
    }

    /**
     * What the shards have counted, summed. Any thread.
     *
     * @param eventsOut events written to browser connections (a replay after a resume counts again)
     * @param bytesOut bytes of those events' envelopes, before the transport's framing
     * @param messagesIn messages from browsers handled (each {@code cseq} once)
     * @param bytesIn bytes of the frames and bodies that carried browsers' messages (resent ones too)
     * @param resumes connections that continued a session after a lost one, without a gap ({@code last} >
     *     0, no reset; the next poll or a recycled stream is not a resume)
     * @param goneAway sessions ended by a drain, their browsers told to reconnect elsewhere
     * @param attached connections carrying a session now, per transport (see {@link #TRANSPORTS})
     * @param connects connections attached so far, per transport (every long poll counts)
     * @param disconnects connections detached so far, per transport
     * @param latencyBuckets events per latency bucket (not cumulative; bounds {@link
     *     #LATENCY_BOUNDS_NANOS}, then the rest)
     * @param latencySumNanos the latencies added up
     * @param latencyCount events measured
     */
    public record Snapshot(long eventsOut, long bytesOut, long messagesIn, long bytesIn, long resumes, long goneAway,
            long[] attached, long[] connects, long[] disconnects, long[] latencyBuckets, long latencySumNanos,
            long latencyCount) {}

    static Snapshot sum(Iterable<ShardStats> all) {
        long[] s = new long[SIZE];
        for (ShardStats st : all) {
            for (int i = 0; i < SIZE; i++) {
                s[i] += st.counts.get(i);
            }
        }
        return new Snapshot(s[EVENTS_OUT], s[BYTES_OUT], s[MESSAGES_IN], s[BYTES_IN], s[RESUMES], s[GONE_AWAY],
                java.util.Arrays.copyOfRange(s, ATTACHED, ATTACHED + T),
                java.util.Arrays.copyOfRange(s, CONNECTS, CONNECTS + T),
                java.util.Arrays.copyOfRange(s, DISCONNECTS, DISCONNECTS + T),
                java.util.Arrays.copyOfRange(s, LATENCY, SIZE), s[LATENCY_SUM], s[LATENCY_COUNT]);
    }
}

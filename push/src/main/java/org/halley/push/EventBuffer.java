package org.halley.push;

/**
 * The last events of one session, kept so a client that reconnects can be sent exactly what it
 * missed. Bounded by count and by bytes; the oldest go first. Sequence numbers are contiguous, so
 * an event is found by arithmetic and is not stored. Starts small and grows: most sessions hold
 * few events. The arrays are not copied: sessions that got the same event (a room) hold one array,
 * and each counts its length against its own limit.
 *
 * <p>Not thread-safe; owned by its session's shard loop.
 */
public final class EventBuffer {
    private final int maxEvents;
    private final long maxBytes;
    private byte[][] ring = new byte[4][];
    private int head; // index of the oldest event
    private int size;
    private long firstSeq = 1; // sequence number of ring[head]
    private long bytes;

    public EventBuffer(int maxEvents, long maxBytes) {
        if (maxEvents < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxEvents: " + maxEvents + ", maxBytes: " + maxBytes + " (expected: > 0)");
        }
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Appends the event with sequence number {@link #lastSeq()} + 1, evicting the oldest as needed. */
    public void add(byte[] frame) {
        while (size > 0 && (size >= maxEvents || bytes + frame.length > maxBytes)) {
            evictOldest();
        }
        if (size == ring.length) {
            grow();
        }
        if (size == 0) {
            // keep numbering: the next event follows the last one ever added
            head = 0;
        }
        ring[(head + size) % ring.length] = frame;
        size++;
        bytes += frame.length;
    }

    /** Sequence number of the newest event ever added (0 before any). */
    public long lastSeq() {
        return firstSeq + size - 1;
    }

    /** Sequence number of the oldest event still held; {@code lastSeq() + 1} when empty. */
    public long firstSeq() {
        return firstSeq;
    }

    /** Whether a client that saw up to {@code last} can be sent everything after it. */
    public boolean canResumeFrom(long last) {
        return last >= firstSeq - 1 && last <= lastSeq();
    }

    /** The event with sequence number {@code seq}; {@code firstSeq() <= seq <= lastSeq()}. */
    public byte[] get(long seq) {
        if (seq < firstSeq || seq > lastSeq()) {
            throw new IndexOutOfBoundsException("seq " + seq + " not in [" + firstSeq + ", " + lastSeq() + "]");
        }
        return ring[(int) ((head + (seq - firstSeq)) % ring.length)];
    }

    public int size() {
        return size;
    }

    public long bytes() {
        return bytes;
    }

    private void evictOldest() {
        bytes -= ring[head].length;
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        firstSeq++;
    }

    private void grow() {
        byte[][] bigger = new byte[Math.min(ring.length * 2, Math.max(maxEvents, 4))][];
        if (bigger.length == ring.length) {
            throw new IllegalStateException("full ring at " + size); // unreachable: add() evicts first
        }
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}

package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventBufferTest {

    private static byte[] bytes(int n) {
        return new byte[n];
    }

    @Test
    void keepsTheLastEventsByCount() {
        EventBuffer b = new EventBuffer(3, 1 << 20);
        for (int i = 0; i < 10; i++) {
            b.add(new byte[] {(byte) i});
        }
        assertThat(b.lastSeq()).isEqualTo(10);
        assertThat(b.firstSeq()).isEqualTo(8);
        assertThat(b.get(8)[0]).isEqualTo((byte) 7);
        assertThat(b.get(10)[0]).isEqualTo((byte) 9);
        assertThat(b.canResumeFrom(7)).isTrue();
        assertThat(b.canResumeFrom(6)).isFalse();
        assertThat(b.canResumeFrom(10)).isTrue();
        assertThat(b.canResumeFrom(11)).as("a client ahead of the server").isFalse();
    }

    @Test
    void keepsTheLastEventsByBytes() {
        EventBuffer b = new EventBuffer(1000, 100);
        for (int i = 0; i < 10; i++) {
            b.add(bytes(30));
        }
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.bytes()).isEqualTo(90);
        assertThat(b.firstSeq()).isEqualTo(8);
    }

    @Test
    void anEventLargerThanTheBufferIsStillKeptAlone() {
        EventBuffer b = new EventBuffer(10, 100);
        b.add(bytes(10));
        b.add(bytes(500));
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.firstSeq()).isEqualTo(2);
    }

    @Test
    void emptyBufferResumesOnlyFromItsStart() {
        EventBuffer b = new EventBuffer(10, 100);
        assertThat(b.lastSeq()).isZero();
        assertThat(b.canResumeFrom(0)).isTrue();
        assertThat(b.canResumeFrom(1)).isFalse();
    }

    @Test
    void growsAcrossTheRingWithoutLosingOrder() {
        EventBuffer b = new EventBuffer(100, 1 << 20);
        for (int i = 1; i <= 1000; i++) {
            b.add(new byte[] {(byte) i, (byte) (i >> 8)});
            long first = b.firstSeq();
            for (long s = first; s <= b.lastSeq(); s++) {
                byte[] e = b.get(s);
                assertThat((e[0] & 0xff) | (e[1] & 0xff) << 8).isEqualTo((int) s);
            }
        }
    }
}

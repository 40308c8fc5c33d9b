package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardStatsTest {

    @Test
    void latenciesFallIntoTheFirstBucketWhoseBoundHoldsThem() {
        ShardStats a = new ShardStats();
        a.latency0(100_000);          // 0.1 ms: first bucket
        a.latency0(500_000);          // exactly 0.5 ms: still the first (bounds are inclusive)
        a.latency0(3_000_000);        // 3 ms: the 5 ms bucket
        a.latency0(60_000_000_000L);  // a minute: the last, unbounded bucket
        ShardStats.Snapshot s = ShardStats.sum(List.of(a));
        assertThat(s.latencyBuckets()).hasSize(ShardStats.LATENCY_BOUNDS_NANOS.length + 1);
        assertThat(s.latencyBuckets()[0]).isEqualTo(2);
        assertThat(s.latencyBuckets()[3]).isEqualTo(1);
        assertThat(s.latencyBuckets()[ShardStats.LATENCY_BOUNDS_NANOS.length]).isEqualTo(1);
        assertThat(s.latencyCount()).isEqualTo(4);
        assertThat(s.latencySumNanos()).isEqualTo(100_000 + 500_000 + 3_000_000 + 60_000_000_000L);
    }

    @Test
    void shardsAreSummedAndConnectionsTrackedPerTransport() {
        ShardStats a = new ShardStats();
        ShardStats b = new ShardStats();
        a.attached0("websocket");
        b.attached0("websocket");
        b.attached0("sse");
        b.detached0("sse");
        a.attached0("something-new");
        a.eventOut0(30);
        b.eventOut0(12);
        ShardStats.Snapshot s = ShardStats.sum(List.of(a, b));
        assertThat(s.attached()).containsExactly(2, 0, 0, 0, 0, 1);
        assertThat(s.connects()).containsExactly(2, 1, 0, 0, 0, 1);
        assertThat(s.disconnects()).containsExactly(0, 1, 0, 0, 0, 0);
        assertThat(s.eventsOut()).isEqualTo(2);
        assertThat(s.bytesOut()).isEqualTo(42);
    }

    @Test
    void latencyStampsRememberOnlyWhatTheyHoldAndEmpty() {
        LatencyStamps st = new LatencyStamps();
        st.put(5, 111);
        st.put(6, 222);
        assertThat(st.take(7)).isZero();
        assertThat(st.take(5)).isEqualTo(111);
        assertThat(st.take(5)).isZero();
        assertThat(st.isEmpty()).isFalse();
        st.put(6 + LatencyStamps.CAPACITY, 333); // 128 events later: the old one is forgotten
        assertThat(st.take(6)).isZero();
        assertThat(st.take(6 + LatencyStamps.CAPACITY)).isEqualTo(333);
        assertThat(st.isEmpty()).isTrue();
    }
}

package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.util.Async;
import org.junit.jupiter.api.Test;

/** Smack's threads are Halley's virtual ones: the bridges module's {@code Async} shadows Smack's. */
class SmackThreadsTest {
    @Test
    void theAsyncLoadedIsHalleysNotSmacks() {
        String from = Async.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThat(from).doesNotContain("smack-core");
    }

    @Test
    void smackStartsVirtualThreadsOnJdk24AndLater() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Thread t = Async.go(ran::countDown, "Smack Reader (test)");
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(t.getName()).isEqualTo("Smack Reader (test)");
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.isVirtual()).isEqualTo(Runtime.version().feature() >= 24);
    }
}

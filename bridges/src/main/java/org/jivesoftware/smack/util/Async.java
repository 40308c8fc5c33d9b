package org.jivesoftware.smack.util;

/**
 * Halley's replacement for Smack 4.4's {@code Async}, the one place where Smack starts its own
 * threads, among them every {@code XMPPTCPConnection}'s reader and writer. Smack's version starts
 * platform threads, two per bridged user, each costing about 100 KiB of resident stack; this one
 * starts virtual threads, so an XMPP bridge costs what the IRC bridge does: a parked stack on the
 * heap.
 *
 * <p>This class shadows the one in smack-core: it comes first on the class path because it is in
 * the bridges module, which depends on Smack, and the gateway's shaded jar leaves Smack's copy out
 * (gateway/pom.xml). {@code SmackThreadsTest} fails if Smack's own version is the one loaded.
 * The signatures are Smack 4.4's; {@code Async.ThrowingRunnable} still comes from smack-core.
 *
 * <p>Virtual threads only on JDK 24 and later: Smack blocks inside {@code synchronized} and in
 * {@code Object.wait()}, which pin a virtual thread's carrier before JDK 24 (JEP 491), so on
 * JDK 21 to 23 the threads stay platform threads, as Smack made them.
 */
public final class Async {
    /**
     * True when Smack's threads are virtual here: JDK 24 or later, unless the system property
     * {@code halley.smack.platform-threads=true} asks for Smack's platform threads (to compare).
     */
    public static final boolean VIRTUAL = Runtime.version().feature() >= 24
            && !Boolean.getBoolean("halley.smack.platform-threads");

    private Async() {
    }

    public static Thread go(Runnable runnable) {
        Thread thread = daemonThreadFrom(runnable);
        thread.start();
        return thread;
    }

    public static Thread go(Runnable runnable, String threadName) {
        Thread thread = daemonThreadFrom(runnable);
        thread.setName(threadName);
        thread.start();
        return thread;
    }

    /** An unstarted daemon thread (virtual threads are always daemons) that runs {@code runnable}. */
    public static Thread daemonThreadFrom(Runnable runnable) {
        if (VIRTUAL) {
            return Thread.ofVirtual().unstarted(runnable);
        }
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    }
}

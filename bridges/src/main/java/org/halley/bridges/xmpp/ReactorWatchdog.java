package org.halley.bridges.xmpp;

import java.time.Duration;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Smack's shared NIO reactor at its two threads.
 *
 * <p>In Smack 4.4 a connection that closes while one of its callbacks is finishing (a failed TLS
 * handshake, a server that vanishes) can queue an interest change for a selection key it has
 * already dropped; the reactor thread that applies it dies of a {@code NullPointerException}, and
 * nothing starts another. With both gone every reactor connection in the process would stall. So
 * once a second this asks the reactor for two threads again: a no-op (one selector wake-up) while
 * both live, a new thread when one has died.
 *
 * <p>It extends {@link AbstractXMPPConnection} only to reach the reactor, which Smack keeps in a
 * protected field; it is never instantiated.
 */
abstract class ReactorWatchdog extends AbstractXMPPConnection {
    private static final Logger log = LoggerFactory.getLogger(ReactorWatchdog.class);
    static final Duration PERIOD = Duration.ofSeconds(1);

    static {
        Thread.ofVirtual().name("smack-reactor-watchdog").start(() -> {
            while (true) {
                try {
                    Thread.sleep(PERIOD);
                    SMACK_REACTOR.setReactorThreadCount(2);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("could not check Smack's reactor threads", e);
                }
            }
        });
    }

    private ReactorWatchdog(ConnectionConfiguration configuration) {
        super(configuration);
    }

    /** Starts the watchdog (once; thread-safe). */
    static void ensure() {}
}

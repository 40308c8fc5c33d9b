package org.halley.gateway;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * What the process does on signals: SIGTERM (and Ctrl-C, SIGINT) drains and exits within {@code
 * server.drain.deadline}; a second SIGINT exits at once; SIGHUP reloads the config file.
 *
 * <p>Threads: the JVM calls handlers on its {@code Signal Dispatcher} thread, which only starts
 * threads here: {@code halley-drain} runs the drain and the stop, {@code halley-drain-deadline}
 * (a daemon) halts the process if they have not finished by the deadline, {@code halley-reload}
 * reloads.
 */
final class ProcessSignals {
    private static final Logger log = LoggerFactory.getLogger(ProcessSignals.class);

    private final Gateway gateway;
    private final CountDownLatch stopped;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private ProcessSignals(Gateway gateway, CountDownLatch stopped) {
        this.gateway = gateway;
        this.stopped = stopped;
    }

    /** Installs the handlers; {@code stopped} is counted down once the drain and stop are done. */
    static void install(Gateway gateway, CountDownLatch stopped) {
        ProcessSignals s = new ProcessSignals(gateway, stopped);
        handle("TERM", sig -> s.stop("SIGTERM"));
        handle("INT", sig -> {
            if (!s.stop("SIGINT")) {
                log.warn("second SIGINT: exiting now, without waiting for the drain");
                Runtime.getRuntime().halt(130);
            }
        });
        handle("HUP", sig -> Thread.ofPlatform().name("halley-reload").start(() -> gateway.reload("SIGHUP")));
    }

    private static void handle(String name, sun.misc.SignalHandler handler) {
        try {
            Signal.handle(new Signal(name), handler);
        } catch (IllegalArgumentException e) {
            log.warn("cannot handle SIG{} here ({}); it keeps the JVM's default", name, e.getMessage());
        }
    }

    /** Starts the drain; false when one is already under way. */
    private boolean stop(String signal) {
        if (!stopping.compareAndSet(false, true)) {
            return false;
        }
        long deadline = System.nanoTime() + gateway.config().server().drain().deadline().toNanos();
        log.info("{}: draining", signal);
        Thread.ofPlatform().daemon().name("halley-drain-deadline").start(() -> {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
            } catch (InterruptedException e) {
                return;
            }
            log.error("drain deadline passed and Halley has not stopped; exiting now");
            Runtime.getRuntime().halt(0);
        });
        Thread.ofPlatform().name("halley-drain").start(() -> {
            try {
                gateway.drain(deadline);
                gateway.close(Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                log.info("stopped");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("drain failed", e);
            } finally {
                stopped.countDown();
            }
        });
        return true;
    }
}

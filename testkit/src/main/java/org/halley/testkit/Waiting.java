package org.halley.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for something a test cannot be told about, with what was there instead when it fails. */
public final class Waiting {
    private Waiting() {}

    /**
     * Checks {@code condition} every 100 ms until it holds. Past {@code timeout} it fails with an
     * AssertionError naming {@code what} and carrying {@code state}'s answer (a page, logs).
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout + "\n" + state.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

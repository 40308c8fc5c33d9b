package org.halley.testkit;

/** Tearing down what a test started. */
public final class Closing {
    private Closing() {}

    /**
     * Closes each of {@code things} in order, skipping nulls (what a failed set-up never started).
     * Every one is tried; the first failure is thrown at the end with the others suppressed in it.
     */
    public static void all(AutoCloseable... things) throws Exception {
        Exception first = null;
        for (AutoCloseable t : things) {
            if (t == null) {
                continue;
            }
            try {
                t.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

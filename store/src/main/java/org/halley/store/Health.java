package org.halley.store;

/** Whether the database answers; when it does not, why (for the health endpoint and the log). */
public record Health(boolean available, String reason) {
    static final Health UP = new Health(true, "");

    static Health down(String reason) {
        return new Health(false, reason);
    }
}

package org.halley.push;

import org.halley.push.wire.Envelopes;

/**
 * An event encoded once (escaped for script contexts, see {@link Envelopes#safeJson}), to be sent
 * to many sessions without encoding it again for each. Immutable; share freely.
 */
public final class PushEvent {
    final byte[] safeJson;

    private PushEvent(byte[] safeJson) {
        this.safeJson = safeJson;
    }

    /** {@code json} must be one JSON value. Any thread. */
    public static PushEvent of(String json) {
        return new PushEvent(Envelopes.safeJson(json));
    }
}

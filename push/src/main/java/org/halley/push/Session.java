package org.halley.push;

import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.halley.push.wire.ClientMessages.ClientMessage;
import org.halley.push.wire.Envelopes;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser session: its numbered events, the connection carrying them, what the browser has
 * sent. Events from the application are buffered first and then pumped from the buffer to the
 * downstream as far as it accepts, so live delivery, resume after a cut and a slow browser are one
 * mechanism: the downstream is simply behind.
 *
 * <p>Not thread-safe: all state is owned by {@link #shard}'s loop. Methods ending in 0 run only
 * there; the public {@link PushSession} methods hand work over to it and may be called anywhere.
 */
public final class Session implements PushSession {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final Shard shard;
    private final String id;
    private final String token;
    private final ClientInfo client;
    private final String clientKey;
    private final @Nullable String user;
    private final EventBuffer buffer;
    private volatile @Nullable Object attachment;

    // Owned by shard.loop():
    private @Nullable Downstream downstream;
    private long written; // last seq written to downstream
    private long lastClientSeq; // last cseq processed
    private @Nullable ScheduledFuture<?> lingerTimer;
    private boolean closed;

    Session(Shard shard, String id, String token, ClientInfo client, String clientKey, @Nullable String user, EventBuffer buffer) {
        this.shard = shard;
        this.id = id;
        this.token = token;
        this.client = client;
        this.clientKey = clientKey;
        this.user = user;
        this.buffer = buffer;
    }

    @Override
    public String id() {
        return id;
    }

    /** The secret: sent once, to the client that created the session; compared with {@link SessionIds#tokenMatches}. */
    public String token() {
        return token;
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    /** What counts as one client for the per-client session limit. */
    String clientKey() {
        return clientKey;
    }

    @Override
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Shard shard() {
        return shard;
    }

    @Override
    public @Nullable Object attachment() {
        return attachment;
    }

    @Override
    public void attach(@Nullable Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public void send(String json) {
        byte[] safe = Envelopes.safeJson(json); // encode on the caller's thread, not the loop
        shard.execute(() -> publish0(safe));
    }

    @Override
    public void send(PushEvent event) {
        shard.execute(() -> publish0(event.safeJson));
    }

    @Override
    public void close(String reason) {
        shard.execute(() -> close0(reason));
    }

    // ---- shard loop only ----

    public boolean isClosed0() {
        return closed;
    }

    /** Sequence number of the newest event. */
    public long lastSeq0() {
        return buffer.lastSeq();
    }

    /** Last client message processed, for acks. */
    public long lastClientSeq0() {
        return lastClientSeq;
    }

    /** The connection carrying events now, if any. */
    public @Nullable Downstream downstream0() {
        return downstream;
    }

    /**
     * Numbers, buffers and (as far as the downstream accepts) sends one event.
     *
     * @return its sequence number, or -1 when the session has ended
     */
    long publish0(byte[] safeJson) {
        assert shard.inLoop() : Thread.currentThread().getName();
        if (closed) {
            return -1;
        }
        long seq = buffer.lastSeq() + 1;
        buffer.add(Envelopes.event(seq, safeJson));
        shard.counters().eventsPublished.increment();
        Downstream d = downstream;
        if (d != null && written < buffer.firstSeq() - 1) {
            // The browser fell further behind than the buffer reaches: cut it rather than skip
            // events silently. It resumes and is told reset.
            log.debug("session {} downstream behind the buffer; cutting it", id);
            shard.counters().overrunCuts.increment();
            cut0(d, Cut.BEHIND);
            return seq;
        }
        pump0();
        return seq;
    }

    /**
     * Attaches a new downstream (replacing any other), tells it where things stand and sends what
     * it missed since {@code last}. The downstream calls {@link #detach0} when its connection goes.
     */
    public void attach0(Downstream d, long last) {
        assert shard.inLoop() && d.channel().eventLoop() == shard.loop() : Thread.currentThread().getName();
        if (closed) {
            d.close(Cut.SESSION_ENDED, Envelopes.close("closed"));
            return;
        }
        Downstream old = downstream;
        if (old != null) {
            downstream = null;
            old.close(Cut.REPLACED, null);
        }
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
        downstream = d;
        shard.counters().connections.increment();
        d.write(Envelopes.hello(id, d.transport(), buffer.lastSeq(), lastClientSeq, shard.heartbeat().toMillis()));
        boolean gap = !buffer.canResumeFrom(last);
        if (gap) {
            written = buffer.firstSeq() - 1;
            d.write(Envelopes.reset(written));
            shard.counters().resets.increment();
        } else {
            written = last;
        }
        pump0();
        try {
            shard.listener().connected(this, gap);
        } catch (RuntimeException e) {
            log.warn("session {}: application failed on connect", id, e);
        }
    }

    /** The downstream can take more (it became writable again). */
    public void resume0(Downstream d) {
        assert shard.inLoop();
        if (d == downstream) {
            pump0();
        }
    }

    /** The downstream went away (or finished, for a poll); the session lingers for the configured time. */
    public void detach0(Downstream d) {
        assert shard.inLoop();
        if (d != downstream) {
            return;
        }
        downstream = null;
        if (!closed) {
            startLinger0();
        }
    }

    /** Detaches {@code d} and ends its connection; the browser may resume (unless the session ended). */
    public void cut0(Downstream d, Cut cut) {
        assert shard.inLoop();
        detach0(d);
        d.close(cut, null);
    }

    void startLinger0() {
        Duration linger = shard.linger();
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
        }
        lingerTimer = shard.loop().schedule(() -> {
            lingerTimer = null;
            if (downstream == null) {
                close0("expired");
            }
        }, linger.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Messages from the browser, in order; those already processed (resent after a cut) are skipped. */
    public void received0(Iterable<ClientMessage> messages) {
        assert shard.inLoop();
        if (closed) {
            return;
        }
        for (ClientMessage m : messages) {
            if (m.cseq() <= lastClientSeq) {
                continue;
            }
            lastClientSeq = m.cseq();
            try {
                shard.listener().message(this, m.data());
            } catch (RuntimeException e) {
                log.warn("session {}: application failed on a message", id, e);
            }
        }
    }

    /** Sends an ack for the browser's messages on {@code d}, if it is this session's downstream. */
    public void ack0(Downstream d) {
        assert shard.inLoop();
        if (d == downstream) {
            d.write(Envelopes.ack(lastClientSeq));
            d.flush();
        }
    }

    /** Writes a heartbeat on {@code d} if it is still this session's downstream. */
    public void heartbeat0(Downstream d) {
        assert shard.inLoop();
        if (d == downstream && d.acceptsMore()) {
            d.write(Envelopes.HEARTBEAT);
            d.flush();
        }
    }

    public void close0(String reason) {
        assert shard.inLoop();
        if (closed) {
            return;
        }
        closed = true;
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
        Downstream d = downstream;
        if (d != null) {
            downstream = null;
            d.close(Cut.SESSION_ENDED, Envelopes.close(reason));
        }
        shard.remove0(this, reason);
    }

    private void pump0() {
        Downstream d = downstream;
        if (d == null) {
            return;
        }
        long last = buffer.lastSeq();
        while (written < last && d.acceptsMore()) {
            d.write(buffer.get(++written));
        }
        d.flush();
    }

    @Override
    public String toString() {
        return "Session[" + id + "]";
    }
}

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
    private final long createdMillis = System.currentTimeMillis();
    private volatile @Nullable Object attachment;

    // Owned by shard.loop():
    private @Nullable Downstream downstream;
    private long written; // last seq written to downstream
    private long lastClientSeq; // last cseq processed
    private @Nullable ScheduledFuture<?> lingerTimer;
    private @Nullable LatencyStamps stamps; // only while events wait for a full socket or the next poll
    private boolean comingBack; // detached by design (a poll answered, a stream recycled): back at once
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
    public void send(String json, long arrivedNanos) {
        byte[] safe = Envelopes.safeJson(json);
        shard.execute(() -> publish0(safe, arrivedNanos));
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
        return publish0(safeJson, 0);
    }

    /**
     * As {@link #publish0(byte[])}; when {@code arrivedNanos} is not 0, the time from then until the
     * event is written to the browser's connection goes into the shard's latency histogram (now, or
     * once a full socket takes it; not when it waits for the browser to reconnect).
     */
    long publish0(byte[] safeJson, long arrivedNanos) {
        assert shard.inLoop() : Thread.currentThread().getName();
        if (closed) {
            return -1;
        }
        // The buffer holds the event's own bytes, which a room's sessions share (PushServer.send):
        // one array per event, not per recipient. The envelope with this session's number is made
        // when it is written and is garbage at once.
        long seq = buffer.lastSeq() + 1;
        buffer.add(safeJson);
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
        if (arrivedNanos != 0 && (downstream != null || comingBack)) {
            if (written >= seq) {
                shard.stats().latency0(System.nanoTime() - arrivedNanos);
            } else {
                if (stamps == null) {
                    stamps = new LatencyStamps();
                }
                stamps.put(seq, arrivedNanos);
            }
        }
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
            release0(old);
            old.close(Cut.REPLACED, Envelopes.replaced());
        }
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
        boolean routine = comingBack; // the next poll, a recycled stream: not a resume
        downstream = d;
        comingBack = false;
        shard.counters().connections.increment();
        shard.stats().attached0(d.transport());
        d.write(Envelopes.hello(id, d.transport(), buffer.lastSeq(), lastClientSeq, shard.heartbeat().toMillis()));
        boolean gap = !buffer.canResumeFrom(last);
        if (gap) {
            written = buffer.firstSeq() - 1;
            d.write(Envelopes.reset(written));
            shard.counters().resets.increment();
        } else {
            written = last;
            if (last > 0 && !routine) {
                shard.stats().resumed0();
            }
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

    /** The downstream went away; the session lingers for the configured time. */
    public void detach0(Downstream d) {
        detach0(d, false);
    }

    /**
     * The downstream went away; the session lingers for the configured time. {@code byDesign}: it
     * ended itself (a poll answered, a stream at its size limit) and the client is back at once, so
     * events meanwhile are still measured for latency.
     */
    public void detach0(Downstream d, boolean byDesign) {
        assert shard.inLoop();
        if (d != downstream) {
            return;
        }
        LatencyStamps keep = stamps;
        release0(d);
        if (byDesign) {
            stamps = keep;
            comingBack = true;
        }
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

    /**
     * Messages from the browser, in order; those already processed (resent after a cut) are skipped.
     * {@code wireBytes} is the size of the frame or body that carried them.
     */
    public void received0(Iterable<ClientMessage> messages, int wireBytes) {
        assert shard.inLoop();
        if (closed) {
            return;
        }
        shard.stats().bytesIn0(wireBytes);
        for (ClientMessage m : messages) {
            if (m.cseq() <= lastClientSeq) {
                continue;
            }
            lastClientSeq = m.cseq();
            shard.stats().messageIn0();
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
        if (end0(Cut.SESSION_ENDED, Envelopes.close(reason))) {
            shard.remove0(this, reason);
        }
    }

    /**
     * Ends the session because this server is going away (a drain): the browser gets {@code
     * going-away} (make a new session: a planned move, not a loss), then its connection ends
     * (WebSocket 1001, or its stream or poll ends). A client that does not know {@code going-away}
     * reconnects, is told 410 (4410: the session went away) and makes a new one all the same,
     * which the load balancer places on another node. The application hears {@code closed} with
     * {@code going-away}.
     */
    void goAway0() {
        if (end0(Cut.GOING_AWAY, Envelopes.goingAway())) {
            shard.stats().goneAway0();
            shard.rememberWentAway0(this);
            shard.remove0(this, GOING_AWAY);
        }
    }

    /**
     * Marks the session closed, stops its linger timer and cuts its downstream with {@code cut},
     * sending {@code farewell} first if there is one. False if it was already closed.
     */
    private boolean end0(Cut cut, byte[] farewell) {
        assert shard.inLoop();
        if (closed) {
            return false;
        }
        closed = true;
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
        Downstream d = downstream;
        if (d != null) {
            release0(d);
            d.close(cut, farewell);
        }
        return true;
    }

    /** The reason the application hears when a drain ends a session. */
    public static final String GOING_AWAY = "going-away";

    /** The current downstream goes: counted, and latency stamps of what it never took are dropped. */
    private void release0(Downstream d) {
        downstream = null;
        stamps = null;
        comingBack = false;
        shard.stats().detached0(d.transport());
    }

    /** What an operator sees of this session (admin listing). */
    SessionSummary summary0() {
        assert shard.inLoop();
        Downstream d = downstream;
        return new SessionSummary(id, user, d == null ? "" : d.transport(), createdMillis, buffer.size(), buffer.bytes(),
                buffer.lastSeq(), written, attachment);
    }

    private void pump0() {
        Downstream d = downstream;
        if (d == null) {
            return;
        }
        long last = buffer.lastSeq();
        ShardStats stats = shard.stats();
        long now = 0;
        while (written < last && d.acceptsMore()) {
            written++;
            byte[] envelope = Envelopes.event(written, buffer.get(written));
            d.write(envelope);
            stats.eventOut0(envelope.length);
            if (stamps != null) {
                long arrived = stamps.take(written);
                if (arrived != 0) {
                    now = now == 0 ? System.nanoTime() : now;
                    stats.latency0(now - arrived);
                }
                if (stamps.isEmpty()) {
                    stamps = null;
                }
            }
        }
        d.flush();
    }

    @Override
    public String toString() {
        return "Session[" + id + "]";
    }
}

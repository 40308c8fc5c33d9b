package org.halley.bridges.xmpp;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEventSink;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.DisconnectReason;
import org.halley.config.XmppBridgeConfig;
import org.halley.config.XmppLogin;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.OrFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterListener;
import org.jivesoftware.smack.roster.RosterLoadedListener;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MUCAffiliation;
import org.jivesoftware.smackx.muc.MUCRole;
import org.jivesoftware.smackx.muc.packet.MUCAdmin;
import org.jivesoftware.smackx.muc.packet.MUCInitialPresence;
import org.jivesoftware.smackx.muc.packet.MUCItem;
import org.jivesoftware.smackx.muc.packet.MUCOwner;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One person's XMPP connection: log-in, rooms, one-to-one chat, roster and presence, and
 * reconnection.
 *
 * <p>Threads (see docs/threading.md):
 * <ul>
 *   <li>Smack's own threads read the socket and parse (the reactor, or this connection's reader
 *       thread) and run its listeners. The one listener Halley installs only hands the stanza to
 *       {@link #events} and returns: Smack is never kept waiting by Halley.
 *   <li>{@link #events}, a sequential executor on virtual threads, is the event lane: it alone
 *       owns {@link #mapper}, and every {@link ChatEvent} of this connection reaches the sink from
 *       it, one at a time, in the order the server sent the stanzas.
 *   <li>{@link #outbound}, another sequential executor, sends the stanzas of commands in order.
 *   <li>The lifecycle thread (virtual, {@code xmpp-<network>-<nick>}) connects, logs in, pings
 *       a silent link, waits for the link to end, and reconnects with backoff and jitter.
 * </ul>
 * Callers of {@link #send} only validate and queue. Shared state is volatile or concurrent.
 */
final class XmppConnection implements BridgeConnection {
    private static final Logger log = LoggerFactory.getLogger(XmppConnection.class);
    static final long FIRST_RETRY_MILLIS = 1_000;
    static final long MAX_RETRY_MILLIS = 60_000;
    private static final Object CLOSE = new Object();

    /** A room the person wants to be in: joined on connect, and again after a new login. */
    record RoomWant(Resourcepart nick, String password) {
        @Override
        public String toString() {
            return "RoomWant[nick=" + nick + ", password=" + (password.isEmpty() ? "" : "***") + "]";
        }
    }

    private final XmppBridge bridge;
    private final XmppBridgeConfig config;
    private final XmppBridge.Credentials credentials;
    private final ChatEventSink sink;
    private final Executor events;
    private final Executor outbound;
    private final Runnable onEnd;
    private final StanzaMapper mapper;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean pinging = new AtomicBoolean();
    private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>();
    private final Map<EntityBareJid, RoomWant> wanted = new ConcurrentHashMap<>();
    /** When the last live message arrived in each room: a rejoin asks only for what came after. */
    private final Map<EntityBareJid, Instant> lastSeen = new ConcurrentHashMap<>();

    private volatile AbstractXMPPConnection connection;
    private volatile boolean online;
    private volatile EntityBareJid self;
    private volatile Resourcepart nick;
    private volatile Presence.Mode mode = Presence.Mode.available;
    private volatile String statusMessage = "";
    private volatile String quitReason = "";
    /** Why the link is down while Halley retries (told once per outage), or null. */
    private volatile DisconnectReason lost;
    /** When the next connection attempt starts (epoch ms), while {@link #lost} is set. */
    private volatile long retryAt;
    /** Connection attempts made, for tests. */
    private final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

    // Event lane only:
    private final Map<EntityBareJid, Integer> fallbackTried = new java.util.HashMap<>();
    private final Map<EntityBareJid, Integer> lockedTries = new java.util.HashMap<>();
    static final int LOCKED_RETRIES = 4;
    static final long LOCKED_FIRST_RETRY_MILLIS = 250;

    XmppConnection(XmppBridge bridge, XmppBridge.Credentials credentials, Resourcepart nick, List<EntityBareJid> rooms,
            ChatEventSink sink, Executor events, Executor outbound, Runnable onEnd) {
        this.bridge = bridge;
        this.config = bridge.config();
        this.credentials = credentials;
        this.nick = nick;
        this.sink = sink;
        this.events = events;
        this.outbound = outbound;
        this.onEnd = onEnd;
        this.self = credentials.account();
        rooms.forEach(r -> wanted.put(r, new RoomWant(nick, "")));
        this.mapper = new StanzaMapper(this::deliver, new MapperActions(), Clock.systemUTC());
    }

    void start() {
        retryAt = System.currentTimeMillis();
        emit(new ChatEvent.Connecting(Instant.now(), config.domain(), 0));
        Thread.ofVirtual().name("xmpp-" + config.name() + "-" + nick).start(this::run);
    }

    // ---- lifecycle (its own virtual thread) ----

    private void run() {
        int failures = 0;
        DisconnectReason end = null;
        AbstractXMPPConnection c = null;
        try {
            while (!closed.get()) {
                wake.clear();
                boolean resumed = false;
                attempts.incrementAndGet();
                try {
                    if (c instanceof XMPPTCPConnection tcp && tcp.isDisconnectedButSmResumptionPossible()) {
                        connection = tcp;
                        tcp.connect();
                        tcp.login();
                        resumed = tcp.streamWasResumed();
                    } else {
                        c = open();
                        connection = c;
                        c.connect();
                        c.login();
                    }
                } catch (SASLErrorException e) {
                    log.info("XMPP login to {} refused: {}", config.name(), e.getSASLFailure().getSASLErrorString());
                    end = DisconnectReason.of(DisconnectReason.AUTH_FAILED);
                    problem(credentials.account() == null ? "not-allowed" : "bad-password", credentials.account() == null ? "" : "password",
                            credentials.account() == null ? "the server refused anonymous login" : "wrong address or password", "");
                    break;
                } catch (SmackException.SmackSaslException e) {
                    log.info("XMPP login to {} impossible: {}", config.name(), DisconnectReason.oneLine(e));
                    end = DisconnectReason.of(DisconnectReason.AUTH_UNSUPPORTED);
                    problem("not-supported", "", "the server offers no login method this gateway may use ("
                            + (credentials.account() == null ? "ANONYMOUS" : String.join(", ", config.tls() ? XmppBridge.MECHANISMS_TLS : XmppBridge.MECHANISMS_PLAIN_TEXT)) + ")", "");
                    break;
                } catch (InterruptedException e) {
                    break;
                } catch (Exception e) {
                    if (closed.get()) {
                        break;
                    }
                    if (cause(e, SmackException.SecurityRequiredByClientException.class) != null) {
                        log.info("XMPP server {} offers no STARTTLS; not connecting in plain text", config.name());
                        end = DisconnectReason.of(DisconnectReason.TLS_REQUIRED);
                        problem("tls-required", "", "the server does not offer TLS (STARTTLS), which this gateway requires; nothing was sent in plain text", "");
                        break;
                    }
                    DisconnectReason why = reason(e);
                    if (c != null) {
                        c.instantShutdown();
                    }
                    if (why.code().equals(DisconnectReason.TLS_FAILED)) { // Smack may wrap it, depending on the thread that met it
                        log.info("XMPP TLS to {} failed: {}", config.name(), DisconnectReason.oneLine(e));
                        log.debug("XMPP TLS to {} failed", config.name(), e);
                        end = why;
                        problem("tls-failed", "", "the server's certificate is not trusted or does not name " + config.domain(), "");
                        break;
                    }
                    long delay = backoff(++failures);
                    if (failures == 1) { // the operator hears why once per outage; each later attempt at debug
                        log.info("XMPP connection to {} failed: {}; retrying in {} ms", config.name(), DisconnectReason.oneLine(e), delay);
                    } else {
                        log.debug("XMPP connection to {} failed again ({} attempts): {}; retrying in {} ms", config.name(), failures,
                                DisconnectReason.oneLine(e), delay);
                    }
                    log.debug("XMPP connection to {} failed", config.name(), e);
                    down(why, delay);
                    if (sleep(delay)) {
                        break;
                    }
                    continue;
                }
                failures = 0;
                self = c.getUser().asEntityBareJid();
                online = true;
                lost = null;
                afterLogin(c, resumed);
                Object why;
                while ((why = wake.poll(config.pingInterval().toMillis(), TimeUnit.MILLISECONDS)) == null) {
                    keepAlive(c);
                }
                online = false;
                if (why == CLOSE || closed.get()) {
                    break;
                }
                if (c.isConnected()) {
                    c.instantShutdown(); // a failed ping: the socket may linger; XEP-0198 state is kept
                }
                long delay = backoff(1);
                Exception e = (Exception) why;
                log.info("XMPP connection to {} lost: {}; reconnecting in {} ms", config.name(), DisconnectReason.oneLine(e), delay);
                log.debug("XMPP connection to {} lost", config.name(), e);
                down(reason(e), delay);
                if (sleep(delay)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            online = false;
            AbstractXMPPConnection last = connection;
            if (last != null && last.isConnected()) {
                try {
                    Presence bye = last.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable)
                            .setStatus(quitReason.isEmpty() ? null : quitReason).build();
                    last.disconnect(bye);
                } catch (Exception e) {
                    log.debug("clean disconnect failed on {}", config.name(), e);
                    last.instantShutdown();
                }
            }
            DisconnectReason reason = end != null ? end : new DisconnectReason(DisconnectReason.QUIT, quitReason);
            lost = null;
            emit(new ChatEvent.Disconnected(Instant.now(), reason, 0));
            events.execute(onEnd);
        }
    }

    /**
     * On the lifecycle thread: the link is down and Halley retries in {@code delay} ms. The first
     * time since the last log-in the person is told (once per outage, not per failed attempt);
     * later failures only move the time of the next attempt, which {@link #refresh} reports.
     */
    private void down(DisconnectReason why, long delay) {
        retryAt = System.currentTimeMillis() + delay;
        if (lost == null) {
            lost = why;
            emit(new ChatEvent.Disconnected(Instant.now(), why, delay));
        }
    }

    /**
     * What a Smack exception means for the person: a stream error's own text where the server
     * gave one, else the class of failure ({@link DisconnectReason#of(Throwable)}); never the
     * exception's message (it may hold the server's internal address and line breaks).
     */
    static DisconnectReason reason(Throwable e) {
        if (cause(e, XMPPException.StreamErrorException.class) instanceof XMPPException.StreamErrorException s) {
            StreamError error = s.getStreamError();
            return new DisconnectReason(DisconnectReason.SERVER_CLOSED, error.getDescriptiveText());
        }
        if (cause(e, SmackException.NoResponseException.class) != null) {
            return DisconnectReason.of(DisconnectReason.TIMED_OUT);
        }
        if (cause(e, SmackException.EndpointConnectionException.class) instanceof SmackException.EndpointConnectionException x) {
            // Smack keeps each address's failure in lists, not as the cause.
            for (var failure : x.getConnectionExceptions()) {
                String code = DisconnectReason.code(failure.getException());
                if (!code.equals(DisconnectReason.CONNECTION_LOST)) {
                    return DisconnectReason.of(code);
                }
            }
            return DisconnectReason.of(x.getConnectionExceptions().isEmpty() ? DisconnectReason.SERVER_NOT_FOUND : DisconnectReason.SERVER_UNREACHABLE);
        }
        if (cause(e, SmackException.ConnectionException.class) != null) {
            return DisconnectReason.of(DisconnectReason.SERVER_UNREACHABLE);
        }
        return DisconnectReason.of(e);
    }

    /**
     * On the lifecycle thread, once per ping interval: a link silent that long gets an XMPP ping
     * (XEP-0199), and no answer within {@link #pingTimeout} counts as a lost link. Smack's own
     * periodic ping waits at least two minutes for its answer, so Halley pings by itself (Smack
     * still answers the server's pings).
     */
    private void keepAlive(AbstractXMPPConnection c) {
        long silent = System.currentTimeMillis() - c.getLastStanzaReceived();
        if (silent < config.pingInterval().toMillis() || !pinging.compareAndSet(false, true)) {
            return;
        }
        long timeout = pingTimeout().toMillis();
        PingManager.getInstanceFor(c).pingAsync(c.getXMPPServiceDomain(), timeout)
                .onSuccess(pong -> pinging.set(false))
                .onError(e -> {
                    pinging.set(false);
                    if (connection == c && online) {
                        wake.offer(new TimeoutException("no answer to an XMPP ping within " + timeout / 1000 + " s"));
                    }
                });
    }

    /** How long a ping may wait: the ping interval, at most 30 s. */
    java.time.Duration pingTimeout() {
        java.time.Duration max = java.time.Duration.ofSeconds(30);
        return config.pingInterval().compareTo(max) < 0 ? config.pingInterval() : max;
    }

    /** Waits {@code millis} unless closed meanwhile; true when closed. */
    private boolean sleep(long millis) throws InterruptedException {
        Object o = wake.poll(millis, TimeUnit.MILLISECONDS);
        return o == CLOSE || closed.get();
    }

    /** Exponential backoff from 1 s to 60 s, with full jitter over its upper half (no thundering herd after a restart). */
    static long backoff(int failures) {
        long ceiling = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures - 1, 16));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private AbstractXMPPConnection open() throws Exception {
        AbstractXMPPConnection c = bridge.newConnection(credentials);
        StanzaListener hand = stanza -> events.execute(() -> onStanza(stanza)); // never blocks Smack's thread
        c.addSyncStanzaListener(hand, new OrFilter(StanzaTypeFilter.MESSAGE, StanzaTypeFilter.PRESENCE));
        c.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                if (connection == c) {
                    wake.offer(e);
                }
            }
        });
        PingManager.getInstanceFor(c).setPingInterval(0); // answers the server's pings; keepAlive() sends ours
        if (config.login() == XmppLogin.ACCOUNT) {
            roster(c);
        }
        return c;
    }

    private void roster(AbstractXMPPConnection c) {
        Roster roster = Roster.getInstanceFor(c);
        roster.setSubscriptionMode(Roster.SubscriptionMode.manual);
        roster.addRosterLoadedListener(new RosterLoadedListener() {
            @Override
            public void onRosterLoaded(Roster r) {
                events.execute(() -> emitRoster(r));
            }

            @Override
            public void onRosterLoadingFailed(Exception e) {
                log.info("XMPP roster of a person on {} not loaded: {}", config.name(), DisconnectReason.oneLine(e));
                events.execute(() -> deliver(new ChatEvent.Problem(Instant.now(), "roster-failed", "", "", "")));
            }
        });
        roster.addRosterListener(new RosterListener() {
            @Override
            public void entriesAdded(java.util.Collection<Jid> addresses) {
                events.execute(() -> emitRoster(roster));
            }

            @Override
            public void entriesUpdated(java.util.Collection<Jid> addresses) {
                events.execute(() -> emitRoster(roster));
            }

            @Override
            public void entriesDeleted(java.util.Collection<Jid> addresses) {
                events.execute(() -> emitRoster(roster));
            }

            @Override
            public void presenceChanged(Presence presence) {
                // mapped from the stanza itself, in order with everything else
            }
        });
    }

    /** On the event lane. */
    private void emitRoster(Roster roster) {
        List<ChatEvent.Contact> contacts = new java.util.ArrayList<>();
        for (RosterEntry e : roster.getEntries()) {
            Presence p = roster.getPresence(e.getJid());
            contacts.add(new ChatEvent.Contact(e.getJid().toString(), e.getName() == null ? "" : e.getName(),
                    StanzaMapper.status(p), p.getStatus() == null ? "" : p.getStatus()));
        }
        contacts.sort((a, b) -> a.address().compareTo(b.address()));
        deliver(new ChatEvent.Roster(Instant.now(), contacts));
    }

    private void afterLogin(AbstractXMPPConnection c, boolean resumed) {
        ChatEvent connected = ChatEvent.Connected.xmpp(Instant.now(), nick.toString(), config.domain(), self.toString());
        if (resumed) {
            emit(connected);
            return; // XEP-0198: the server kept our rooms and presence
        }
        events.execute(() -> {
            mapper.reset();
            fallbackTried.clear();
            lockedTries.clear();
        });
        outbound.execute(() -> {
            // Available first, then "connected": until the server has our presence, messages to
            // the bare address (invitations, chats) would be dropped as if we were offline.
            if (sendNow(c, presence(c, null))) {
                try {
                    PingManager.getInstanceFor(c).pingMyServer(false); // a round trip: the server has our presence now
                } catch (SmackException.NotConnectedException e) {
                    return; // lost already: the lifecycle thread reports it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            emit(connected);
            wanted.forEach((room, want) -> sendJoin(c, room, want, lastSeen.get(room)));
        });
    }

    // ---- Smack's threads hand over here; the event lane runs the rest ----

    /** On the event lane. */
    private void onStanza(Stanza stanza) {
        if (stanza instanceof Message m && m.getType() == Message.Type.groupchat && m.getBody() != null
                && m.getFrom() != null && DelayInformation.from(m) == null) {
            EntityBareJid room = m.getFrom().asEntityBareJidIfPossible();
            if (room != null && wanted.containsKey(room)) {
                lastSeen.put(room, Instant.now());
            }
        }
        try {
            mapper.accept(stanza);
        } catch (RuntimeException e) {
            log.warn("could not map a stanza on {}: {}", config.name(), stanza, e);
        }
    }

    /**
     * Says where the connection stands, on the event lane (so in order with everything else):
     * {@code Connected} (or {@code Connecting} while it is not logged in), then for each room the
     * person is in {@code Joined} (self), {@code Members} and the subject, from the mapper's own
     * state, then the roster with each contact's presence, and the person's own presence when it
     * is not "available". Nothing is asked of the server.
     */
    @Override
    public void refresh() {
        events.execute(() -> {
            if (closed.get()) {
                return;
            }
            AbstractXMPPConnection c = connection;
            if (!online || c == null) {
                DisconnectReason why = lost;
                deliver(why == null ? new ChatEvent.Connecting(Instant.now(), config.domain(), 0)
                        : new ChatEvent.Disconnected(Instant.now(), why, Math.max(1, retryAt - System.currentTimeMillis())));
                return;
            }
            deliver(ChatEvent.Connected.xmpp(Instant.now(), nick.toString(), config.domain(), self.toString()));
            mapper.describe();
            if (config.login() == XmppLogin.ACCOUNT) {
                Roster roster = Roster.getInstanceFor(c);
                if (roster.isLoaded()) {
                    emitRoster(roster);
                }
            }
            if (mode != Presence.Mode.available) {
                String status = mode == Presence.Mode.chat ? "available" : mode.name();
                deliver(new ChatEvent.Presence(Instant.now(), String.valueOf(self), status, statusMessage, true));
            }
        });
    }

    /** On the event lane: hand one event to the gateway. */
    private void deliver(ChatEvent e) {
        try {
            sink.accept(e);
        } catch (RuntimeException ex) {
            log.warn("event sink failed on {}", e.getClass().getSimpleName(), ex);
        }
    }

    /** From any thread: queue an event behind those already queued. */
    private void emit(ChatEvent e) {
        events.execute(() -> deliver(e));
    }

    private void problem(String code, String field, String message, String conversation) {
        emit(new ChatEvent.Problem(Instant.now(), code, field, message, conversation));
    }

    /** What the mapper asks; called on the event lane. */
    private final class MapperActions implements StanzaMapper.Actions {
        @Override
        public EntityBareJid self() {
            return self;
        }

        @Override
        public Resourcepart fallbackNick(EntityBareJid room, Resourcepart taken) {
            List<String> templates = config.nick().fallbacks();
            int i = fallbackTried.getOrDefault(room, 0);
            RoomWant want = wanted.get(room);
            while (want != null && i < templates.size()) {
                String next = NickTemplates.expand(templates.get(i++), nick.toString(), config.nick().maxLength());
                fallbackTried.put(room, i);
                try {
                    return XmppArgs.nick("nick", next, config.nick().maxLength());
                } catch (CommandRejectedException e) {
                    // a template that makes no valid nickname from this one: try the next
                }
            }
            return null;
        }

        @Override
        public void rejoin(EntityBareJid room, Resourcepart nick) {
            RoomWant want = wanted.computeIfPresent(room, (k, w) -> new RoomWant(nick, w.password()));
            AbstractXMPPConnection c = connection;
            if (want != null && online) {
                outbound.execute(() -> sendJoin(c, room, want, null));
            }
        }

        @Override
        public void makeInstant(EntityBareJid room) {
            AbstractXMPPConnection c = connection;
            MUCOwner iq = new MUCOwner();
            iq.setType(IQ.Type.set);
            iq.setTo(room);
            iq.addExtension(DataForm.builder(DataForm.Type.submit).build());
            outbound.execute(() -> request(c, iq, room.toString(), "could not open the new room " + room));
        }

        @Override
        public boolean retryLocked(EntityBareJid room, Resourcepart nick) {
            int tries = lockedTries.merge(room, 1, Integer::sum);
            RoomWant want = wanted.get(room);
            AbstractXMPPConnection c = connection;
            if (tries > LOCKED_RETRIES || want == null || !online) {
                return false;
            }
            long delay = (LOCKED_FIRST_RETRY_MILLIS << (tries - 1)) + ThreadLocalRandom.current().nextLong(LOCKED_FIRST_RETRY_MILLIS);
            java.util.concurrent.CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, outbound).execute(() -> {
                if (connection == c && online && wanted.get(room) == want) {
                    sendJoin(c, room, want, null);
                }
            });
            return true;
        }

        @Override
        public void joined(EntityBareJid room) {
            lockedTries.remove(room);
            fallbackTried.remove(room);
        }

        @Override
        public void roomGone(EntityBareJid room) {
            wanted.remove(room);
            lastSeen.remove(room);
            fallbackTried.remove(room);
            lockedTries.remove(room);
        }

        @Override
        public void nickChanged(EntityBareJid room, Resourcepart nick) {
            wanted.computeIfPresent(room, (k, w) -> new RoomWant(nick, w.password()));
        }
    }

    // ---- commands (any thread validates; the outbound lane sends) ----

    @Override
    public void send(ChatCommand command) throws CommandRejectedException {
        if (closed.get()) {
            throw new CommandRejectedException("not-connected", "", "this connection has ended");
        }
        switch (command) {
            case ChatCommand.Join j -> {
                EntityBareJid room = XmppArgs.room("channel", j.channel(), bridge.config()); // room patterns as they are now
                String password = XmppArgs.password("key", j.key());
                RoomWant want = new RoomWant(nick, password);
                wanted.put(room, want);
                if (online) {
                    AbstractXMPPConnection c = connection;
                    events.execute(() -> fallbackTried.remove(room));
                    outbound.execute(() -> sendJoin(c, room, want, null));
                }
            }
            case ChatCommand.Part p -> {
                EntityBareJid room = leavableRoom("channel", p.channel());
                String reason = XmppArgs.reason("reason", p.reason(), XmppArgs.MAX_REASON_BYTES);
                RoomWant want = wanted.remove(room);
                AbstractXMPPConnection c = requireOnline();
                outbound.execute(() -> sendNow(c, c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable)
                        .to(JidCreate.entityFullFrom(room, want.nick())).setStatus(reason.isEmpty() ? null : reason).build()));
            }
            case ChatCommand.Say s -> say(s.target(), s.text(), false);
            case ChatCommand.Act a -> say(a.target(), a.text(), true);
            case ChatCommand.SetTopic t -> {
                EntityBareJid room = joinedRoom("channel", t.channel());
                String subject = XmppArgs.reason("topic", t.topic(), XmppArgs.MAX_TEXT_BYTES);
                AbstractXMPPConnection c = requireOnline();
                outbound.execute(() -> sendNow(c, c.getStanzaFactory().buildMessageStanza().ofType(Message.Type.groupchat)
                        .to(room).setSubject(subject).build()));
            }
            case ChatCommand.SetPresence p -> setPresence(p);
            case ChatCommand.ChangeNick n -> {
                Resourcepart newNick = XmppArgs.nick("nick", n.nick(), config.nick().maxLength());
                AbstractXMPPConnection c = requireOnline();
                Resourcepart old = nick;
                nick = newNick;
                if (wanted.isEmpty()) {
                    emit(new ChatEvent.NickChanged(Instant.now(), old.toString(), newNick.toString(), true));
                }
                wanted.forEach((room, want) -> outbound.execute(() -> sendNow(c, presence(c, JidCreate.entityFullFrom(room, newNick)))));
            }
            case ChatCommand.Kick k -> {
                EntityBareJid room = joinedRoom("channel", k.channel());
                Resourcepart who = XmppArgs.nick("nick", k.nick(), 1023);
                String reason = XmppArgs.reason("reason", k.reason(), XmppArgs.MAX_REASON_BYTES);
                AbstractXMPPConnection c = requireOnline();
                MUCAdmin iq = admin(room, new MUCItem(MUCRole.none, who, reason.isEmpty() ? null : reason));
                outbound.execute(() -> request(c, iq, room.toString(), "could not kick " + who + " from " + room));
            }
            case ChatCommand.Ban b -> {
                EntityBareJid room = joinedRoom("channel", b.channel());
                String reason = XmppArgs.reason("reason", b.reason(), XmppArgs.MAX_REASON_BYTES);
                AbstractXMPPConnection c = requireOnline();
                if (b.who().indexOf('@') >= 0) {
                    EntityBareJid jid = XmppArgs.jid("who", b.who());
                    ban(c, room, jid, reason);
                } else {
                    Resourcepart who = XmppArgs.nick("who", b.who(), 1023);
                    events.execute(() -> { // the occupant's address is known to the event lane only
                        String real = mapper.realJid(room, who.toString());
                        if (real == null) {
                            deliver(new ChatEvent.Problem(Instant.now(), "no-such-nick", "who", room + " does not show " + who
                                    + "'s address; ban by address (alice@example.org)", room.toString()));
                            return;
                        }
                        ban(c, room, JidCreate.entityBareFromOrThrowUnchecked(real), reason);
                    });
                }
            }
            case ChatCommand.Unban u -> {
                EntityBareJid room = joinedRoom("channel", u.channel());
                EntityBareJid jid = XmppArgs.jid("who", u.who());
                AbstractXMPPConnection c = requireOnline();
                MUCAdmin iq = admin(room, new MUCItem(MUCAffiliation.none, jid));
                outbound.execute(() -> request(c, iq, room.toString(), "could not unban " + jid + " in " + room));
            }
            case ChatCommand.Invite i -> {
                EntityBareJid room = joinedRoom("channel", i.channel());
                EntityBareJid jid = XmppArgs.jid("nick", i.nick());
                AbstractXMPPConnection c = requireOnline();
                MUCUser invite = new MUCUser();
                invite.setInvite(new MUCUser.Invite(null, jid));
                outbound.execute(() -> sendNow(c, c.getStanzaFactory().buildMessageStanza().to(room).addExtension(invite).build()));
            }
            case ChatCommand.Quit q -> close(XmppArgs.reason("reason", q.reason(), XmppArgs.MAX_REASON_BYTES));
            case ChatCommand.Notice x -> throw notSupported("notice", "XMPP has no notices; send a message");
            case ChatCommand.Whois x -> throw notSupported("whois", "XMPP has no WHOIS; the member list shows roles and affiliations");
            case ChatCommand.SetMode x -> throw notSupported("mode", "modes are IRC's; XMPP rooms use roles and affiliations (kick, ban)");
        }
    }

    private static CommandRejectedException notSupported(String what, String why) {
        return new CommandRejectedException("not-supported", "op", what + " is not supported on XMPP: " + why);
    }

    private void say(String rawTarget, String rawText, boolean action) throws CommandRejectedException {
        String text = XmppArgs.text("text", rawText);
        String body = action ? "/me " + text : text;
        Jid target;
        Message.Type type;
        if (rawTarget != null && rawTarget.indexOf('@') < 0 && rawTarget.indexOf('/') < 0) {
            target = joinedRoom("target", rawTarget); // a bare name is a room
            type = Message.Type.groupchat;
        } else {
            target = XmppArgs.target("target", rawTarget);
            EntityBareJid bare = target.asEntityBareJidIfPossible();
            boolean inRoom = bare != null && (wanted.containsKey(bare) || bare.asDomainBareJid().toString().equalsIgnoreCase(config.mucService()));
            boolean room = inRoom && !target.hasResource();
            if (inRoom) { // the room itself, or one of its occupants (the room relays a private message): the policy holds
                joinedRoom("target", bare.toString());
            }
            type = room ? Message.Type.groupchat : Message.Type.chat;
        }
        AbstractXMPPConnection c = requireOnline();
        Jid to = target;
        Message.Type t = type;
        outbound.execute(() -> {
            if (sendNow(c, c.getStanzaFactory().buildMessageStanza().ofType(t).to(to).setBody(body).build()) && t == Message.Type.chat) {
                // One-to-one messages are not echoed (no carbons): confirm them as sent. Rooms echo their own.
                String conversation = to.hasResource() ? to.toString() : to.asBareJid().toString();
                String from = to.hasResource() ? ownNickIn(to.asEntityBareJidIfPossible()) : String.valueOf(self);
                emit(new ChatEvent.Message(Instant.now(), conversation, from, text,
                        action ? ChatEvent.Kind.ACTION : ChatEvent.Kind.MESSAGE, true));
            }
        });
    }

    private String ownNickIn(EntityBareJid room) {
        RoomWant want = room == null ? null : wanted.get(room);
        return want == null ? nick.toString() : want.nick().toString();
    }

    private void setPresence(ChatCommand.SetPresence p) throws CommandRejectedException {
        Presence.Mode m = switch (p.status()) {
            case "available" -> Presence.Mode.available;
            case "away" -> Presence.Mode.away;
            case "dnd" -> Presence.Mode.dnd;
            case "xa" -> Presence.Mode.xa;
            default -> throw new CommandRejectedException("status", "must be one of available, away, dnd, xa");
        };
        String message = XmppArgs.reason("message", p.message(), XmppArgs.MAX_REASON_BYTES);
        AbstractXMPPConnection c = requireOnline();
        mode = m;
        statusMessage = message;
        outbound.execute(() -> {
            if (sendNow(c, presence(c, null))) {
                wanted.forEach((room, want) -> sendNow(c, presence(c, JidCreate.entityFullFrom(room, want.nick()))));
                emit(new ChatEvent.Presence(Instant.now(), String.valueOf(self), p.status(), message, true));
            }
        });
    }

    private Presence presence(AbstractXMPPConnection c, Jid to) {
        var b = c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available);
        if (mode != Presence.Mode.available) {
            b.setMode(mode);
        }
        if (!statusMessage.isEmpty()) {
            b.setStatus(statusMessage);
        }
        if (to != null) {
            b.to(to);
        }
        return b.build();
    }

    /** On the outbound lane. */
    private void sendJoin(AbstractXMPPConnection c, EntityBareJid room, RoomWant want, Instant since) {
        events.execute(() -> mapper.joining(room, want.nick())); // before any answer can arrive
        int history = config.roomHistory();
        MUCInitialPresence x = since != null
                ? new MUCInitialPresence(want.password().isEmpty() ? null : want.password(), -1, history, -1, Date.from(since.plusMillis(1)))
                : new MUCInitialPresence(want.password().isEmpty() ? null : want.password(), -1, history, -1, null);
        Presence p = presence(c, JidCreate.entityFullFrom(room, want.nick()));
        sendNow(c, p.asBuilder().addExtension(x).build());
    }

    private void ban(AbstractXMPPConnection c, EntityBareJid room, EntityBareJid jid, String reason) {
        MUCAdmin iq = admin(room, new MUCItem(MUCAffiliation.outcast, jid, reason.isEmpty() ? null : reason));
        outbound.execute(() -> request(c, iq, room.toString(), "could not ban " + jid + " from " + room));
    }

    private static MUCAdmin admin(EntityBareJid room, MUCItem item) {
        MUCAdmin iq = new MUCAdmin();
        iq.setType(IQ.Type.set);
        iq.setTo(room);
        iq.addItem(item);
        return iq;
    }

    /** On the outbound lane: an IQ whose error (not its result) the person needs to see. */
    private void request(AbstractXMPPConnection c, IQ iq, String conversation, String what) {
        try {
            c.sendIqRequestAsync(iq).onError(e -> {
                if (e instanceof XMPPException.XMPPErrorException x) {
                    problem(StanzaMapper.errorCode(x.getStanzaError(), false), "", StanzaMapper.errorText(x.getStanzaError(), what), conversation);
                } else {
                    log.debug("XMPP request on {} failed: {}", config.name(), DisconnectReason.oneLine(e));
                    problem(DisconnectReason.code(e).equals(DisconnectReason.TIMED_OUT) || e instanceof SmackException.NoResponseException
                            ? "timed-out" : "send-failed", "", what, conversation);
                }
            });
        } catch (RuntimeException e) {
            log.debug("XMPP request on {} not sent: {}", config.name(), DisconnectReason.oneLine(e));
            problem("send-failed", "", what, conversation);
        }
    }

    /** On the outbound lane; false (and a problem reported) when the link is down. */
    private boolean sendNow(XMPPConnection c, Stanza stanza) {
        try {
            c.sendStanza(stanza);
            return true;
        } catch (SmackException.NotConnectedException e) {
            problem("send-failed", "", "could not send: not connected", "");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A room to leave: one the person is in is never refused (a reload may have narrowed the policy since). */
    private EntityBareJid leavableRoom(String field, String raw) throws CommandRejectedException {
        if (raw != null && !raw.isEmpty()) {
            try {
                EntityBareJid room = JidCreate.entityBareFrom(config.roomJid(raw));
                if (wanted.containsKey(room)) {
                    return room;
                }
            } catch (XmppStringprepException | IllegalArgumentException e) {
                // not a room: refused below, naming the field
            }
        }
        return joinedRoom(field, raw);
    }

    /** A room the person is in, after the room policy ({@link XmppArgs#room}): every op naming a room comes here. */
    private EntityBareJid joinedRoom(String field, String raw) throws CommandRejectedException {
        EntityBareJid room = XmppArgs.room(field, raw, bridge.config());
        if (!wanted.containsKey(room)) {
            throw new CommandRejectedException("not-on-channel", field, "you are not in " + room + "; join it first");
        }
        return room;
    }

    private AbstractXMPPConnection requireOnline() throws CommandRejectedException {
        AbstractXMPPConnection c = connection;
        if (!online || c == null) {
            throw new CommandRejectedException("not-connected", "", "not connected to " + config.name() + " now");
        }
        return c;
    }

    @Override
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        quitReason = reason == null ? "" : XmppArgs.stripNonXml(reason);
        wake.offer(CLOSE);
        AbstractXMPPConnection c = connection;
        if (!online && c != null) {
            c.instantShutdown(); // abort a connect in progress; the lifecycle thread ends
        }
    }

    /** The first of {@code types} in {@code e}'s cause chain, or null. */
    @SafeVarargs
    static Throwable cause(Throwable e, Class<? extends Throwable>... types) {
        return DisconnectReason.cause(e, types);
    }

    /** For tests: connection attempts made so far. */
    int attempts() {
        return attempts.get();
    }

    /** For tests: whether the connection is logged in now. */
    boolean online() {
        return online;
    }

    /** For tests: the Smack connection in use. */
    AbstractXMPPConnection smack() {
        return connection;
    }
}

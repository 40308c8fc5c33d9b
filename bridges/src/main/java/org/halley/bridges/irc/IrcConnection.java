package org.halley.bridges.irc;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEventSink;
import org.halley.bridges.DisconnectReason;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.IrcBridgeConfig;
import org.halley.config.ReconnectRules;
import org.pircbotx.Configuration;
import org.pircbotx.InputParser;
import org.pircbotx.PircBotX;
import org.pircbotx.hooks.Event;
import org.pircbotx.hooks.CoreHooks;
import org.pircbotx.hooks.events.ConnectAttemptFailedEvent;
import org.pircbotx.hooks.events.ExceptionEvent;
import org.pircbotx.hooks.events.SocketConnectEvent;
import org.pircbotx.output.OutputRaw;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One person's connection to one IRC network, for as long as their browser session lives: it
 * waits its turn ({@link IrcAdmission}), connects, registers, and after a lost link reconnects
 * with backoff and rejoins the person's channels (with their keys), until the person leaves or
 * the network bans or kills them.
 *
 * <p>Threads: each attempt runs PircBotX's read loop on its own virtual thread (the reader),
 * which decodes every line ({@link IrcEvents}) and delivers the events in server order. Lines are
 * written by the attempt's {@link IrcWriter}. Callers of {@link #send} validate and queue on their
 * own thread; {@link #close} never blocks. Admission and timers call in on the bridge's timer
 * thread. The life-cycle state is guarded by this object's monitor, never held during I/O.
 */
final class IrcConnection implements BridgeConnection, IrcAdmission.Ticket {
    private static final Logger log = LoggerFactory.getLogger(IrcConnection.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(90);
    static final Duration QUIT_GRACE = Duration.ofSeconds(2);
    /** A refresh asks for a channel's names at most once per this interval (later ones are folded into one). */
    static final Duration NAMES_INTERVAL = Duration.ofSeconds(10);

    enum State { QUEUED, CONNECTING, REGISTERED, WAITING, ENDED }

    private final IrcBridgeConfig config;
    private final Login login;
    private final ChatEventSink sink;
    private final Executor threads;
    private final ScheduledExecutorService timer;
    private final IrcAdmission admission;
    private final IrcTls tls;
    private final Runnable onEnd;
    private final String ident;

    // Guarded by this:
    private State state = State.QUEUED;
    private Attempt attempt;
    private int failures;
    /** Connection attempts made (for tests). */
    private int attempts;
    private ScheduledFuture<?> retry;
    private String closeReason;
    /** Why the link went down, from then until the next registration (null while registered). */
    private DisconnectReason lostReason;
    /** Channels the person is in (folded name → name), to rejoin after a reconnect. */
    private final Map<String, String> channels = new LinkedHashMap<>();
    /** Channels asked for before registration, joined once it completes. */
    private final Map<String, String> pending = new LinkedHashMap<>();
    /** Keys of the channels in either, as given or as later set with MODE +k. */
    private final Map<String, String> keys = new LinkedHashMap<>();
    /** The last topic heard in each channel of {@link #channels} (folded name), for a refresh. */
    private final Map<String, ChatEvent.Topic> topics = new HashMap<>();
    /** When each channel's names were last asked for by a refresh (folded name → nanoTime). */
    private final Map<String, Long> namesAsked = new HashMap<>();
    /** Channels whose names a refresh asked for too soon after the last time: asked for once, later. */
    private final java.util.Set<String> namesLater = new java.util.LinkedHashSet<>();
    private ScheduledFuture<?> namesTimer;
    /** People ahead in the admission queue, as last said. */
    private int ahead;

    private volatile String nick;
    /** The server that welcomed the person (001's source). */
    private volatile String server = "";
    private final java.util.concurrent.locks.ReentrantLock emitting = new java.util.concurrent.locks.ReentrantLock();
    private volatile String awayMessage = "";
    private final Isupport isupport = new Isupport();
    private final IrcCommandEncoder encoder;

    /** One try at a connection: its bot, writer and decoder; dropped when it ends. */
    private final class Attempt {
        final HalleyBot bot;
        final IrcWriter writer;
        final IrcEvents events;
        final CapNegotiation caps;
        volatile Socket socket;
        volatile IrcEvents.End end;
        volatile DisconnectReason endReason;
        volatile boolean registered;
        volatile boolean echo;
        final String firstNick;
        int fallback;
        ScheduledFuture<?> registrationTimeout;

        Attempt(String nickNow) {
            this.firstNick = nickNow;
            Configuration.Builder b = new Configuration.Builder()
                    .setName(nickNow)
                    .setLogin(ident)
                    .setRealName(realname(config.realname(), nickNow, login.client()))
                    .setVersion(config.ctcpVersion())
                    .addServer(config.host(), config.port())
                    .setSocketFactory(new AttemptSockets())
                    .setEncoding(StandardCharsets.UTF_8)
                    .setSocketTimeout((int) READ_TIMEOUT.toMillis())
                    .setAutoReconnect(false)
                    .setAutoNickChange(false)
                    .setShutdownHookEnabled(false)
                    .setSnapshotsEnabled(false)
                    .setOnJoinWhoEnabled(false)
                    .setAutoSplitMessage(false)
                    .setCapEnabled(false)
                    .setMessageDelay(0)
                    .setListenerManager(new OrderedListenerManager(new Lifecycle(this)))
                    .setBotFactory(new Configuration.BotFactory() {
                        @Override
                        public OutputRaw createOutputRaw(PircBotX bot) {
                            return new SafeOutputRaw(bot);
                        }

                        @Override
                        public InputParser createInputParser(PircBotX bot) {
                            return new HalleyInputParser(bot, Attempt.this::onLine);
                        }
                    });
            b.getCapHandlers().clear();
            b.getChannelModeHandlers().clear();
            this.bot = new HalleyBot(b.buildConfiguration());
            // A failed write means the link is gone; the reader still gets to read what the
            // server said before it went (an ERROR line with the reason), then sees the end.
            this.writer = new IrcWriter(bot, config.flood(), threads, IrcConnection.this::emit, e -> {
                log.debug("IRC write to {} failed: {}", config.name(), DisconnectReason.oneLine(e));
                end(IrcEvents.End.LOST, DisconnectReason.of(e));
                shutdownOutput(socket);
            });
            bot.writer(writer);
            this.events = new IrcEvents(new Host(this), isupport, nickNow);
            this.caps = new CapNegotiation(login.account(), login.password(), new CapNegotiation.Out() {
                @Override
                public void sendNow(String line) {
                    writer.sendNow(line);
                }

                @Override
                public void problem(String code, String message) {
                    emit(new ChatEvent.Problem(Instant.now(), code, "account", message, ""));
                }

                @Override
                public void loggedIn(String account) {
                    emit(new ChatEvent.Account(Instant.now(), nick, account));
                }
            });
        }

        /** The reader: every line from the server. */
        void onLine(IrcMessage m) {
            if (!caps.onLine(m)) {
                events.onLine(m);
            }
            echo = caps.enabled("echo-message");
        }

        /**
         * The first serious reason wins (a KILL's is clearer than the ERROR after it), except that
         * a ban's ERROR ("K-lined: spamming") says more than its 465 ("You're banned!").
         */
        void end(IrcEvents.End why, DisconnectReason reason) {
            if (end == null || end == IrcEvents.End.LOST || (why == IrcEvents.End.BANNED && end == IrcEvents.End.BANNED)) {
                end = why;
                endReason = reason;
            }
        }

        /** Sockets for this attempt: connect with a timeout, TLS layered on with the configured host name. */
        private final class AttemptSockets extends javax.net.SocketFactory {
            @Override
            public Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local, int localPort)
                    throws IOException {
                Socket s = new Socket();
                socket = s;
                synchronized (IrcConnection.this) {
                    if (closeReason != null) {
                        s.close();
                        throw new IOException("closed while connecting");
                    }
                }
                s.connect(new java.net.InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
                Socket connected = tls == null ? s : tls.wrap(s, config.host(), port);
                socket = connected;
                return connected;
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(java.net.InetAddress host, int port) throws IOException {
                return createSocket(host, port, null, 0);
            }
        }
    }

    /**
     * PircBotX's own life-cycle events (the lines themselves go through {@link HalleyInputParser}).
     * A {@link CoreHooks} only so that PircBotX installs no second listener; none of its answers
     * (PONG, CTCP) is used: {@link IrcEvents} gives those.
     */
    private final class Lifecycle extends CoreHooks {
        private final Attempt a;

        Lifecycle(Attempt a) {
            this.a = a;
        }

        @Override
        public void onEvent(Event event) {
            switch (event) {
                case SocketConnectEvent e -> registerStart(a);
                case ConnectAttemptFailedEvent e -> {
                    Exception first = e.getConnectExceptions().values().stream().findFirst().orElse(null);
                    log.debug("IRC connection to {} failed: {}", config.name(), first == null ? "no address" : DisconnectReason.oneLine(first));
                    a.end(IrcEvents.End.LOST, first == null ? DisconnectReason.of(DisconnectReason.SERVER_UNREACHABLE) : DisconnectReason.of(first));
                }
                case ExceptionEvent e -> {
                    if (e.getException() instanceof IOException) {
                        log.debug("IRC connection to {} failed: {}", config.name(), DisconnectReason.oneLine(e.getException()));
                        a.end(IrcEvents.End.LOST, DisconnectReason.of(e.getException()));
                    } else {
                        log.warn("IRC connection to {} failed on {}: {}", config.name(), e.getMessage(), DisconnectReason.oneLine(e.getException()));
                        log.debug("IRC connection to {} failed", config.name(), e.getException());
                    }
                }
                default -> { }
            }
        }
    }

    /** What the decoder may do to this connection; on the reader thread. */
    private final class Host implements IrcEvents.Host {
        private final Attempt a;

        Host(Attempt a) {
            this.a = a;
        }

        @Override
        public void emit(ChatEvent event) {
            IrcConnection.this.emit(event);
        }

        @Override
        public void sendNow(String line) {
            a.writer.sendNow(line);
        }

        @Override
        public void sendIfIdle(String line) {
            a.writer.sendIfIdle(line);
        }

        @Override
        public void registered(String registeredNick, String server) {
            IrcConnection.this.registered(a, registeredNick, server);
        }

        @Override
        public void joined(String channel) {
            synchronized (IrcConnection.this) {
                channels.put(isupport.fold(channel), channel);
                pending.remove(isupport.fold(channel));
            }
        }

        @Override
        public void left(String channel) {
            synchronized (IrcConnection.this) {
                channels.remove(isupport.fold(channel));
                keys.remove(isupport.fold(channel));
                topics.remove(isupport.fold(channel));
                namesAsked.remove(isupport.fold(channel));
            }
        }

        @Override
        public void keyChanged(String channel, String key) {
            synchronized (IrcConnection.this) {
                if (channels.containsKey(isupport.fold(channel))) {
                    keys.put(isupport.fold(channel), key);
                }
            }
        }

        @Override
        public void ending(IrcEvents.End end, String code, String text) {
            boolean first = a.end == null || a.end == IrcEvents.End.LOST;
            a.end(end, new DisconnectReason(code, text));
            if (first && (end == IrcEvents.End.THROTTLED || end == IrcEvents.End.BANNED)) {
                admission.slowDown(end == IrcEvents.End.BANNED, text); // once per connection (465, then ERROR)
            }
            if (!end.reconnect) {
                closeQuietly(a.socket); // do not wait for the server to close: nothing more may be sent
            }
        }

        @Override
        public String nextNick(String taken) {
            List<String> fallbacks = config.nick().fallbacks();
            if (a.fallback >= fallbacks.size()) {
                return null;
            }
            return expand(fallbacks.get(a.fallback++), a.firstNick, encoder.nickLength());
        }

        @Override
        public String wantedNick() {
            return a.firstNick;
        }

        @Override
        public String awayMessage() {
            return awayMessage;
        }

        @Override
        public String version() {
            return config.ctcpVersion();
        }
    }

    IrcConnection(IrcBridgeConfig config, java.util.function.Supplier<IrcBridgeConfig> policy, Login login, String nick,
            List<String> initialChannels, ChatEventSink sink, Executor threads, ScheduledExecutorService timer,
            IrcAdmission admission, IrcTls tls, Runnable onEnd) {
        this.config = config;
        this.login = login;
        this.sink = sink;
        this.threads = threads;
        this.timer = timer;
        this.admission = admission;
        this.tls = tls;
        this.onEnd = onEnd;
        this.nick = nick;
        this.ident = ident(config.ident(), login.client().ip());
        this.encoder = new IrcCommandEncoder(policy, isupport, this::inChannel); // channel patterns as they are now
        for (String c : initialChannels) {
            pending.put(isupport.fold(c), c);
        }
    }

    void start() {
        admission.enqueue(this);
    }

    // ---- admission (timer thread) ----

    @Override
    public void position(int ahead) {
        emitting.lock(); // before this object's monitor, as refresh() takes them
        try {
            synchronized (this) {
                if (state != State.QUEUED) {
                    return;
                }
                this.ahead = ahead;
                if (lostReason != null) {
                    return; // reconnecting: the outage was told once (disconnected); its attempts are not news
                }
            }
            emit(new ChatEvent.Connecting(Instant.now(), config.name(), ahead));
        } finally {
            emitting.unlock();
        }
    }

    @Override
    public void admitted() {
        Attempt a;
        synchronized (this) {
            if (state != State.QUEUED) {
                return;
            }
            attempts++;
            state = State.CONNECTING;
            a = new Attempt(nick);
            attempt = a;
        }
        a.registrationTimeout = timer.schedule(() -> {
            if (!a.registered) {
                log.debug("IRC server {} did not complete registration in {} s", config.name(), REGISTRATION_TIMEOUT.toSeconds());
                a.end(IrcEvents.End.LOST, DisconnectReason.of(DisconnectReason.TIMED_OUT));
                closeQuietly(a.socket);
            }
        }, REGISTRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Thread.ofVirtual().name("irc-" + config.name() + "-" + a.firstNick).start(() -> run(a));
    }

    // ---- an attempt (reader thread) ----

    private void run(Attempt a) {
        try {
            a.bot.startBot();
        } catch (Exception e) {
            log.debug("IRC connection to {} ended: {}", config.name(), DisconnectReason.oneLine(e));
            a.end(IrcEvents.End.LOST, DisconnectReason.of(e));
        } catch (Error e) {
            log.error("IRC reader for {} died", config.name(), e);
            a.end(IrcEvents.End.LOST, DisconnectReason.of(DisconnectReason.INTERNAL_ERROR));
        } finally {
            ended(a);
        }
    }

    /** The socket is connected: WEBIRC first (the server must see it before anything else), then CAP. */
    private void registerStart(Attempt a) {
        config.webircPassword().ifPresent(pw -> a.writer.sendNow("WEBIRC " + pw.value() + " halley "
                + param(login.client().hostname()) + " " + param(login.client().ip())));
        a.caps.start();
        String pass = config.serverPassword().map(s -> s.value())
                .orElse(login.account().isEmpty() ? login.password() : "");
        if (!pass.isEmpty()) {
            a.writer.sendNow("PASS " + param(pass));
        }
        // PircBotX sends NICK and USER next.
    }

    private void registered(Attempt a, String registeredNick, String server) {
        a.writer.registered(); // registration's lines do not delay the joins and the person's first line
        a.registered = true;
        a.caps.registered();
        if (a.registrationTimeout != null) {
            a.registrationTimeout.cancel(false);
        }
        nick = registeredNick;
        this.server = server;
        List<String> joins;
        List<String> dropped = new ArrayList<>();
        boolean closing;
        synchronized (this) {
            state = State.REGISTERED;
            failures = 0;
            lostReason = null;
            topics.clear(); // the rejoins bring them again
            namesAsked.clear(); // a new link: its joins bring the names
            closing = closeReason != null;
            joins = joinLines(dropped);
        }
        emit(ChatEvent.Connected.irc(Instant.now(), registeredNick, server, isupport.casemapping()));
        for (String channel : dropped) {
            emit(new ChatEvent.Parted(Instant.now(), channel, registeredNick, "no longer open through this gateway", true));
        }
        if (closing) {
            a.writer.sendNow("QUIT :" + quitReason());
            return;
        }
        List<IrcWriter.Out> out = new ArrayList<>();
        for (String j : joins) {
            out.add(new IrcWriter.Out(j, null));
        }
        a.writer.offer(out);
    }

    /**
     * JOIN lines for every channel to (re)join: several per line where no key is needed. A channel
     * the policy no longer allows (a reload narrowed it while the link was down) is not rejoined
     * but added to {@code dropped}.
     */
    private List<String> joinLines(List<String> dropped) {
        List<String> lines = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        Map<String, String> all = new LinkedHashMap<>(channels);
        all.putAll(pending);
        pending.clear();
        for (Map.Entry<String, String> c : all.entrySet()) {
            if (!encoder.allows(c.getValue())) {
                channels.remove(c.getKey());
                keys.remove(c.getKey());
                dropped.add(c.getValue());
                continue;
            }
            String key = keys.getOrDefault(c.getKey(), "");
            if (!key.isEmpty()) {
                lines.add("JOIN " + c.getValue() + " " + key);
            } else if (plain.length() + c.getValue().length() + 1 > 400) {
                lines.add("JOIN " + plain);
                plain.setLength(0);
                plain.append(c.getValue());
            } else {
                plain.append(plain.isEmpty() ? "" : ",").append(c.getValue());
            }
        }
        if (!plain.isEmpty()) {
            lines.add("JOIN " + plain);
        }
        return lines;
    }

    /** The attempt is over (on its reader thread): end, or wait and try again. */
    private void ended(Attempt a) {
        if (a.registrationTimeout != null) {
            a.registrationTimeout.cancel(false);
        }
        int dropped = a.writer.close();
        closeQuietly(a.socket);
        IrcEvents.End end = a.end == null ? IrcEvents.End.LOST : a.end;
        DisconnectReason reason = a.endReason != null ? a.endReason : DisconnectReason.of(DisconnectReason.CONNECTION_LOST);
        long retryIn = 0;
        boolean over;
        boolean told = false;
        synchronized (this) {
            if (attempt != a) {
                return;
            }
            attempt = null;
            over = closeReason != null || !end.reconnect;
            if (over) {
                state = State.ENDED;
            } else {
                state = State.WAITING;
                told = lostReason != null; // an outage already told: this was one more failed attempt
                if (!told) {
                    lostReason = reason;
                }
                failures++;
                retryIn = backoff(config.reconnect(), failures, ThreadLocalRandom.current().nextDouble());
                if (end == IrcEvents.End.THROTTLED) {
                    retryIn = Math.max(retryIn, admission.interval().toMillis());
                }
                retry = timer.schedule(this::requeue, retryIn, TimeUnit.MILLISECONDS);
            }
        }
        if (dropped > 0 && !over) {
            emit(new ChatEvent.Problem(Instant.now(), "send-failed", "", dropped + " lines were not sent: the connection was lost", ""));
        }
        if (over) {
            emit(new ChatEvent.Disconnected(Instant.now(), closeReasonOr(reason), 0));
            onEnd.run();
        } else {
            log.debug("IRC connection to {} lost ({}); retrying in {} ms", config.name(), reason.code(), retryIn);
            if (!told) { // once per outage, not once per failed attempt
                emit(new ChatEvent.Disconnected(Instant.now(), reason, retryIn));
            }
        }
    }

    /** For tests: connection attempts made so far. */
    synchronized int attempts() {
        return attempts;
    }

    private synchronized DisconnectReason closeReasonOr(DisconnectReason reason) {
        return closeReason != null ? DisconnectReason.of(DisconnectReason.QUIT) : reason;
    }

    private void requeue() {
        synchronized (this) {
            if (state != State.WAITING) {
                return;
            }
            state = State.QUEUED;
            retry = null;
        }
        admission.enqueue(this);
    }

    /**
     * The n-th reconnect waits {@code delay × 2^(n-1)}, at most {@code maxDelay}, times a factor
     * between 0.5 and 1.5 ({@code random} in [0, 1)), so a whole gateway does not return at once.
     */
    static long backoff(ReconnectRules rules, int failures, double random) {
        double base = rules.delay().toMillis() * Math.pow(2, Math.min(30, Math.max(0, failures - 1)));
        double capped = Math.min(rules.maxDelay().toMillis(), base);
        return Math.max(1, Math.round(capped * (0.5 + random)));
    }

    // ---- commands (any thread) ----

    @Override
    public void send(ChatCommand command) throws CommandRejectedException {
        if (command instanceof ChatCommand.Quit q) {
            String reason = IrcArgs.reason("reason", q.reason(), 300);
            close(reason.isEmpty() ? config.quitMessage() : reason);
            return;
        }
        List<String> lines = encoder.encode(command, nick);
        Attempt a;
        synchronized (this) {
            if (state == State.ENDED || closeReason != null) {
                throw new CommandRejectedException("not-connected", "", "this connection has ended");
            }
            if (command instanceof ChatCommand.Join j) {
                String folded = isupport.fold(j.channel());
                if (j.key() != null && !j.key().isEmpty()) {
                    keys.put(folded, j.key());
                }
                if (state != State.REGISTERED) {
                    pending.put(folded, j.channel());
                    return; // joined once registered
                }
            }
            a = attempt;
            if (state != State.REGISTERED || a == null) {
                throw new CommandRejectedException("not-connected", "", state == State.WAITING || state == State.QUEUED && failures > 0
                        ? "reconnecting to " + config.name() + "; try again when connected"
                        : "not connected to " + config.name() + " yet");
            }
        }
        if (command instanceof ChatCommand.SetPresence p && !p.status().equals("available")) {
            awayMessage = lines.get(0).substring("AWAY :".length());
        }
        List<IrcWriter.Out> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            out.add(new IrcWriter.Out(line, a.echo ? null : ownMessage(command, line)));
        }
        if (!a.writer.offer(out)) {
            throw new CommandRejectedException("too-fast", "", "too much is waiting to be sent to " + config.name() + "; slow down");
        }
    }

    /**
     * Says where the connection stands, on the caller's thread: where it is ({@code Connected},
     * {@code Connecting}, {@code Disconnected}), then {@code Joined} (self) and the last {@code
     * Topic} heard for each channel, from what the connection knows. The member lists are asked
     * of the server (one NAMES per channel): Halley keeps no member lists for IRC, and the
     * server's answer is the truth anyway. Its {@code Members} follow later, decoded by the reader
     * as on a join. The NAMES never cost the person anything nor the network more than flood
     * control allows: they queue behind the person's own lines, one already waiting is not queued
     * again, and a channel's names are asked for at most once per {@link #NAMES_INTERVAL} (asked
     * for sooner, they are asked for once when it has passed).
     */
    @Override
    public void refresh() {
        Attempt a;
        List<String> joined;
        // Under the event lock: the picture said here and what the reader delivers form one
        // sequence, so a PART or KICK being delivered lands before or after it, never inside.
        emitting.lock();
        try {
            State s;
            long retryIn = 0;
            DisconnectReason lost;
            int queued;
            List<ChatEvent.Topic> known = new ArrayList<>();
            synchronized (this) {
                s = closeReason != null ? State.ENDED : state;
                a = attempt;
                joined = new ArrayList<>(channels.values());
                lost = lostReason;
                queued = ahead;
                if (retry != null) {
                    retryIn = Math.max(1, retry.getDelay(TimeUnit.MILLISECONDS));
                }
                for (String c : joined) {
                    ChatEvent.Topic t = topics.get(isupport.fold(c));
                    if (t != null) {
                        known.add(t);
                    }
                }
            }
            Instant now = Instant.now();
            switch (s) {
                case QUEUED -> emit(new ChatEvent.Connecting(now, config.name(), queued));
                case CONNECTING -> emit(new ChatEvent.Connecting(now, config.name(), 0));
                case WAITING -> emit(new ChatEvent.Disconnected(now, lost != null ? lost : DisconnectReason.of(DisconnectReason.CONNECTION_LOST), retryIn));
                case REGISTERED -> {
                    emit(ChatEvent.Connected.irc(now, nick, server, isupport.casemapping()));
                    for (String channel : joined) {
                        emit(new ChatEvent.Joined(now, channel, nick, true));
                        for (ChatEvent.Topic t : known) {
                            if (t.channel().equals(channel)) {
                                emit(t);
                            }
                        }
                    }
                }
                case ENDED -> { }
            }
            if (s != State.REGISTERED || a == null || joined.isEmpty()) {
                return;
            }
        } finally {
            emitting.unlock();
        }
        List<String> now = new ArrayList<>(joined.size());
        synchronized (this) {
            long t = System.nanoTime();
            long later = 0;
            for (String channel : joined) {
                String folded = isupport.fold(channel);
                Long asked = namesAsked.get(folded);
                if (asked == null || t - asked >= NAMES_INTERVAL.toNanos()) {
                    namesAsked.put(folded, t);
                    namesLater.remove(folded);
                    now.add(channel);
                } else {
                    namesLater.add(folded);
                    later = Math.max(later, asked + NAMES_INTERVAL.toNanos() - t);
                }
            }
            if (!namesLater.isEmpty() && namesTimer == null) {
                namesTimer = timer.schedule(this::namesLater, later, TimeUnit.NANOSECONDS);
            }
        }
        askNames(a, now);
    }

    /** On the timer: the names a refresh asked for too soon, once for all of them. */
    private void namesLater() {
        Attempt a;
        List<String> now = new ArrayList<>();
        synchronized (this) {
            namesTimer = null;
            a = attempt;
            long t = System.nanoTime();
            for (String folded : namesLater) {
                String channel = channels.get(folded);
                if (channel != null) {
                    namesAsked.put(folded, t);
                    now.add(channel);
                }
            }
            namesLater.clear();
            if (state != State.REGISTERED || closeReason != null) {
                return;
            }
        }
        if (a != null) {
            askNames(a, now);
        }
    }

    /** NAMES for {@code channels}, behind the person's own lines and under flood control. */
    private void askNames(Attempt a, List<String> channels) {
        if (channels.isEmpty()) {
            return;
        }
        List<IrcWriter.Out> out = new ArrayList<>(channels.size());
        for (String channel : channels) {
            out.add(new IrcWriter.Out("NAMES " + channel, null));
        }
        if (!a.writer.offerBackground(out)) {
            log.debug("refresh of {} channels on {} not sent: the queue is full", channels.size(), config.name());
        }
    }

    /** The person's own message as sent, for networks that do not echo it back. */
    private ChatEvent ownMessage(ChatCommand command, String line) {
        String target;
        ChatEvent.Kind kind;
        switch (command) {
            case ChatCommand.Say s -> {
                target = s.target();
                kind = ChatEvent.Kind.MESSAGE;
            }
            case ChatCommand.Act x -> {
                target = x.target();
                kind = ChatEvent.Kind.ACTION;
            }
            case ChatCommand.Notice n -> {
                target = n.target();
                kind = ChatEvent.Kind.NOTICE;
            }
            default -> {
                return null;
            }
        }
        String text = line.substring(line.indexOf(" :") + 2);
        if (kind == ChatEvent.Kind.ACTION) {
            text = text.substring("\u0001ACTION ".length(), text.length() - 1);
        }
        return new ChatEvent.Message(Instant.now(), target, nick, text, kind, true);
    }

    @Override
    public void close(String reason) {
        Attempt a;
        boolean endNow = false;
        synchronized (this) {
            if (closeReason != null || state == State.ENDED) {
                return;
            }
            closeReason = reason == null || reason.isEmpty() ? config.quitMessage() : reason;
            a = attempt;
            switch (state) {
                case QUEUED -> {
                    admission.remove(this);
                    state = State.ENDED;
                    endNow = true;
                }
                case WAITING -> {
                    if (retry != null) {
                        retry.cancel(false);
                    }
                    state = State.ENDED;
                    endNow = true;
                }
                default -> { }
            }
        }
        if (endNow) {
            emit(new ChatEvent.Disconnected(Instant.now(), DisconnectReason.of(DisconnectReason.QUIT), 0));
            onEnd.run();
            return;
        }
        if (a == null) {
            return;
        }
        if (!a.registered) {
            // Not registered yet: nothing to say goodbye to; closing the socket ends the attempt.
            closeQuietly(a.socket);
            return;
        }
        String quit = "QUIT :" + quitReason();
        // Never on the caller's thread (writing may wait); a thread of its own, so this works
        // while the bridge itself is shutting down.
        Thread.ofVirtual().name("irc-quit-" + config.name()).start(() -> {
            a.writer.sendNow(quit);
            try {
                Thread.sleep(QUIT_GRACE); // the server closes the link after our QUIT; if not, we do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(a.socket);
        });
    }

    private synchronized String quitReason() {
        String r = closeReason == null ? config.quitMessage() : closeReason;
        try {
            return IrcArgs.reason("reason", r, 300);
        } catch (CommandRejectedException e) {
            return config.quitMessage();
        }
    }

    synchronized State state() {
        return state;
    }

    private synchronized boolean inChannel(String folded) {
        return channels.containsKey(folded);
    }

    // ---- helpers ----

    /**
     * Delivers one event. Most come from the reader thread; a place in the queue comes from the
     * timer, one's own message (where the server does not echo) from the writer, the end of a
     * connection that never started from whoever closed it. The lock keeps them one at a time.
     */
    void emit(ChatEvent e) {
        if (e instanceof ChatEvent.NickChanged n && n.self()) {
            nick = n.newNick();
        }
        emitting.lock();
        try {
            if (e instanceof ChatEvent.Topic t) { // kept for a refresh, in step with what was said
                synchronized (this) {
                    if (channels.containsKey(isupport.fold(t.channel()))) {
                        topics.put(isupport.fold(t.channel()), t);
                    }
                }
            }
            sink.accept(e);
        } catch (RuntimeException ex) {
            log.warn("event sink failed on {}", e.getClass().getSimpleName(), ex);
        } finally {
            emitting.unlock();
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    private static void shutdownOutput(Socket s) {
        if (s != null) {
            try {
                s.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                closeQuietly(s); // an SSLSocket cannot half-close
            }
        }
    }

    /** A middle parameter may not start with ':' (an IPv6 address like ::1 would). */
    private static String param(String s) {
        return s.startsWith(":") ? "0" + s : s;
    }

    /**
     * The ident from its template: {@code {hex-ip}} is an IPv4 address in hex (8 characters, as
     * KiwiIRC and The Lounge send it), or for IPv6 the hash of its /64 (one subscriber) in hex.
     */
    static String ident(String template, String ip) {
        return template.replace("{hex-ip}", hexIp(ip));
    }

    static String hexIp(String ip) {
        byte[] b = org.halley.config.IpRange.literal(ip);
        if (b == null) {
            return "00000000";
        }
        if (b.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                b = java.util.Arrays.copyOfRange(b, 12, 16);
            }
        }
        if (b.length == 4) {
            return String.format("%02x%02x%02x%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff);
        }
        int h = 0x811c9dc5; // FNV-1a over the /64
        for (int i = 0; i < 8; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x01000193;
        }
        return String.format("%08x", h);
    }

    /** The realname from its template: {@code {nick}}, {@code {ip}}, {@code {host}}. */
    static String realname(String template, String nick, Login.ClientAddress client) {
        String r = template.replace("{nick}", nick).replace("{ip}", client.ip()).replace("{host}", client.hostname());
        StringBuilder b = new StringBuilder(r.length());
        for (int i = 0; i < r.length() && b.length() < 100; i++) {
            char c = r.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        String s = b.toString().strip();
        return s.isEmpty() ? IrcBridgeConfig.DEFAULT_REALNAME : s;
    }

    /** {@code {nick}} becomes the wanted nick (shortened to fit), each {@code ?} a random digit. */
    static String expand(String template, String wanted, int maxLength) {
        int fixed = template.replace("{nick}", "").length();
        String base = wanted.length() + fixed > maxLength ? wanted.substring(0, Math.max(1, maxLength - fixed)) : wanted;
        StringBuilder b = new StringBuilder();
        String t = template.replace("{nick}", base);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c == '?' ? (char) ('0' + ThreadLocalRandom.current().nextInt(10)) : c);
        }
        return b.toString();
    }
}

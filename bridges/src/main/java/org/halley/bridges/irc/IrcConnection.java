package org.halley.bridges.irc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.SocketFactory;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEventSink;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.IrcBridgeConfig;
import org.pircbotx.Configuration;
import org.pircbotx.InputParser;
import org.pircbotx.PircBotX;
import org.pircbotx.output.OutputRaw;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One person's IRC connection.
 *
 * <p>Threads: the reader (a virtual thread running PircBotX's loop) parses lines and delivers
 * events in server order; {@link #outbound} (a sequential executor on virtual threads) writes
 * lines; callers of {@link #send} only validate and queue. Shared state is volatile or
 * concurrent; reader-only state is marked so.
 */
final class IrcConnection implements BridgeConnection {
    private static final Logger log = LoggerFactory.getLogger(IrcConnection.class);

    private final IrcBridgeConfig config;
    private final ChatEventSink sink;
    private final Executor outbound;
    private final String wantedNick;
    private final HalleyBot bot;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onEnd;

    private volatile boolean registered;
    private volatile String nick;
    private volatile String disconnectReason;
    /** Channels the person is in (lower case → name as joined), and their keys, for rejoin. */
    private final Map<String, String> channels = new ConcurrentHashMap<>();
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    /** Joins asked for before registration completed; joined once it has. */
    private final Map<String, String> pendingJoins = new ConcurrentHashMap<>();

    // Reader thread only:
    private IrcMessage current;
    private int fallbackIndex;
    private StringBuilder motd;

    IrcConnection(IrcBridgeConfig config, Login login, String nick, List<String> channels, ChatEventSink sink,
            Executor outbound, SocketFactory sockets, String version, Runnable onEnd) {
        this.config = config;
        this.sink = sink;
        this.outbound = outbound;
        this.wantedNick = nick;
        this.nick = nick;
        this.onEnd = onEnd;
        Map<String, String> joins = new LinkedHashMap<>();
        channels.forEach(c -> joins.put(c, ""));
        pendingJoins.putAll(joins);
        IrcEvents events = new IrcEvents(this);
        Configuration.Builder b = new Configuration.Builder()
                .setName(nick)
                .setLogin(ident(login.client().ip()))
                .setRealName(config.realname())
                .setVersion(version)
                .addServer(config.host(), config.port())
                .setSocketFactory(sockets)
                .setEncoding(StandardCharsets.UTF_8)
                .setAutoReconnect(false)
                .setAutoNickChange(false)
                .setShutdownHookEnabled(false)
                .setSnapshotsEnabled(false)
                .setOnJoinWhoEnabled(false)
                .setAutoSplitMessage(false)
                .setCapEnabled(false)
                .setMessageDelay(0)
                .setListenerManager(new OrderedListenerManager(events))
                .setBotFactory(new Configuration.BotFactory() {
                    @Override
                    public OutputRaw createOutputRaw(PircBotX bot) {
                        return new SafeOutputRaw(bot);
                    }

                    @Override
                    public InputParser createInputParser(PircBotX bot) {
                        return new HalleyInputParser(bot, IrcConnection.this);
                    }
                });
        if (!login.password().isEmpty()) {
            b.setServerPassword(login.password());
        }
        config.webircPassword().ifPresent(pw -> {
            try {
                b.setWebIrcEnabled(true)
                        .setWebIrcUsername("halley")
                        .setWebIrcHostname(login.client().hostname())
                        .setWebIrcAddress(InetAddress.getByName(login.client().ip()))
                        .setWebIrcPassword(pw.value());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("client address is not an IP: " + login.client().ip(), e);
            }
        });
        this.bot = new HalleyBot(b.buildConfiguration());
    }

    /** The browser's IPv4 address in hex (8 characters), as KiwiIRC and The Lounge send it as ident. */
    static String ident(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            return "halley";
        }
        StringBuilder b = new StringBuilder(8);
        for (String p : parts) {
            b.append(String.format("%02x", Integer.parseInt(p)));
        }
        return b.toString();
    }

    void start() {
        emit(new ChatEvent.Connecting(Instant.now(), config.name(), 0));
        Thread.ofVirtual().name("irc-" + config.name() + "-" + wantedNick).start(this::run);
    }

    private void run() {
        try {
            bot.startBot();
        } catch (Exception e) {
            if (disconnectReason == null) {
                disconnectReason = e.getMessage();
            }
        } finally {
            registered = false;
            String reason = disconnectReason != null ? disconnectReason : closed.get() ? "quit" : "connection lost";
            emit(new ChatEvent.Disconnected(Instant.now(), reason, 0));
            closed.set(true);
            onEnd.run();
        }
    }

    // ---- commands (any thread) ----

    @Override
    public void send(ChatCommand command) throws CommandRejectedException {
        if (closed.get()) {
            throw new CommandRejectedException("not-connected", "", "this connection has ended");
        }
        switch (command) {
            case ChatCommand.Join j -> {
                String channel = channel("channel", j.channel());
                String key = IrcArgs.key("key", j.key());
                if (!registered) {
                    pendingJoins.put(channel, key);
                    return;
                }
                keys.put(lower(channel), key);
                write("JOIN " + channel + (key.isEmpty() ? "" : " " + key));
            }
            case ChatCommand.Part p -> {
                String channel = IrcArgs.channel("channel", p.channel(), chantypes(), channelLength());
                String reason = IrcArgs.reason("reason", p.reason(), 300);
                requireRegistered();
                keys.remove(lower(channel));
                write("PART " + channel + (reason.isEmpty() ? "" : " :" + reason));
            }
            case ChatCommand.Say s -> say(s.target(), s.text(), false);
            case ChatCommand.Act a -> say(a.target(), a.text(), true);
            case ChatCommand.ChangeNick n -> {
                String newNick = IrcArgs.nick("nick", n.nick(), nickLength());
                requireRegistered();
                write("NICK " + newNick);
            }
            case ChatCommand.SetTopic t -> {
                String channel = IrcArgs.channel("channel", t.channel(), chantypes(), channelLength());
                String topic = IrcArgs.reason("topic", t.topic(), 390);
                requireRegistered();
                write("TOPIC " + channel + " :" + topic);
            }
            case ChatCommand.Quit q -> close(IrcArgs.reason("reason", q.reason(), 300));
            case ChatCommand.Notice x -> throw notYet("notice");
            case ChatCommand.Whois x -> throw notYet("whois");
            case ChatCommand.SetPresence x -> throw notYet("away");
            case ChatCommand.Kick x -> throw notYet("kick");
            case ChatCommand.Ban x -> throw notYet("ban");
            case ChatCommand.Unban x -> throw notYet("unban");
            case ChatCommand.SetMode x -> throw notYet("mode");
            case ChatCommand.Invite x -> throw notYet("invite");
        }
    }

    // TODO(issue 5): the IRC bridge issue implements these.
    private static CommandRejectedException notYet(String what) {
        return new CommandRejectedException("not-supported", "op", what + " is not supported on IRC yet");
    }

    private void say(String rawTarget, String rawText, boolean action) throws CommandRejectedException {
        String target = IrcArgs.target("target", rawTarget, chantypes(), nickLength(), channelLength());
        String text = IrcArgs.text("text", rawText);
        requireRegistered();
        String command = "PRIVMSG " + target + " :";
        int budget = IrcLines.textBudget(nick, command) - (action ? "\u0001ACTION \u0001".length() : 0);
        List<String> parts = IrcLines.split(text, budget);
        outbound.execute(() -> {
            for (String part : parts) {
                String line = action ? command + "\u0001ACTION " + part + "\u0001" : command + part;
                if (!writeNow(line)) {
                    return;
                }
                ChatEvent.Kind kind = action ? ChatEvent.Kind.ACTION : ChatEvent.Kind.MESSAGE;
                emit(new ChatEvent.Message(Instant.now(), target, nick, part, kind, true));
            }
        });
    }

    private String channel(String field, String raw) throws CommandRejectedException {
        String channel = IrcArgs.channel(field, raw, chantypes(), channelLength());
        if (!config.allowsChannel(channel)) {
            throw new CommandRejectedException("not-allowed", field,
                    channel + " is not open through this gateway (allowed: " + config.allowedChannels() + ")");
        }
        return channel;
    }

    private void requireRegistered() throws CommandRejectedException {
        if (!registered) {
            throw new CommandRejectedException("not-connected", "", "not connected to " + config.name() + " yet");
        }
    }

    private void write(String line) {
        outbound.execute(() -> writeNow(line));
    }

    /** On the outbound executor. */
    private boolean writeNow(String line) {
        try {
            bot.sendRaw().rawLine(line);
            return true;
        } catch (RuntimeException e) {
            log.debug("write failed on {}", config.name(), e);
            emit(new ChatEvent.Problem(Instant.now(), "send-failed", "", "could not send: not connected", ""));
            return false;
        }
    }

    @Override
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        outbound.execute(() -> {
            bot.stopBotReconnect();
            if (bot.isConnected()) {
                try {
                    bot.sendRaw().rawLineNow("QUIT :" + reason);
                } catch (RuntimeException e) {
                    log.debug("QUIT failed on {}", config.name(), e);
                }
                try {
                    Thread.sleep(2_000); // give the server a moment to close the link itself
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (bot.isConnected()) {
                bot.close();
            }
        });
    }

    // ---- called by the reader thread (HalleyInputParser, IrcEvents) ----

    /** Sees every line first; false to drop it. */
    boolean onLine(IrcMessage m) {
        current = m;
        switch (m.command()) {
            case "ERROR" -> disconnectReason = m.last();
            case "KILL" -> {
                if (isSelf(m.param(0))) {
                    disconnectReason = "killed by " + m.nick() + ": " + m.last();
                }
            }
            case "PRIVMSG" -> {
                if (m.last().startsWith("\u0001DCC ")) {
                    return false; // Halley does no DCC
                }
            }
            case "375" -> motd = new StringBuilder();
            case "372" -> {
                if (motd == null) {
                    motd = new StringBuilder();
                }
                String l = m.last();
                motd.append(l.startsWith("- ") ? l.substring(2) : l).append('\n');
            }
            case "376", "422" -> {
                if (motd != null && !motd.isEmpty()) {
                    emit(new ChatEvent.ServerText(eventTime(), m.nick(), motd.toString().stripTrailing()));
                }
                motd = null;
            }
            default -> { }
        }
        return true;
    }

    /** The line being handled, for details PircBotX's events leave out. */
    IrcMessage current() {
        return current;
    }

    /** When the current line happened: its IRCv3 server-time, else now. */
    Instant eventTime() {
        String t = current == null ? null : current.tags().get("time");
        if (t != null) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                // fall through: a malformed tag is the server's problem, not a reason to drop the line
            }
        }
        return Instant.now();
    }

    void registered(String nick) {
        this.nick = nick;
        this.registered = true;
        emit(new ChatEvent.Connected(Instant.now(), nick, config.host()));
        if (closed.get()) {
            bot.sendRaw().rawLineNow("QUIT :");
            return;
        }
        Map<String, String> joins = new LinkedHashMap<>(pendingJoins);
        pendingJoins.clear();
        joins.forEach((channel, key) -> {
            keys.put(lower(channel), key);
            write("JOIN " + channel + (key.isEmpty() ? "" : " " + key));
        });
    }

    void nickInUse(String used) {
        if (registered) {
            emit(new ChatEvent.Problem(eventTime(), "nick-in-use", "nick", used + " is already taken", ""));
            return;
        }
        List<String> fallbacks = config.nick().fallbacks();
        if (fallbackIndex < fallbacks.size()) {
            String next = expand(fallbacks.get(fallbackIndex++), wantedNick, nickLength());
            bot.sendRaw().rawLineNow("NICK " + next);
            return;
        }
        emit(new ChatEvent.Problem(eventTime(), "nick-in-use", "nick",
                wantedNick + " and its alternatives are taken; choose another nick", ""));
        disconnectReason = "nick in use";
        close("");
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

    void joined(String channel) {
        channels.put(lower(channel), channel);
    }

    void left(String channel) {
        channels.remove(lower(channel));
    }

    boolean isRegistered() {
        return registered;
    }

    boolean isSelf(String other) {
        return other != null && other.equalsIgnoreCase(nick);
    }

    boolean isChannel(String name) {
        return !name.isEmpty() && chantypes().indexOf(name.charAt(0)) >= 0;
    }

    void connectFailed(String reason) {
        disconnectReason = reason;
    }

    void emit(ChatEvent e) {
        try {
            sink.accept(e);
        } catch (RuntimeException ex) {
            log.warn("event sink failed on {}", e.getClass().getSimpleName(), ex);
        }
    }

    private String chantypes() {
        String t = bot.getServerInfo().getChannelTypes();
        return t == null || t.isEmpty() ? "#&" : t;
    }

    private int nickLength() {
        int n = bot.getServerInfo().getMaxNickLength();
        return n > 0 ? Math.min(n, config.nick().maxLength()) : config.nick().maxLength();
    }

    private int channelLength() {
        int n = bot.getServerInfo().getChannelLength();
        return n > 0 ? n : 50;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

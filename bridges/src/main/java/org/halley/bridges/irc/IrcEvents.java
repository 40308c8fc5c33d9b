package org.halley.bridges.irc;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEvent.Kind;

/**
 * Turns the lines of one IRC connection into {@link ChatEvent}s, in the order they came: a
 * stateful decoder in Netty's sense, with no I/O of its own. It keeps only what it needs to
 * describe a line (the person's nick, the server's ISUPPORT, the members with a prefix in each
 * channel, a WHOIS or NAMES reply being assembled, the MOTD) and no list of every member of every
 * channel: the browser has those from {@link ChatEvent.Members}, and a per-person copy in the
 * gateway would cost more than everything else the connection holds.
 *
 * <p>Not thread-safe: owned by the connection's reader thread.
 */
final class IrcEvents {

    /** What the decoder needs from its connection. Called on the reader thread. */
    interface Host {
        void emit(ChatEvent event);

        /** Writes a line now (PONG, NICK during registration), ahead of queued ones. */
        void sendNow(String line);

        /** Writes a line only if flood control lets it go at once (CTCP replies); else drops it. */
        void sendIfIdle(String line);

        /** Registration completed as {@code nick} (001). */
        void registered(String nick, String server);

        /** The person joined or left {@code channel} (for rejoining after a reconnect). */
        void joined(String channel);

        void left(String channel);

        /** A channel key the person will need to rejoin (set by {@code MODE +k}). */
        void keyChanged(String channel, String key);

        /**
         * The server is ending the connection: {@code code} as in {@code DisconnectReason}
         * ({@code killed}, {@code banned}...), {@code text} the server's own words (or empty).
         */
        void ending(End end, String code, String text);

        /** The next nick to try while registering after {@code taken} was refused, or null. */
        String nextNick(String taken);

        /** The nick the person asked for (the first one tried). */
        String wantedNick();

        /** The away message the person last set, for the server's confirmation. */
        String awayMessage();

        /** The CTCP VERSION answer. */
        String version();
    }

    /** Why a connection ends, and so whether Halley may try again. */
    enum End {
        /** Lost or closed for a reason that may pass (ping timeout, restart): reconnect. */
        LOST(true),
        /** The server says we connect too often: reconnect later, and slow the whole network down. */
        THROTTLED(true),
        /** K-, G-, Z-lined or otherwise banned: never reconnect by ourselves. */
        BANNED(false),
        /** KILLed by an operator: never reconnect by ourselves. */
        KILLED(false),
        /** Something only the person can fix (every nick taken, a wrong password). */
        REFUSED(false);

        final boolean reconnect;

        End(boolean reconnect) {
            this.reconnect = reconnect;
        }
    }

    private final Host host;
    private final Isupport isupport;
    private String nick;
    private boolean registered;
    private StringBuilder motd;
    /** NAMES replies being assembled, by folded channel name (usually none or one). */
    private final Map<String, List<ChatEvent.Member>> names = new HashMap<>(2);
    /** Members with a prefix, by folded channel then folded nick; members without one are not kept. */
    private final Map<String, Map<String, String>> prefixed = new HashMap<>(4);
    private Whois whois;
    private String topicChannel;
    private String topicText;
    /** The line being decoded and its time. */
    private IrcMessage current;
    private Instant time;

    IrcEvents(Host host, Isupport isupport, String nick) {
        this.host = host;
        this.isupport = isupport;
        this.nick = nick;
    }

    String nick() {
        return nick;
    }

    /** Decodes one line; never throws on a malformed one (it is dropped). */
    void onLine(IrcMessage m) {
        current = m;
        time = timeOf(m);
        if (topicChannel != null && !(m.command().equals("333") && same(m.param(1), topicChannel))) {
            flushTopic(null, null);
        }
        try {
            decode(m);
        } catch (RuntimeException e) {
            // A line that breaks our assumptions (missing parameters...) is the server's problem:
            // it must not end the connection.
        }
    }

    /** IRCv3 server-time, else now. */
    static Instant timeOf(IrcMessage m) {
        String t = m.tags().get("time");
        if (t != null) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                // a malformed tag is no reason to drop the line
            }
        }
        return Instant.now();
    }

    private void decode(IrcMessage m) {
        String command = m.command();
        if (command.length() == 3 && Character.isDigit(command.charAt(0))) {
            numeric(Integer.parseInt(command), m);
            return;
        }
        switch (command) {
            case "PING" -> host.sendNow("PONG :" + m.last());
            case "PRIVMSG" -> privmsg(m);
            case "NOTICE" -> notice(m);
            case "JOIN" -> join(m);
            case "PART" -> part(m);
            case "KICK" -> kick(m);
            case "QUIT" -> quit(m);
            case "NICK" -> nick(m);
            case "TOPIC" -> host.emit(new ChatEvent.Topic(time, m.param(0), text(m.param(1)), m.nick(), time));
            case "MODE" -> mode(m.nick(), m.param(0), m.params().subList(1, m.params().size()));
            case "INVITE" -> {
                if (self(m.param(0))) {
                    host.emit(new ChatEvent.Invited(time, m.param(1), m.nick(), ""));
                }
            }
            case "AWAY" -> host.emit(m.params().isEmpty() || m.param(0).isEmpty()
                    ? new ChatEvent.Presence(time, m.nick(), "available", "", self(m.nick()))
                    : new ChatEvent.Presence(time, m.nick(), "away", text(m.param(0)), self(m.nick())));
            case "ACCOUNT" -> host.emit(new ChatEvent.Account(time, m.nick(), m.param(0).equals("*") ? "" : m.param(0)));
            case "KILL" -> {
                if (self(m.param(0))) {
                    host.ending(End.KILLED, "killed", text(m.last()));
                }
            }
            case "ERROR" -> {
                End end = classify(m.last());
                host.ending(end, switch (end) {
                    case BANNED -> "banned";
                    case THROTTLED -> "throttled";
                    case KILLED -> "killed";
                    default -> "server-closed";
                }, text(m.last()));
            }
            case "FAIL" -> host.emit(new ChatEvent.Problem(time, "server-error", "", text(m.last()), ""));
            default -> { } // PONG, TAGMSG, BATCH, CHGHOST, WARN, NOTE...: nothing a person needs
        }
    }

    // ---- messages ----

    private void privmsg(IrcMessage m) {
        String from = m.nick();
        String target = isupport.stripStatus(m.param(0));
        String text = m.param(1);
        boolean self = self(from);
        String conversation = isupport.isChannel(target) ? target : self ? target : from;
        if (text.length() > 1 && text.charAt(0) == '\u0001') {
            String ctcp = text.substring(1, text.endsWith("\u0001") ? text.length() - 1 : text.length());
            int space = ctcp.indexOf(' ');
            String verb = (space < 0 ? ctcp : ctcp.substring(0, space)).toUpperCase(Locale.ROOT);
            if (verb.equals("ACTION")) {
                String action = space < 0 ? "" : ctcp.substring(space + 1);
                host.emit(new ChatEvent.Message(time, conversation, from, text(action), Kind.ACTION, self));
            } else if (verb.equals("VERSION") && !self && !isupport.isChannel(target)) {
                host.sendIfIdle("NOTICE " + from + " :\u0001VERSION " + host.version() + "\u0001");
            }
            return; // DCC, PING, TIME, FINGER...: not answered, not shown (they tell too much)
        }
        host.emit(new ChatEvent.Message(time, conversation, from, text(text), Kind.MESSAGE, self));
    }

    private void notice(IrcMessage m) {
        String from = m.nick();
        String target = isupport.stripStatus(m.param(0));
        String text = m.param(1);
        if (text.startsWith("\u0001")) {
            return; // CTCP replies
        }
        boolean fromServer = m.prefix() == null || m.prefix().indexOf('!') < 0;
        if (isupport.isChannel(target)) {
            host.emit(new ChatEvent.Message(time, target, from, text(text), Kind.NOTICE, self(from)));
        } else if (fromServer || !registered) {
            host.emit(new ChatEvent.ServerText(time, from, text(text)));
        } else {
            boolean self = self(from);
            host.emit(new ChatEvent.Message(time, self ? target : from, from, text(text), Kind.NOTICE, self));
        }
    }

    // ---- membership ----

    private void join(IrcMessage m) {
        String channel = m.param(0);
        String who = m.nick();
        boolean self = self(who);
        if (self) {
            host.joined(channel);
            prefixed.remove(isupport.fold(channel));
        }
        host.emit(new ChatEvent.Joined(time, channel, who, self));
    }

    private void part(IrcMessage m) {
        String channel = m.param(0);
        String who = m.nick();
        boolean self = self(who);
        forget(channel, who, self);
        host.emit(new ChatEvent.Parted(time, channel, who, text(m.param(1)), self));
    }

    private void kick(IrcMessage m) {
        String channel = m.param(0);
        String who = m.param(1);
        boolean self = self(who);
        forget(channel, who, self);
        host.emit(new ChatEvent.Kicked(time, channel, who, m.nick(), text(m.param(2)), self));
    }

    private void forget(String channel, String who, boolean self) {
        if (self) {
            host.left(channel);
            prefixed.remove(isupport.fold(channel));
        } else {
            Map<String, String> p = prefixed.get(isupport.fold(channel));
            if (p != null) {
                p.remove(isupport.fold(who));
            }
        }
    }

    private void quit(IrcMessage m) {
        String who = isupport.fold(m.nick());
        for (Map<String, String> p : prefixed.values()) {
            p.remove(who);
        }
        host.emit(new ChatEvent.Quit(time, m.nick(), text(m.param(0)), List.of()));
    }

    private void nick(IrcMessage m) {
        String old = m.nick();
        String now = m.param(0);
        boolean self = self(old);
        if (self) {
            nick = now;
        }
        String from = isupport.fold(old);
        String to = isupport.fold(now);
        for (Map<String, String> p : prefixed.values()) {
            String prefix = p.remove(from);
            if (prefix != null) {
                p.put(to, prefix);
            }
        }
        host.emit(new ChatEvent.NickChanged(time, old, now, self));
    }

    private void mode(String by, String target, List<String> args) {
        if (args.isEmpty()) {
            return;
        }
        String modes = String.join(" ", args);
        if (!isupport.isChannel(target)) {
            host.emit(new ChatEvent.Mode(time, target, by, modes));
            return;
        }
        host.emit(new ChatEvent.Mode(time, target, by, modes));
        String letters = args.get(0);
        int next = 1;
        boolean adding = true;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            if (c == '+' || c == '-') {
                adding = c == '+';
                continue;
            }
            if (!isupport.takesParameter(c, adding)) {
                continue;
            }
            String arg = next < args.size() ? args.get(next++) : "";
            char symbol = isupport.symbolOf(c);
            if (symbol != 0 && !arg.isEmpty()) {
                standing(target, arg, symbol, adding);
            } else if (c == 'k') {
                host.keyChanged(target, adding ? arg : "");
            }
        }
    }

    /** A member's prefix changed: {@link ChatEvent.MemberUpdated} with the whole new prefix. */
    private void standing(String channel, String member, char symbol, boolean adding) {
        Map<String, String> p = prefixed.computeIfAbsent(isupport.fold(channel), k -> new HashMap<>(4));
        String key = isupport.fold(member);
        String before = p.getOrDefault(key, "");
        String after = adding
                ? isupport.sortPrefix(before + symbol)
                : before.replace(String.valueOf(symbol), "");
        if (after.isEmpty()) {
            p.remove(key);
        } else {
            p.put(key, after);
        }
        host.emit(new ChatEvent.MemberUpdated(time, channel, new ChatEvent.Member(member, after, isupport.role(after))));
    }

    // ---- numerics ----

    private void numeric(int code, IrcMessage m) {
        switch (code) {
            case 1 -> {
                registered = true;
                nick = m.param(0);
                host.registered(nick, m.nick());
            }
            case 5 -> {
                String before = isupport.casemapping();
                isupport.parse(m.params().subList(1, Math.max(1, m.params().size() - 1)));
                if (registered && !before.equals(isupport.casemapping())) {
                    // 001 reported the default; the server's ISUPPORT says otherwise
                    host.emit(ChatEvent.Connected.irc(time, nick, m.nick(), isupport.casemapping()));
                }
            }
            case 375 -> motd = new StringBuilder();
            case 372 -> {
                if (motd == null) {
                    motd = new StringBuilder();
                }
                if (motd.length() < 16_384) {
                    String l = m.last();
                    motd.append(text(l.startsWith("- ") ? l.substring(2) : l)).append('\n');
                }
            }
            case 376, 422 -> {
                if (motd != null && !motd.isEmpty()) {
                    host.emit(new ChatEvent.ServerText(time, m.nick(), motd.toString().stripTrailing()));
                }
                motd = null;
            }
            case 301 -> away(m);
            case 305 -> host.emit(new ChatEvent.Presence(time, nick, "available", "", true));
            case 306 -> host.emit(new ChatEvent.Presence(time, nick, "away", host.awayMessage(), true));
            case 311, 312, 313, 317, 319, 330, 338, 378, 671, 307, 276 -> whois(code, m);
            case 318 -> endOfWhois(m.param(1));
            case 324 -> host.emit(new ChatEvent.Mode(time, m.param(1), "", String.join(" ", m.params().subList(2, m.params().size()))));
            case 331 -> host.emit(new ChatEvent.Topic(time, m.param(1), "", "", null));
            case 332 -> {
                topicChannel = m.param(1);
                topicText = text(m.last());
            }
            case 333 -> {
                if (topicChannel != null) {
                    String setter = m.param(2);
                    int bang = setter.indexOf('!');
                    Instant at = null;
                    try {
                        at = Instant.ofEpochSecond(Long.parseLong(m.param(3)));
                    } catch (NumberFormatException e) {
                        // no time given
                    }
                    flushTopic(bang < 0 ? setter : setter.substring(0, bang), at);
                }
            }
            case 353 -> namesReply(m);
            case 366 -> endOfNames(m.param(1));
            case 433, 432, 437 -> nickRefused(code, m);
            case 464 -> {
                host.emit(problem("bad-password", "", "the network refused the password: " + text(m.last()), ""));
                host.ending(End.REFUSED, "bad-password", "");
            }
            case 465, 463 -> {
                host.emit(problem("banned", "", text(m.last()), ""));
                host.ending(End.BANNED, "banned", text(m.last()));
            }
            case 401 -> {
                if (whois != null && same(whois.nick, m.param(1))) {
                    whois.missing = true;
                }
                host.emit(problem("no-such-nick", "", text(m.last()) + " (" + m.param(1) + ")", m.param(1)));
            }
            default -> {
                String errorCode = errorCode(code);
                if (errorCode != null) {
                    String arg = m.params().size() > 2 ? m.param(1) : "";
                    String where = isupport.isChannel(arg) ? arg : "";
                    host.emit(problem(errorCode, "", text(m.last()) + (arg.isEmpty() ? "" : " (" + arg + ")"), where));
                }
            }
        }
    }

    /** The stable problem code of error numeric {@code code}, or null for one not shown. */
    static String errorCode(int code) {
        return switch (code) {
            case 403 -> "no-such-channel";
            case 404 -> "cannot-send";
            case 405 -> "too-many-channels";
            case 439 -> "too-fast";
            case 441 -> "not-in-channel";
            case 442 -> "not-on-channel";
            case 443 -> "already-in-channel";
            case 471 -> "channel-full";
            case 472, 501 -> "unknown-mode";
            case 473 -> "invite-only";
            case 474 -> "banned";
            case 475 -> "bad-key";
            case 477 -> "needs-account";
            case 478 -> "list-full";
            case 481, 482, 502 -> "not-op";
            case 489 -> "needs-tls";
            default -> code >= 400 && code < 600 && code != 421 ? "server-error" : null;
        };
    }

    private void nickRefused(int code, IrcMessage m) {
        String taken = m.params().size() > 2 ? m.param(1) : m.param(0);
        String why = code == 432 ? "bad-nick" : "nick-in-use";
        if (registered && code == 437 && isupport.isChannel(taken)) {
            host.emit(problem("channel-unavailable", "", text(m.last()) + " (" + taken + ")", taken));
            return;
        }
        if (registered) {
            host.emit(problem(why, "nick", text(m.last()) + " (" + taken + ")", ""));
            return;
        }
        String next = host.nextNick(taken);
        if (next != null) {
            nick = next;
            host.sendNow("NICK " + next);
            return;
        }
        host.emit(problem(why, "nick", code == 432
                ? taken + " is not a nick this network accepts: " + text(m.last()) + "; choose another nick"
                : host.wantedNick() + " and its alternatives are taken; choose another nick", ""));
        host.ending(End.REFUSED, why, "");
    }

    private void namesReply(IrcMessage m) {
        // 353 me = #chan :@op +voice plain  (multi-prefix: @+both; userhost-in-names: nick!u@h)
        String channel = m.param(2);
        List<ChatEvent.Member> list = names.computeIfAbsent(isupport.fold(channel), k -> new ArrayList<>());
        for (String entry : m.last().split(" ")) {
            if (entry.isEmpty()) {
                continue;
            }
            int i = 0;
            while (i < entry.length() - 1 && isupport.isPrefixSymbol(entry.charAt(i))) {
                i++;
            }
            String prefix = isupport.sortPrefix(entry.substring(0, i));
            String who = entry.substring(i);
            int bang = who.indexOf('!');
            if (bang > 0) {
                who = who.substring(0, bang);
            }
            list.add(new ChatEvent.Member(who, prefix, isupport.role(prefix)));
        }
    }

    private void endOfNames(String channel) {
        List<ChatEvent.Member> list = names.remove(isupport.fold(channel));
        if (list == null) {
            list = new ArrayList<>();
        }
        Map<String, String> p = new HashMap<>(4);
        for (ChatEvent.Member member : list) {
            if (!member.prefix().isEmpty()) {
                p.put(isupport.fold(member.nick()), member.prefix());
            }
        }
        if (p.isEmpty()) {
            prefixed.remove(isupport.fold(channel));
        } else {
            prefixed.put(isupport.fold(channel), p);
        }
        list.sort((a, b) -> a.nick().compareToIgnoreCase(b.nick()));
        host.emit(new ChatEvent.Members(time, channel, list));
    }

    private void flushTopic(String setBy, Instant setAt) {
        String channel = topicChannel;
        String topic = topicText;
        topicChannel = null;
        topicText = null;
        host.emit(new ChatEvent.Topic(time, channel, topic, setBy == null ? "" : setBy, setAt));
    }

    private void away(IrcMessage m) {
        String who = m.param(1);
        if (whois != null && same(whois.nick, who)) {
            whois.away = text(m.last());
        } else {
            host.emit(new ChatEvent.Presence(time, who, "away", text(m.last()), self(who)));
        }
    }

    // ---- WHOIS ----

    /** A WHOIS answer being assembled from 311...318. */
    private static final class Whois {
        final String nick;
        String user = "";
        String host = "";
        String realname = "";
        String server = "";
        final List<String> channels = new ArrayList<>();
        String account = "";
        long idle = -1;
        String away = "";
        boolean operator;
        boolean secure;
        boolean missing;

        Whois(String nick) {
            this.nick = nick;
        }
    }

    private void whois(int code, IrcMessage m) {
        String who = m.param(1);
        if (whois == null || !same(whois.nick, who)) {
            whois = new Whois(who);
        }
        Whois w = whois;
        switch (code) {
            case 311 -> {
                w.user = m.param(2);
                w.host = m.param(3);
                w.realname = text(m.last());
            }
            case 312 -> w.server = m.param(2);
            case 313 -> w.operator = true;
            case 317 -> {
                try {
                    w.idle = Long.parseLong(m.param(2));
                } catch (NumberFormatException e) {
                    w.idle = -1;
                }
            }
            case 319 -> {
                for (String c : m.last().split(" ")) {
                    if (!c.isEmpty()) {
                        w.channels.add(c);
                    }
                }
            }
            case 330 -> w.account = m.param(2);
            case 671 -> w.secure = true;
            default -> { } // 307, 338, 378, 276: nothing the record has room for
        }
    }

    private void endOfWhois(String who) {
        Whois w = whois;
        whois = null;
        if (w == null || !same(w.nick, who) || w.missing) {
            return; // 401 said it already
        }
        host.emit(new ChatEvent.Whois(time, w.nick, w.user, w.host, w.realname, w.server, w.channels, w.account, w.idle,
                w.away, w.operator, w.secure));
    }

    // ---- helpers ----

    private ChatEvent.Problem problem(String code, String field, String message, String conversation) {
        return new ChatEvent.Problem(time, code, field, message, conversation);
    }

    private boolean self(String who) {
        return same(who, nick);
    }

    private boolean same(String a, String b) {
        return a != null && b != null && isupport.fold(a).equals(isupport.fold(b));
    }

    private static String text(String s) {
        return s == null ? "" : IrcText.clean(s);
    }

    /**
     * What an {@code ERROR} line means for reconnecting. Servers word these freely; the phrases
     * are those of ircd-seven/Solanum, InspIRCd, UnrealIRCd, ngircd and hybrid.
     */
    static End classify(String error) {
        String e = error.toLowerCase(Locale.ROOT);
        if (e.contains("k-line") || e.contains("g-line") || e.contains("z-line") || e.contains("d-line")
                || e.contains("k-lined") || e.contains("g-lined") || e.contains("z-lined") || e.contains("d-lined")
                || e.contains("akill") || e.contains("autokill") || e.contains("banned") || e.contains("you are not welcome")) {
            return End.BANNED;
        }
        if (e.contains("throttl") || e.contains("too fast") || e.contains("too many connections")
                || e.contains("too many host connections") || e.contains("connect flood") || e.contains("reconnecting too")
                || e.contains("trying to reconnect") || e.contains("connection limit")) {
            return End.THROTTLED;
        }
        if (e.contains("killed (")) {
            return End.KILLED;
        }
        return End.LOST;
    }
}

package org.halley.bridges.irc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.CommandRejectedException;
import org.halley.config.ChannelPattern;
import org.halley.config.IrcBridgeConfig;

/**
 * A person's {@link ChatCommand} as the IRC lines that do it, after every field has been checked
 * against the network's rules ({@link IrcArgs}, the server's ISUPPORT, the bridge's channel
 * patterns). There is no raw passthrough: each command has one fixed line shape, and a field
 * that could change that shape is refused, naming the field. Pure.
 *
 * <p>The channel policy is one function, {@link #allowed}: every field that names a channel (the
 * channel of a join, part, topic, kick, ban, unban, mode or invite; a message's target; a channel
 * named inside a mode argument or a ban mask, such as {@code +f #other} or {@code $j:#other}) is
 * checked against the bridge's {@code allowed-channels}, compared under the server's case mapping,
 * before any line is made. The one exception is leaving: a part of a channel the person is in
 * (put there by the server, or allowed before a reload narrowed the list) is never refused.
 */
final class IrcCommandEncoder {
    private static final List<String> STATUSES = List.of("available", "away", "dnd", "xa");
    private static final int MAX_MASK = 200;

    private final Supplier<IrcBridgeConfig> config;
    private final Isupport isupport;
    /** Whether the person is in a channel now (by its folded name). */
    private final Predicate<String> inChannel;

    IrcCommandEncoder(IrcBridgeConfig config, Isupport isupport) {
        this(() -> config, isupport, folded -> false);
    }

    /**
     * With the bridge's config as it is now (a reload may change the channel patterns) and what
     * the connection knows of the channels the person is in.
     */
    IrcCommandEncoder(Supplier<IrcBridgeConfig> config, Isupport isupport, Predicate<String> inChannel) {
        this.config = config;
        this.isupport = isupport;
        this.inChannel = inChannel;
    }

    /**
     * The lines for {@code command} sent by {@code nick}. {@link ChatCommand.Quit} has none here
     * (the connection closes itself).
     */
    List<String> encode(ChatCommand command, String nick) throws CommandRejectedException {
        return switch (command) {
            case ChatCommand.Join j -> {
                String channel = allowedChannel("channel", j.channel());
                String key = IrcArgs.key("key", j.key());
                yield List.of("JOIN " + channel + (key.isEmpty() ? "" : " " + key));
            }
            case ChatCommand.Part p -> {
                String channel = channel("channel", p.channel());
                if (!inChannel.test(isupport.fold(channel))) {
                    allowed("channel", channel); // leaving a channel one is in is never refused
                }
                String reason = IrcArgs.reason("reason", p.reason(), 300);
                yield List.of("PART " + channel + (reason.isEmpty() ? "" : " :" + reason));
            }
            case ChatCommand.Say s -> text(nick, "PRIVMSG", s.target(), s.text(), false);
            case ChatCommand.Act a -> text(nick, "PRIVMSG", a.target(), a.text(), true);
            case ChatCommand.Notice n -> text(nick, "NOTICE", n.target(), n.text(), false);
            case ChatCommand.ChangeNick n -> List.of("NICK " + IrcArgs.nick("nick", n.nick(), nickLength()));
            case ChatCommand.SetTopic t -> {
                String channel = allowedChannel("channel", t.channel());
                String topic = IrcArgs.reason("topic", t.topic(), Math.min(isupport.topicLength(), 390));
                yield List.of("TOPIC " + channel + " :" + topic);
            }
            case ChatCommand.Whois w -> List.of("WHOIS " + IrcArgs.nick("nick", w.nick(), nickLength()));
            case ChatCommand.SetPresence p -> {
                if (!STATUSES.contains(p.status())) {
                    throw new CommandRejectedException("status", "must be one of " + String.join(", ", STATUSES));
                }
                String message = IrcArgs.reason("message", p.message(), Math.min(isupport.awayLength(), 300));
                if (p.status().equals("available")) {
                    yield List.of("AWAY");
                }
                yield List.of("AWAY :" + (message.isEmpty() ? awayWord(p.status()) : message));
            }
            case ChatCommand.Kick k -> {
                String channel = allowedChannel("channel", k.channel());
                String who = IrcArgs.nick("nick", k.nick(), nickLength());
                String reason = IrcArgs.reason("reason", k.reason(), Math.min(isupport.kickLength(), 300));
                yield List.of("KICK " + channel + " " + who + (reason.isEmpty() ? "" : " :" + reason));
            }
            case ChatCommand.Ban b -> {
                String channel = allowedChannel("channel", b.channel());
                IrcArgs.reason("reason", b.reason(), 300); // IRC bans carry no reason; still never let a bad one pass
                yield List.of("MODE " + channel + " +b " + channelsAllowedIn("who", mask("who", b.who())));
            }
            case ChatCommand.Unban u -> List.of("MODE " + allowedChannel("channel", u.channel()) + " -b "
                    + channelsAllowedIn("who", mask("who", u.who())));
            case ChatCommand.SetMode m -> List.of(mode(m.target(), m.modes(), nick));
            case ChatCommand.Invite i -> {
                String channel = allowedChannel("channel", i.channel());
                yield List.of("INVITE " + IrcArgs.nick("nick", i.nick(), nickLength()) + " " + channel);
            }
            case ChatCommand.Quit q -> {
                IrcArgs.reason("reason", q.reason(), 300);
                yield List.of();
            }
        };
    }

    /** PRIVMSG or NOTICE, split so each line fits once the server puts our prefix in front. */
    private List<String> text(String nick, String verb, String rawTarget, String rawText, boolean action)
            throws CommandRejectedException {
        String target = IrcArgs.target("target", rawTarget, isupport.chantypes(), nickLength(), isupport.channelLength());
        if (isupport.isChannel(target)) {
            allowed("target", target);
        }
        String text = IrcArgs.text("text", rawText);
        String head = verb + " " + target + " :";
        int budget = IrcLines.textBudget(nick, head) - (action ? "\u0001ACTION \u0001".length() : 0);
        List<String> lines = new ArrayList<>();
        for (String part : IrcLines.split(text, budget)) {
            lines.add(action ? head + "\u0001ACTION " + part + "\u0001" : head + part);
        }
        return lines;
    }

    private String mode(String rawTarget, String modes, String nick) throws CommandRejectedException {
        String target;
        if (rawTarget != null && isupport.isChannel(rawTarget)) {
            target = allowedChannel("target", rawTarget);
        } else {
            target = IrcArgs.nick("target", rawTarget, nickLength());
            if (!isupport.fold(target).equals(isupport.fold(nick))) {
                throw new CommandRejectedException("not-allowed", "target", "user modes can only be changed on yourself");
            }
        }
        if (modes == null || modes.isBlank()) {
            throw new CommandRejectedException("modes", "is empty");
        }
        String[] parts = modes.trim().split(" +");
        String letters = parts[0];
        if (letters.length() < 2 || (letters.charAt(0) != '+' && letters.charAt(0) != '-')) {
            throw new CommandRejectedException("modes", "must start with + or - and mode letters, like +o bob");
        }
        int withArgument = 0;
        boolean adding = true;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            if (c == '+' || c == '-') {
                adding = c == '+';
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                if (isupport.isChannel(target) && isupport.takesParameter(c, adding)) {
                    withArgument++;
                }
            } else {
                throw new CommandRejectedException("modes", "mode letters are a-z and A-Z (not '" + c + "')");
            }
        }
        if (withArgument > isupport.modesPerLine()) {
            throw new CommandRejectedException("modes", "at most " + isupport.modesPerLine() + " modes with an argument at once");
        }
        StringBuilder line = new StringBuilder("MODE ").append(target).append(' ').append(letters);
        for (int i = 1; i < parts.length; i++) {
            line.append(' ').append(channelsAllowedIn("modes", word("modes", parts[i])));
        }
        if (IrcLines.utf8(line.toString()) > 400) {
            throw new CommandRejectedException("modes", "is too long");
        }
        return line.toString();
    }

    /** A nick ({@code bob}, banned as {@code bob!*@*}) or a mask ({@code *!*@host}, an extban). */
    static String mask(String field, String who) throws CommandRejectedException {
        if (who == null || who.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (who.indexOf('!') < 0 && who.indexOf('@') < 0 && who.indexOf('*') < 0 && who.indexOf('$') < 0
                && who.indexOf(':') < 0 && who.indexOf('~') != 0) {
            return IrcArgs.nick(field, who, 64) + "!*@*";
        }
        return word(field, who);
    }

    /** One middle parameter: no spaces, commas or control characters, no leading ':'. */
    static String word(String field, String who) throws CommandRejectedException {
        if (who.length() > MAX_MASK) {
            throw new CommandRejectedException(field, "is longer than " + MAX_MASK + " characters");
        }
        if (who.charAt(0) == ':') {
            throw new CommandRejectedException(field, "may not start with ':'");
        }
        for (int i = 0; i < who.length(); i++) {
            char c = who.charAt(i);
            if (c <= ' ' || c == ',' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || IrcArgs.isLineSeparator(c)) {
                throw new CommandRejectedException(field, "may not contain spaces, commas or control characters");
            }
        }
        return who;
    }

    private String channel(String field, String raw) throws CommandRejectedException {
        return IrcArgs.channel(field, raw, isupport.chantypes(), isupport.channelLength());
    }

    private String allowedChannel(String field, String raw) throws CommandRejectedException {
        return allowed(field, channel(field, raw));
    }

    /**
     * The policy: {@code channel} (already a valid name) unless no allowed-channels pattern matches
     * it under the server's case mapping ({@code #Halley[1]} is {@code #halley{1}} on most networks).
     */
    private String allowed(String field, String channel) throws CommandRejectedException {
        IrcBridgeConfig c = config.get();
        String folded = isupport.fold(channel);
        for (ChannelPattern p : c.allowedChannels()) {
            if (new ChannelPattern(isupport.fold(p.glob())).matches(folded)) {
                return channel;
            }
        }
        throw new CommandRejectedException("not-allowed", field,
                channel + " is not open through this gateway (allowed: " + c.allowedChannels() + ")");
    }

    /** Whether the policy lets the person into {@code channel} now (a rejoin after a reload narrowed it). */
    boolean allows(String channel) {
        try {
            allowed("channel", channel);
            return true;
        } catch (CommandRejectedException e) {
            return false;
        }
    }

    /**
     * {@code word} (a mode argument or ban mask) unless it names a channel the policy refuses: as a
     * whole ({@code +f #other}) or after a {@code :} ({@code $j:#other}, {@code ~c:#other}).
     */
    private String channelsAllowedIn(String field, String word) throws CommandRejectedException {
        for (int i = 0; i < word.length(); i++) {
            if ((i == 0 || word.charAt(i - 1) == ':') && isupport.isChannel(word.substring(i))) {
                String named = word.substring(i);
                int end = named.indexOf(':');
                allowed(field, channel(field, end > 0 ? named.substring(0, end) : named));
            }
        }
        return word;
    }

    /** The configured maximum, or the server's NICKLEN when it announced a smaller one. */
    int nickLength() {
        int announced = isupport.nickLength();
        int max = config.get().nick().maxLength();
        return announced > 0 ? Math.min(announced, max) : max;
    }

    private static String awayWord(String status) {
        return switch (status) {
            case "dnd" -> "Busy";
            case "xa" -> "Away for a while";
            default -> "Away";
        };
    }
}

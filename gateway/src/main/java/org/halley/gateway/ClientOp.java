package org.halley.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.CommandRejectedException;
import org.halley.push.wire.JsonProblems;

/**
 * What a browser asks of the gateway, read from one push message: {@code {"op":"say",
 * "network":"demo","target":"#halley","text":"hi"}}. Only shape is checked here (known op, fields
 * are strings); each bridge checks the values against its network's rules. A mistake is said in
 * Halley's words (the field, what was expected; at most {@link #ECHO} characters of what came),
 * never in Jackson's: a page, or whoever drives it, learns nothing of the server's insides.
 */
sealed interface ClientOp {
    /** An op is an object holding strings and one list of strings: 3 levels. */
    StreamReadConstraints LIMITS = StreamReadConstraints.builder().maxNestingDepth(8).maxNumberLength(32).build();

    ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());

    /** How much of a value that is wrong is said back. */
    int ECHO = 40;

    /** Open a connection to {@code network}. */
    record Connect(String network, String nick, String account, String password, List<String> channels) implements ClientOp {}

    /** A command for the connection to {@code network}. */
    record Command(String network, ChatCommand command) implements ClientOp {}

    /** Reads one op; the exception names the field at fault. */
    static ClientOp parse(String json) throws CommandRejectedException {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CommandRejectedException("", JsonProblems.describe(e, LIMITS));
        }
        if (n == null || n.isMissingNode()) {
            throw new CommandRejectedException("", "empty; expected an operation like {\"op\":\"say\", ...}");
        }
        if (!n.isObject()) {
            throw new CommandRejectedException("", "expected a JSON object (an operation like {\"op\":\"say\", ...}), not "
                    + kind(n));
        }
        String op = text(n, "op", false);
        String network = text(n, "network", false);
        return switch (op) {
            case "connect" -> new Connect(network, text(n, "nick", true), text(n, "account", true),
                    text(n, "password", true), strings(n, "channels"));
            case "join" -> new Command(network, new ChatCommand.Join(text(n, "channel", false), text(n, "key", true)));
            case "part" -> new Command(network, new ChatCommand.Part(text(n, "channel", false), text(n, "reason", true)));
            case "say" -> new Command(network, new ChatCommand.Say(text(n, "target", false), text(n, "text", false)));
            case "act" -> new Command(network, new ChatCommand.Act(text(n, "target", false), text(n, "text", false)));
            case "nick" -> new Command(network, new ChatCommand.ChangeNick(text(n, "nick", false)));
            case "topic" -> new Command(network, new ChatCommand.SetTopic(text(n, "channel", false), text(n, "topic", true)));
            case "quit" -> new Command(network, new ChatCommand.Quit(text(n, "reason", true)));
            case "notice" -> new Command(network, new ChatCommand.Notice(text(n, "target", false), text(n, "text", false)));
            case "whois" -> new Command(network, new ChatCommand.Whois(text(n, "nick", false)));
            case "presence" -> new Command(network, new ChatCommand.SetPresence(text(n, "status", false), text(n, "message", true)));
            case "kick" -> new Command(network, new ChatCommand.Kick(text(n, "channel", false), text(n, "nick", false), text(n, "reason", true)));
            case "ban" -> new Command(network, new ChatCommand.Ban(text(n, "channel", false), text(n, "who", false), text(n, "reason", true)));
            case "unban" -> new Command(network, new ChatCommand.Unban(text(n, "channel", false), text(n, "who", false)));
            case "mode" -> new Command(network, new ChatCommand.SetMode(text(n, "target", false), text(n, "modes", false)));
            case "invite" -> new Command(network, new ChatCommand.Invite(text(n, "channel", false), text(n, "nick", false)));
            default -> throw new CommandRejectedException("op", "unknown operation '" + echo(op) + "'");
        };
    }

    private static String text(JsonNode n, String field, boolean optional) throws CommandRejectedException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (optional) {
                return "";
            }
            throw new CommandRejectedException(field, "is missing");
        }
        if (!v.isTextual()) {
            throw new CommandRejectedException(field, "must be a string, not " + kind(v));
        }
        return v.asText();
    }

    /** What a JSON value is, in the words of the protocol doc. */
    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case NULL -> "null";
            default -> "a string";
        };
    }

    /** {@code s} cut to {@link #ECHO} characters, control characters shown as '?'. */
    private static String echo(String s) {
        String cut = s.length() > ECHO ? s.substring(0, ECHO) + "…" : s;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static List<String> strings(JsonNode n, String field) throws CommandRejectedException {
        JsonNode v = n.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray() || v.size() > 50) {
            throw new CommandRejectedException(field, "must be a list of at most 50 strings");
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new CommandRejectedException(field, "must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}

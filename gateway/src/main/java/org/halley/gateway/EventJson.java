package org.halley.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.halley.bridges.ChatEvent;

/**
 * {@link ChatEvent}s as the JSON the browser receives: {@code {"type":"message","network":"demo",
 * "time":"2026-…Z",...}}. The shapes are listed in {@code docs/protocol.md} (chat events). Pure.
 */
final class EventJson {
    /**
     * Events are encoded on each connection's long-lived reader thread. Jackson's default buffer
     * pool is per thread, which would keep about 10 KiB of buffers alive per bridged person; a
     * shared pool keeps a few, whatever the number of threads.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    private EventJson() {}

    static String encode(String network, ChatEvent event) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type(event));
            g.writeStringField("network", network);
            g.writeStringField("time", event.time().toString());
            switch (event) {
                case ChatEvent.Connecting e -> {
                    g.writeStringField("server", e.server());
                    g.writeNumberField("ahead", e.ahead());
                }
                case ChatEvent.Connected e -> {
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("server", e.server());
                    if (!e.address().isEmpty()) {
                        g.writeStringField("address", e.address());
                    }
                    g.writeStringField("casemapping", e.casemapping());
                }
                case ChatEvent.Disconnected e -> {
                    g.writeStringField("code", e.code());
                    g.writeStringField("reason", e.reason());
                    g.writeNumberField("retryIn", e.retryInMillis());
                }
                case ChatEvent.Message e -> {
                    g.writeStringField("conversation", e.conversation());
                    g.writeStringField("from", e.from());
                    g.writeStringField("text", e.text());
                    g.writeStringField("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeBooleanField("self", e.self());
                    if (e.history()) {
                        g.writeBooleanField("history", true);
                    }
                }
                case ChatEvent.Banned e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("by", e.by());
                    g.writeStringField("reason", e.reason());
                    g.writeBooleanField("self", e.self());
                }
                case ChatEvent.Invited e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeStringField("by", e.by());
                    g.writeStringField("reason", e.reason());
                }
                case ChatEvent.Mode e -> {
                    g.writeStringField("target", e.target());
                    g.writeStringField("by", e.by());
                    g.writeStringField("modes", e.modes());
                }
                case ChatEvent.Presence e -> {
                    g.writeStringField("who", e.who());
                    g.writeStringField("status", e.status());
                    g.writeStringField("message", e.message());
                    g.writeBooleanField("self", e.self());
                }
                case ChatEvent.Account e -> {
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("account", e.account());
                }
                case ChatEvent.Roster e -> {
                    g.writeArrayFieldStart("contacts");
                    for (ChatEvent.Contact c : e.contacts()) {
                        g.writeStartObject();
                        g.writeStringField("address", c.address());
                        g.writeStringField("name", c.name());
                        g.writeStringField("status", c.status());
                        g.writeStringField("message", c.message());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                case ChatEvent.Whois e -> {
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("user", e.user());
                    g.writeStringField("host", e.host());
                    g.writeStringField("realname", e.realname());
                    g.writeStringField("server", e.server());
                    g.writeArrayFieldStart("channels");
                    for (String c : e.channels()) {
                        g.writeString(c);
                    }
                    g.writeEndArray();
                    g.writeStringField("account", e.account());
                    g.writeNumberField("idle", e.idleSeconds());
                    g.writeStringField("away", e.away());
                    g.writeBooleanField("operator", e.operator());
                    g.writeBooleanField("secure", e.secure());
                }
                case ChatEvent.MemberUpdated e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeFieldName("member");
                    member(g, e.member());
                }
                case ChatEvent.Joined e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeStringField("nick", e.nick());
                    g.writeBooleanField("self", e.self());
                }
                case ChatEvent.Parted e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("reason", e.reason());
                    g.writeBooleanField("self", e.self());
                }
                case ChatEvent.Kicked e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("by", e.by());
                    g.writeStringField("reason", e.reason());
                    g.writeBooleanField("self", e.self());
                }
                case ChatEvent.Quit e -> {
                    g.writeStringField("nick", e.nick());
                    g.writeStringField("reason", e.reason());
                    g.writeArrayFieldStart("channels");
                    for (String c : e.channels()) {
                        g.writeString(c);
                    }
                    g.writeEndArray();
                }
                case ChatEvent.NickChanged e -> {
                    g.writeStringField("oldNick", e.oldNick());
                    g.writeStringField("newNick", e.newNick());
                    g.writeBooleanField("self", e.self());
                    if (!e.channel().isEmpty()) {
                        g.writeStringField("channel", e.channel());
                    }
                }
                case ChatEvent.Topic e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeStringField("topic", e.topic());
                    g.writeStringField("setBy", e.setBy());
                    if (e.setAt() != null) {
                        g.writeStringField("setAt", e.setAt().toString());
                    }
                }
                case ChatEvent.Members e -> {
                    g.writeStringField("channel", e.channel());
                    g.writeArrayFieldStart("members");
                    for (ChatEvent.Member m : e.members()) {
                        member(g, m);
                    }
                    g.writeEndArray();
                }
                case ChatEvent.ServerText e -> {
                    g.writeStringField("from", e.from());
                    g.writeStringField("text", e.text());
                }
                case ChatEvent.Problem e -> {
                    g.writeStringField("code", e.code());
                    g.writeStringField("field", e.field());
                    g.writeStringField("message", e.message());
                    g.writeStringField("conversation", e.conversation());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void member(JsonGenerator g, ChatEvent.Member m) throws IOException {
        g.writeStartObject();
        g.writeStringField("nick", m.nick());
        g.writeStringField("prefix", m.prefix());
        g.writeStringField("role", m.role());
        if (!m.affiliation().isEmpty()) {
            g.writeStringField("affiliation", m.affiliation());
        }
        g.writeEndObject();
    }

    /** A problem that belongs to no network (a bad op, an unknown network). */
    static String problem(String network, String code, String field, String message) {
        return encode(network, new ChatEvent.Problem(Instant.now(), code, field, message, ""));
    }

    static String type(ChatEvent e) {
        return switch (e) {
            case ChatEvent.Connecting x -> "connecting";
            case ChatEvent.Connected x -> "connected";
            case ChatEvent.Disconnected x -> "disconnected";
            case ChatEvent.Message x -> "message";
            case ChatEvent.Joined x -> "joined";
            case ChatEvent.Parted x -> "parted";
            case ChatEvent.Kicked x -> "kicked";
            case ChatEvent.Banned x -> "banned";
            case ChatEvent.Invited x -> "invited";
            case ChatEvent.Mode x -> "mode";
            case ChatEvent.Presence x -> "presence";
            case ChatEvent.Account x -> "account";
            case ChatEvent.Roster x -> "roster";
            case ChatEvent.Whois x -> "whois";
            case ChatEvent.MemberUpdated x -> "member";
            case ChatEvent.Quit x -> "quit";
            case ChatEvent.NickChanged x -> "nick";
            case ChatEvent.Topic x -> "topic";
            case ChatEvent.Members x -> "members";
            case ChatEvent.ServerText x -> "server-text";
            case ChatEvent.Problem x -> "problem";
        };
    }
}

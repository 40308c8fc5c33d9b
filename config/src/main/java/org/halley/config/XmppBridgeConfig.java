package org.halley.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An XMPP service.
 *
 * @param tls STARTTLS required, the certificate checked against the JDK's trust store (or {@code
 *     caFile}) and against {@code domain}; false sends everything, passwords included, in plain
 *     text and is for local test servers only
 * @param domain the XMPP domain users log in to ({@code example.org})
 * @param mucService the multi-user chat service ({@code conference.example.org}); a bare room name
 *     ({@code lobby}) means {@code lobby@mucService}
 * @param login how people log in
 * @param defaultRooms rooms offered on the connect screen (local part, or a full room JID)
 * @param allowedRooms glob patterns over room JIDs ({@code lobby@conference.example.org}); a join
 *     outside them is refused
 * @param caFile PEM file of the certificate authorities to trust instead of the JDK's; empty: the
 *     JDK's
 * @param pingInterval how often an idle link is checked with an XMPP ping (XEP-0199)
 * @param roomHistory how many past messages a room replays on join (0: none)
 * @param nick how MUC nicknames are chosen: the default, and fallbacks tried when one is taken
 */
public record XmppBridgeConfig(
        String name,
        String host,
        int port,
        boolean tls,
        String domain,
        String mucService,
        XmppLogin login,
        List<String> defaultRooms,
        List<ChannelPattern> allowedRooms,
        Optional<Path> caFile,
        Duration pingInterval,
        int roomHistory,
        NickRules nick)
        implements BridgeConfig {

    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_ROOM_HISTORY = 20;

    public XmppBridgeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(mucService, "mucService");
        Objects.requireNonNull(login, "login");
        defaultRooms = List.copyOf(defaultRooms);
        allowedRooms = List.copyOf(allowedRooms);
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(pingInterval, "pingInterval");
        if (roomHistory < 0) {
            throw new IllegalArgumentException("roomHistory: " + roomHistory + " (expected: >= 0)");
        }
        Objects.requireNonNull(nick, "nick");
    }

    @Override
    public String kind() {
        return "xmpp";
    }

    /**
     * The room JID a person means by {@code room}: {@code lobby} is {@code lobby@}{@link
     * #mucService()}, a JID ({@code lobby@conference.example.org}) is itself. Not validated.
     */
    public String roomJid(String room) {
        return room.indexOf('@') >= 0 ? room : room + "@" + mucService;
    }

    /** Whether the room JID {@code roomJid} matches one of {@link #allowedRooms()} (ASCII case ignored). */
    public boolean allowsRoom(String roomJid) {
        String jid = roomJid.toLowerCase(Locale.ROOT);
        return allowedRooms.stream().anyMatch(p -> p.matches(jid));
    }
}

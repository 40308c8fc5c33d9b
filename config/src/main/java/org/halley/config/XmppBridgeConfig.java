package org.halley.config;

import java.util.List;
import java.util.Objects;

/**
 * An XMPP service.
 *
 * @param domain the XMPP domain users log in to ({@code example.org})
 * @param mucService the multi-user chat service ({@code conference.example.org})
 * @param login how people log in
 * @param defaultRooms rooms offered on the connect screen (local part, or a full room JID)
 * @param allowedRooms glob patterns over room JIDs; a join outside them is refused
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
        List<ChannelPattern> allowedRooms)
        implements BridgeConfig {

    public XmppBridgeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(mucService, "mucService");
        Objects.requireNonNull(login, "login");
        defaultRooms = List.copyOf(defaultRooms);
        allowedRooms = List.copyOf(allowedRooms);
    }

    @Override
    public String kind() {
        return "xmpp";
    }

    public boolean allowsRoom(String roomJid) {
        return allowedRooms.stream().anyMatch(p -> p.matches(roomJid));
    }
}

package org.halley.bridges;

import java.util.List;
import java.util.Objects;

/**
 * What a person gives to connect. Fields are unchecked browser input; the bridge validates them.
 *
 * @param nick the wanted nick (IRC) or the MUC nickname (XMPP); empty for the network's default
 * @param account account name for SASL or the JID for XMPP; empty for none
 * @param password server password, SASL or account password; empty for none
 * @param channels channels or rooms to join once connected
 * @param client the browser's address, as Halley determined it (for WEBIRC and ident)
 */
public record Login(String nick, String account, String password, List<String> channels, ClientAddress client) {

    public Login {
        Objects.requireNonNull(nick, "nick");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(password, "password");
        channels = List.copyOf(channels);
        Objects.requireNonNull(client, "client");
    }

    @Override
    public String toString() {
        return "Login[nick=" + nick + ", account=" + account + ", password=***, channels=" + channels + ", client=" + client + "]";
    }

    /**
     * The browser's address.
     *
     * @param ip textual IP address
     * @param hostname its reverse name if known, else the IP
     */
    public record ClientAddress(String ip, String hostname) {}
}

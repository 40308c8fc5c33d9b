package org.halley.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An IRC network.
 *
 * @param defaultChannels channels offered on the connect screen
 * @param allowedChannels glob patterns ({@code #halley*}); a join outside them is refused
 * @param webircPassword WEBIRC password the network gave this gateway; empty: WEBIRC off
 * @param nick how nicks are chosen and checked
 * @param realname realname ("gecos") sent at registration
 */
public record IrcBridgeConfig(
        String name,
        String host,
        int port,
        boolean tls,
        List<String> defaultChannels,
        List<ChannelPattern> allowedChannels,
        Optional<Secret> webircPassword,
        NickRules nick,
        String realname)
        implements BridgeConfig {

    public IrcBridgeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        defaultChannels = List.copyOf(defaultChannels);
        allowedChannels = List.copyOf(allowedChannels);
        Objects.requireNonNull(webircPassword, "webircPassword");
        Objects.requireNonNull(nick, "nick");
        Objects.requireNonNull(realname, "realname");
    }

    @Override
    public String kind() {
        return "irc";
    }

    /** Whether {@code channel} matches one of {@link #allowedChannels()}. */
    public boolean allowsChannel(String channel) {
        return allowedChannels.stream().anyMatch(p -> p.matches(channel));
    }
}

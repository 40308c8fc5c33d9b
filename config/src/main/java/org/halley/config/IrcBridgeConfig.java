package org.halley.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An IRC network.
 *
 * @param caFile PEM file of the certificate authorities to trust instead of the JDK's; empty:
 *     the JDK's (certificate and host name are checked either way)
 * @param serverPassword PASS sent at registration (a private server's password); empty: none, and
 *     a person's own password without an account goes as PASS instead
 * @param defaultChannels channels offered on the connect screen
 * @param allowedChannels glob patterns ({@code #halley*}); a join outside them is refused
 * @param webircPassword WEBIRC password the network gave this gateway; empty: WEBIRC off
 * @param nick how nicks are chosen and checked
 * @param ident the ident (USER name) template: {@code {hex-ip}} is the browser's address in hex
 * @param realname realname ("gecos") template: {@code {nick}}, {@code {ip}} and {@code {host}}
 * @param quitMessage QUIT reason when the browser session ends (or the person quits without one)
 * @param ctcpVersion the answer to CTCP VERSION
 * @param admission who may connect, and how fast
 * @param reconnect when to try again after the link is lost
 * @param flood how fast lines are written on each connection
 */
public record IrcBridgeConfig(
        String name,
        String host,
        int port,
        boolean tls,
        Optional<Path> caFile,
        Optional<Secret> serverPassword,
        List<String> defaultChannels,
        List<ChannelPattern> allowedChannels,
        Optional<Secret> webircPassword,
        NickRules nick,
        String ident,
        String realname,
        String quitMessage,
        String ctcpVersion,
        AdmissionRules admission,
        ReconnectRules reconnect,
        FloodRules flood)
        implements BridgeConfig {

    public static final String DEFAULT_IDENT = "{hex-ip}";
    public static final String DEFAULT_REALNAME = "Halley web user";
    public static final String DEFAULT_QUIT_MESSAGE = "Web chat session ended";
    public static final String DEFAULT_CTCP_VERSION = "Halley web chat gateway";

    public IrcBridgeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(serverPassword, "serverPassword");
        defaultChannels = List.copyOf(defaultChannels);
        allowedChannels = List.copyOf(allowedChannels);
        Objects.requireNonNull(webircPassword, "webircPassword");
        Objects.requireNonNull(nick, "nick");
        Objects.requireNonNull(ident, "ident");
        Objects.requireNonNull(realname, "realname");
        Objects.requireNonNull(quitMessage, "quitMessage");
        Objects.requireNonNull(ctcpVersion, "ctcpVersion");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(flood, "flood");
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

package org.halley.config;

/**
 * One network a browser may choose, by {@link #name()} only: never by host or port, so Halley
 * cannot be used as a proxy into anything its operator did not list.
 */
public sealed interface BridgeConfig permits IrcBridgeConfig, XmppBridgeConfig {

    /** The name browsers choose the network by: {@code [a-z0-9][a-z0-9-]*}, unique. */
    String name();

    /** {@code irc} or {@code xmpp}, as written in YAML. */
    String kind();

    String host();

    int port();

    /** For IRC: TLS from the first byte. For XMPP: STARTTLS required. */
    boolean tls();
}
